/**
 * The project's own checks for what apex-ls and PMD do not see: SOQL field names, metadata that
 * does not parse, cross-references between metadata files, labels, and Apex classes no test names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CHECKED_SUFFIXES, elementProblems } from './metadata-elements';
import { parseQuery, type Query, type WhereClause } from '@jetstreamapp/soql-parser-js';
import {
  lwcDirectories,
  metadataFolders,
  projectFiles,
  rel,
  retrieveLandingZone,
  walk
} from '../core/paths';
import { lineAt } from './project';
import { accessModeFindings } from './access-mode';
import { blankCommentsAndStrings } from './source-text';
import standardSchema from './standard-schema.json';
import { type Finding, type GateContext, type Step, result } from './types';

interface FieldInfo {
  name: string;
  referenceTo?: string;
}
interface ObjectInfo {
  name: string;
  fields: Map<string, FieldInfo>;
  /** relationship name (lower case) → target object name, '*' for polymorphic */
  relationships: Map<string, string>;
}
interface StandardObject {
  fields: string[];
  relationships: Record<string, string>;
  activity?: boolean;
}

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: () => true });

type XmlNode = Record<string, unknown[]>;

function children(node: unknown, key: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const value = (node as XmlNode)[key];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}
function text(node: unknown, key: string): string | undefined {
  const value = children(node, key)[0];
  return typeof value === 'string' ? value : undefined;
}
function root(file: string, tag: string): XmlNode | undefined {
  return children(xml.parse(fs.readFileSync(file, 'utf8')) as unknown, tag)[0];
}
function lineOf(file: string, needle: string): number {
  const body = fs.readFileSync(file, 'utf8');
  const at = body.indexOf(needle);
  return at < 0 ? 1 : lineAt(body, at);
}

export class Schema {
  readonly objects = new Map<string, ObjectInfo>();
  readonly childRelationships = new Map<string, string>();

  constructor(projectRoot: string) {
    const std = standardSchema.objects as Record<string, StandardObject>;
    for (const [name, def] of Object.entries(std)) {
      const info = this.ensure(name);
      for (const field of [...standardSchema.systemFields, ...def.fields])
        info.fields.set(field.toLowerCase(), { name: field });
      for (const [rel, target] of Object.entries(def.relationships))
        info.relationships.set(rel.toLowerCase(), target);
    }
    for (const [rel, target] of Object.entries(standardSchema.childRelationships)) {
      this.childRelationships.set(rel.toLowerCase(), target);
    }
    for (const objectsDir of metadataFolders('objects', projectRoot)) {
      for (const objectName of fs.readdirSync(objectsDir))
        this.loadObject(path.join(objectsDir, objectName), objectName);
    }
  }

  private ensure(name: string): ObjectInfo {
    const key = name.toLowerCase();
    let info = this.objects.get(key);
    if (!info) {
      info = { name, fields: new Map(), relationships: new Map() };
      this.objects.set(key, info);
    }
    return info;
  }

  private loadObject(dir: string, objectName: string): void {
    const targets = objectName === 'Activity' ? ['Task', 'Event'] : [objectName];
    const objectFile = path.join(dir, `${objectName}.object-meta.xml`);
    let system: string[] = standardSchema.systemFields;
    if (objectName.endsWith('__mdt')) system = standardSchema.customMetadataFields;
    else if (objectName.endsWith('__e')) system = standardSchema.platformEventFields;
    else if (
      fs.existsSync(objectFile) &&
      safeParse(objectFile) &&
      text(root(objectFile, 'CustomObject'), 'customSettingsType')
    ) {
      system = standardSchema.customSettingFields;
    }
    for (const target of targets) {
      const info = this.ensure(target);
      if (
        objectName.endsWith('__c') ||
        objectName.endsWith('__mdt') ||
        objectName.endsWith('__e')
      ) {
        for (const field of system) info.fields.set(field.toLowerCase(), { name: field });
        if (!objectName.endsWith('__mdt') && !objectName.endsWith('__e')) {
          info.relationships.set('owner', '*');
          info.relationships.set('createdby', 'User');
          info.relationships.set('lastmodifiedby', 'User');
        }
      }
      for (const fieldFile of walk(path.join(dir, 'fields'), (f) =>
        f.endsWith('.field-meta.xml')
      )) {
        if (!safeParse(fieldFile)) continue;
        const field = root(fieldFile, 'CustomField');
        const name =
          text(field, 'fullName') ?? path.basename(fieldFile).replace('.field-meta.xml', '');
        const referenceTo = text(field, 'referenceTo');
        info.fields.set(name.toLowerCase(), { name, referenceTo });
        if (referenceTo) {
          info.relationships.set(name.replace(/__c$/i, '__r').toLowerCase(), referenceTo);
          const child = text(field, 'relationshipName');
          if (child) this.childRelationships.set(`${child}__r`.toLowerCase(), target);
        }
      }
    }
  }

  object(name: string): ObjectInfo | undefined {
    return this.objects.get(name.toLowerCase());
  }

  /** Null when the dotted field path resolves from `objectName`, else why it does not. */
  resolve(objectName: string, fieldPath: string): string | null {
    const parts = fieldPath.split('.');
    let current: ObjectInfo | '*' | undefined = this.object(objectName);
    if (!current) return `unknown object ${objectName}`;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      const last = i === parts.length - 1;
      if (current === '*') {
        return last &&
          standardSchema.polymorphicFields.some((f) => f.toLowerCase() === part.toLowerCase())
          ? null
          : `${fieldPath}: only ${standardSchema.polymorphicFields.join(', ')} can be read through a polymorphic relationship`;
      }
      if (last) {
        return current.fields.has(part.toLowerCase())
          ? null
          : `unknown field ${current.name}.${part}`;
      }
      const target = current.relationships.get(part.toLowerCase());
      if (!target) return `unknown relationship ${current.name}.${part}`;
      current = target === '*' ? '*' : this.object(target);
      if (!current) return `unknown object ${target} (through ${part})`;
    }
    return null;
  }
}

function safeParse(file: string): boolean {
  return XMLValidator.validate(fs.readFileSync(file, 'utf8')) === true;
}

interface SoqlLiteral {
  soql: string;
  offset: number;
}

/** Static `[SELECT …]` queries, plus string literals that hold one complete query. */
export function soqlLiterals(source: string): SoqlLiteral[] {
  const code = blankCommentsAndStrings(source, true);
  const out: SoqlLiteral[] = [];
  const bracket = /\[\s*SELECT\b/gi;
  for (let m = bracket.exec(code); m; m = bracket.exec(code)) {
    let depth = 0;
    let end = m.index;
    let inString = false;
    for (; end < code.length; end++) {
      const ch = code[end];
      if (ch === "'" && code[end - 1] !== '\\') inString = !inString;
      if (inString) continue;
      if (ch === '[') depth++;
      if (ch === ']' && --depth === 0) break;
    }
    out.push({ soql: code.slice(m.index + 1, end).trim(), offset: m.index });
  }
  const literal = /'(SELECT\s(?:\\'|[^'])*)'/gi;
  for (let m = literal.exec(code); m; m = literal.exec(code)) {
    const soql = (m[1] ?? '').replace(/\\'/g, "'");
    if (/\bFROM\s+\w+/i.test(soql)) out.push({ soql, offset: m.index });
  }
  return out;
}

function parseSoql(soql: string): Query {
  // The parser does not know Apex binds in LIMIT/OFFSET; their value does not matter here.
  const normalised = soql.replace(/\b(LIMIT|OFFSET)\s*:\s*[\w.()]+/gi, '$1 1');
  return parseQuery(normalised, { allowApexBindVariables: true });
}

function whereFields(where: WhereClause | undefined, out: string[]): void {
  if (!where) return;
  const left = where.left as {
    field?: string;
    fn?: { parameters?: unknown[] };
    valueQuery?: Query;
  } | null;
  if (left?.field) out.push(left.field);
  for (const p of left?.fn?.parameters ?? [])
    if (typeof p === 'string' && /^[A-Za-z]/.test(p)) out.push(p);
  if ('right' in where && where.right) whereFields(where.right, out);
}

function queryFindings(schema: Schema, query: Query, objectName: string): string[] {
  const problems: string[] = [];
  if (!schema.object(objectName))
    return [
      `unknown object ${objectName} (define it in metadata or add it to scripts/gate/standard-schema.json)`
    ];
  const fieldPaths: string[] = [];
  for (const field of query.fields ?? []) {
    if (field.type === 'Field') fieldPaths.push(field.field);
    else if (field.type === 'FieldRelationship')
      fieldPaths.push([...field.relationships, field.field].join('.'));
    else if (field.type === 'FieldFunctionExpression') {
      for (const p of field.parameters ?? [])
        if (typeof p === 'string' && /^[A-Za-z]/.test(p)) fieldPaths.push(p);
    } else if (field.type === 'FieldSubquery') {
      const childName = field.subquery.relationshipName;
      const child = schema.childRelationships.get(childName.toLowerCase());
      if (!child) problems.push(`unknown child relationship ${childName}`);
      else problems.push(...queryFindings(schema, field.subquery, child));
    }
  }
  whereFields(query.where, fieldPaths);
  for (const order of Array.isArray(query.orderBy)
    ? query.orderBy
    : query.orderBy
      ? [query.orderBy]
      : []) {
    if ('field' in order && order.field) fieldPaths.push(order.field);
  }
  for (const group of Array.isArray(query.groupBy)
    ? query.groupBy
    : query.groupBy
      ? [query.groupBy]
      : []) {
    if ('field' in group && group.field) fieldPaths.push(group.field);
  }
  for (const fieldPath of fieldPaths) {
    if (fieldPath.toUpperCase() === 'COUNT()') continue;
    const problem = schema.resolve(objectName, fieldPath);
    if (problem) problems.push(problem);
  }
  return problems;
}

function checkSoql(projectRoot: string, schema: Schema, apexFiles: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of apexFiles) {
    const source = fs.readFileSync(file, 'utf8');
    for (const literal of soqlLiterals(source)) {
      const line = lineAt(source, literal.offset);
      let query: Query;
      try {
        query = parseSoql(literal.soql);
      } catch (error) {
        // A string that merely starts with SELECT may be a fragment of dynamic SOQL.
        if (source[literal.offset] === '[') {
          findings.push({
            file: rel(projectRoot, file),
            line,
            message: `SOQL does not parse: ${String(error).split('\n')[0]}`
          });
        }
        continue;
      }
      for (const message of queryFindings(schema, query, query.sObject ?? '')) {
        findings.push({ file: rel(projectRoot, file), line, message: `SOQL: ${message}` });
      }
    }
  }
  return findings;
}

function checkXml(projectRoot: string, files: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const verdict = XMLValidator.validate(fs.readFileSync(file, 'utf8'));
    if (verdict !== true) {
      findings.push({
        file: rel(projectRoot, file),
        line: verdict.err.line,
        message: `XML does not parse: ${verdict.err.msg}`
      });
    }
  }
  return findings;
}

interface Names {
  classes: Map<string, string>;
  lwc: Set<string>;
  labels: Set<string>;
  customPermissions: Set<string>;
}

function collectNames(projectRoot: string): Names {
  const classes = new Map<string, string>();
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.cls'))) {
    classes.set(path.basename(file, '.cls').toLowerCase(), file);
  }
  const lwc = new Set<string>();
  for (const lwcDir of lwcDirectories(projectRoot)) {
    for (const name of fs.readdirSync(lwcDir)) {
      if (fs.existsSync(path.join(lwcDir, name, `${name}.js-meta.xml`)))
        lwc.add(name.toLowerCase());
    }
  }
  const labels = new Set<string>();
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.labels-meta.xml'))) {
    if (!safeParse(file)) continue;
    for (const label of children(root(file, 'CustomLabels'), 'labels')) {
      const name = text(label, 'fullName');
      if (name) labels.add(name);
    }
  }
  const customPermissions = new Set(
    projectFiles(projectRoot, (f) => f.endsWith('.customPermission-meta.xml')).map((f) =>
      path.basename(f).replace('.customPermission-meta.xml', '').toLowerCase()
    )
  );
  return { classes, lwc, labels, customPermissions };
}

function checkReferences(
  projectRoot: string,
  schema: Schema,
  names: Names,
  xmlOk: Set<string>
): Finding[] {
  const findings: Finding[] = [];
  const report = (file: string, needle: string, message: string): void => {
    findings.push({ file: rel(projectRoot, file), line: lineOf(file, needle), message });
  };
  const fieldExists = (objectField: string): boolean => {
    const [objectName, field] = objectField.split('.');
    return !!objectName && !!field && schema.resolve(objectName, field) === null;
  };

  // External credential principals (`<ExternalCredential>-<principal>`) the project defines.
  const principals = new Set<string>();
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.externalCredential-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const credential = path.basename(file, '.externalCredential-meta.xml');
    for (const p of children(root(file, 'ExternalCredential'), 'externalCredentialParameters')) {
      if (/^(NamedPrincipal|PerUserPrincipal)$/.test(text(p, 'parameterType') ?? ''))
        principals.add(`${credential}-${text(p, 'parameterName') ?? ''}`.toLowerCase());
    }
  }
  const grants = new Map<string, Set<string>>();

  // Permission sets and profiles.
  for (const file of projectFiles(projectRoot, (f) =>
    /\.(permissionset|profile)-meta\.xml$/.test(f)
  )) {
    if (!xmlOk.has(file)) continue;
    const doc = root(file, file.endsWith('.profile-meta.xml') ? 'Profile' : 'PermissionSet');
    const permset = path.basename(file).replace(/\.(permissionset|profile)-meta\.xml$/, '');
    for (const access of children(doc, 'externalCredentialPrincipalAccesses')) {
      const principal = text(access, 'externalCredentialPrincipal') ?? '';
      if (!principals.has(principal.toLowerCase()))
        report(file, principal, `access to unknown external credential principal ${principal}`);
      else if (text(access, 'enabled') === 'true')
        grants.set(principal, (grants.get(principal) ?? new Set()).add(permset));
    }
    for (const fp of children(doc, 'fieldPermissions')) {
      const field = text(fp, 'field') ?? '';
      if (!fieldExists(field)) report(file, field, `permission for unknown field ${field}`);
    }
    for (const op of children(doc, 'objectPermissions')) {
      const object = text(op, 'object') ?? '';
      if (!schema.object(object)) report(file, object, `permission for unknown object ${object}`);
    }
    for (const ca of children(doc, 'classAccesses')) {
      const cls = text(ca, 'apexClass') ?? '';
      if (!names.classes.has(cls.toLowerCase()))
        report(file, cls, `access to unknown Apex class ${cls}`);
    }
    for (const cp of children(doc, 'customPermissions')) {
      const name = text(cp, 'name') ?? '';
      if (!names.customPermissions.has(name.toLowerCase()))
        report(file, name, `unknown custom permission ${name}`);
    }
  }

  // Layouts: <Object>-<Layout name>.layout-meta.xml
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.layout-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const objectName = path.basename(file).split('-')[0] ?? '';
    const body = fs.readFileSync(file, 'utf8');
    for (const m of body.matchAll(/<field>([^<]+)<\/field>/g)) {
      const field = m[1] ?? '';
      if (schema.resolve(objectName, field) !== null)
        report(file, m[0], `layout names unknown field ${objectName}.${field}`);
    }
  }

  // FlexiPages: record fields and custom components.
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.flexipage-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const body = fs.readFileSync(file, 'utf8');
    const objectName = /<sobjectType>([^<]+)<\/sobjectType>/.exec(body)?.[1];
    for (const m of body.matchAll(/<fieldItem>Record\.([^<]+)<\/fieldItem>/g)) {
      if (objectName && schema.resolve(objectName, m[1] ?? '') !== null)
        report(file, m[0], `FlexiPage names unknown field ${objectName}.${m[1]}`);
    }
    for (const m of body.matchAll(/<componentName>c:([^<]+)<\/componentName>/g)) {
      if (!names.lwc.has((m[1] ?? '').toLowerCase()))
        report(file, m[0], `FlexiPage uses unknown component c:${m[1]}`);
    }
  }

  // Custom metadata records: <Type>.<Record>.md-meta.xml
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.md-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const typeName = `${path.basename(file).split('.')[0]}__mdt`;
    if (!schema.object(typeName)) {
      report(file, '<CustomMetadata', `record of unknown custom metadata type ${typeName}`);
      continue;
    }
    for (const value of children(root(file, 'CustomMetadata'), 'values')) {
      const field = text(value, 'field') ?? '';
      if (schema.resolve(typeName, field) !== null)
        report(file, field, `value for unknown field ${typeName}.${field}`);
    }
  }

  // List views inside object folders.
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.listView-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const objectName = path.basename(path.dirname(path.dirname(file)));
    const body = fs.readFileSync(file, 'utf8');
    for (const m of body.matchAll(/<(?:columns|field)>([A-Za-z0-9_]+__c)<\/(?:columns|field)>/g)) {
      if (schema.resolve(objectName, m[1] ?? '') !== null)
        report(file, m[0], `list view names unknown field ${objectName}.${m[1]}`);
    }
  }
  findings.push(...checkPrincipalGrants(projectRoot, principals, grants));
  findings.push(...checkTranslationsAndAnalytics(projectRoot, schema, xmlOk));
  return findings;
}

/**
 * Who may call Rinkel with the org's API key: a callout runs with the principal of the running
 * user's own permission sets, so each of these is the set of a user who calls Rinkel in their own
 * session, and no other set may hold the key (it reaches every Rinkel endpoint the plan allows).
 * Rinkel_Integration: the call pipeline (CDR fetch, reconciliation, contact sync);
 * Rinkel_Recording_Listener: a recording's stream URL; Rinkel_Dialer: POST /dial (issue 18).
 */
export const PRINCIPAL_GRANTS: Record<string, string[]> = {
  'Rinkel-ApiKey': ['Rinkel_Dialer', 'Rinkel_Integration', 'Rinkel_Recording_Listener']
};

function checkPrincipalGrants(
  projectRoot: string,
  principals: Set<string>,
  grants: Map<string, Set<string>>
): Finding[] {
  const findings: Finding[] = [];
  for (const [principal, allowed] of Object.entries(PRINCIPAL_GRANTS)) {
    if (!principals.has(principal.toLowerCase())) continue;
    const granting = grants.get(principal) ?? new Set<string>();
    const permsetFile = (name: string): string =>
      rel(
        projectRoot,
        projectFiles(projectRoot, (f) => f.endsWith(`/${name}.permissionset-meta.xml`))[0] ??
          path.join(projectRoot, `${name}.permissionset-meta.xml`)
      );
    for (const name of [...granting].filter((n) => !allowed.includes(n)).sort())
      findings.push({
        file: permsetFile(name),
        line: 1,
        message: `grants ${principal}, which only ${allowed.join(', ')} may hold (scripts/gate/metadata-check.ts PRINCIPAL_GRANTS)`
      });
    for (const name of allowed.filter((n) => !granting.has(n)))
      findings.push({
        file: permsetFile(name),
        line: 1,
        message: `must grant ${principal}: its users call Rinkel in their own session`
      });
  }
  return findings;
}

/** The object behind a report table: `Weborder__c`, or the child in `Weborder__c.Activities`. */
function reportTableObject(table: string): string | undefined {
  const parts = table.split('.');
  if (parts.length === 1) return parts[0];
  // Only the relationship the product's report types use; others are not checked.
  return parts[parts.length - 1] === 'Activities' ? 'Task' : undefined;
}

/** The schema keeps Activity fields on Task and Event (where Apex sees them). */
function schemaObject(objectName: string): string {
  return objectName === 'Activity' ? 'Task' : objectName;
}

/**
 * Translations and analytics name components by API name, and one unknown name fails the whole
 * deploy: field and quick action translations, the custom fields of reports and report types,
 * and the reports a dashboard shows.
 */
function checkTranslationsAndAnalytics(
  projectRoot: string,
  schema: Schema,
  xmlOk: Set<string>
): Finding[] {
  const findings: Finding[] = [];
  const report = (file: string, needle: string, message: string): void => {
    findings.push({ file: rel(projectRoot, file), line: lineOf(file, needle), message });
  };
  const translatedObject = (file: string): string =>
    path.basename(path.dirname(file)).replace(/-[a-z]{2}(_[A-Z]{2})?$/, '');

  // objectTranslations/<Object>-<lang>/<Field>.fieldTranslation-meta.xml (decomposed source).
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.fieldTranslation-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const objectName = translatedObject(file);
    const field = text(root(file, 'CustomFieldTranslation'), 'name') ?? '';
    if (schema.resolve(schemaObject(objectName), field) !== null)
      report(file, field, `translation of unknown field ${objectName}.${field}`);
  }
  const quickActions = new Set(
    projectFiles(projectRoot, (f) => f.endsWith('.quickAction-meta.xml')).map((f) =>
      path.basename(f, '.quickAction-meta.xml').toLowerCase()
    )
  );
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.objectTranslation-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const objectName = translatedObject(file);
    for (const action of children(root(file, 'CustomObjectTranslation'), 'quickActions')) {
      const name = text(action, 'name') ?? '';
      if (!quickActions.has(`${objectName}.${name}`.toLowerCase()))
        report(file, name, `translation of unknown quick action ${objectName}.${name}`);
    }
  }

  // Reports: standard report types name custom fields <Object>.<Field__c>; custom report types
  // name every column <table>$<field> (table: the base object or <base>.<relationship>).
  const reportNames = new Set<string>();
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.report-meta.xml'))) {
    reportNames.add(
      `${path.basename(path.dirname(file))}/${path.basename(file, '.report-meta.xml')}`
    );
    if (!xmlOk.has(file)) continue;
    const body = fs.readFileSync(file, 'utf8');
    const customType = /<reportType>[^<]+__c<\/reportType>/.test(body);
    for (const m of body.matchAll(/<(field|column|dateColumn|sortColumn)>([^<]+)<\/\1>/g)) {
      const ref = m[2] ?? '';
      const [table, field] = ref.includes('$') ? ref.split('$') : [undefined, undefined];
      if (customType && !table) {
        report(file, m[0], `report on a custom report type names ${ref} without <table>$<field>`);
        continue;
      }
      if (table && field) {
        const objectName = reportTableObject(table);
        if (objectName && schema.resolve(objectName, field) !== null)
          report(file, m[0], `report names unknown field ${ref}`);
        continue;
      }
      const dot = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+__c)$/.exec(ref);
      const dotObject = schemaObject(dot?.[1] ?? '');
      if (dot && schema.object(dotObject) && schema.resolve(dotObject, dot[2] ?? '') !== null)
        report(file, m[0], `report names unknown field ${dot[1]}.${dot[2]}`);
    }
  }
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.reportType-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    for (const section of children(root(file, 'ReportType'), 'sections')) {
      for (const column of children(section, 'columns')) {
        const field = text(column, 'field') ?? '';
        const table = text(column, 'table') ?? '';
        const objectName = reportTableObject(table);
        if (objectName && schema.resolve(objectName, field) !== null)
          report(
            file,
            `<field>${field}</field>`,
            `report type names unknown field ${table}.${field}`
          );
      }
    }
  }
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.dashboard-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const body = fs.readFileSync(file, 'utf8');
    for (const m of body.matchAll(/<report>([^<]+)<\/report>/g)) {
      if (!reportNames.has(m[1] ?? ''))
        report(file, m[0], `dashboard shows unknown report ${m[1]}`);
    }
  }
  return findings;
}

function checkElementNames(projectRoot: string, xmlOk: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const [suffix, type] of Object.entries(CHECKED_SUFFIXES)) {
    for (const file of projectFiles(projectRoot, (f) => f.endsWith(suffix))) {
      if (!xmlOk.has(file)) continue;
      for (const problem of elementProblems(file, type)) {
        const element = /has (?:no )?element (\S+)/.exec(problem)?.[1];
        findings.push({
          file: rel(projectRoot, file),
          line: element ? lineOf(file, `<${element}>`) : 1,
          message: problem
        });
      }
    }
  }
  return findings;
}

function checkLabels(projectRoot: string, names: Names, xmlOk: Set<string>): Finding[] {
  const findings: Finding[] = [];
  for (const file of projectFiles(projectRoot, (f) => /\.(cls|trigger)$/.test(f))) {
    const code = blankCommentsAndStrings(fs.readFileSync(file, 'utf8'), false);
    for (const m of code.matchAll(/\b(?:System\.)?Label\.([A-Za-z][A-Za-z0-9_]*)\b/g)) {
      const name = m[1] ?? '';
      if (name.toLowerCase() === 'get') continue;
      if (!names.labels.has(name))
        findings.push({
          file: rel(projectRoot, file),
          line: lineAt(code, m.index ?? 0),
          message: `unknown custom label ${name}`
        });
    }
  }
  for (const file of projectFiles(
    projectRoot,
    (f) => /\/lwc\/.+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')
  )) {
    const body = fs.readFileSync(file, 'utf8');
    for (const m of body.matchAll(/@salesforce\/label\/c\.([A-Za-z0-9_]+)/g)) {
      if (!names.labels.has(m[1] ?? ''))
        findings.push({
          file: rel(projectRoot, file),
          line: lineAt(body, m.index ?? 0),
          message: `unknown custom label ${m[1]}`
        });
    }
    for (const m of body.matchAll(/@salesforce\/apex\/([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)/g)) {
      const clsFile = names.classes.get((m[1] ?? '').toLowerCase());
      const method = new RegExp(`@AuraEnabled[^{;]*?\\b${m[2] ?? ''}\\s*\\(`, 'i');
      if (!clsFile || !method.test(fs.readFileSync(clsFile, 'utf8'))) {
        findings.push({
          file: rel(projectRoot, file),
          line: lineAt(body, m.index ?? 0),
          message: `no @AuraEnabled method ${m[1]}.${m[2]}`
        });
      }
    }
  }
  // Every label needs its Dutch translation; every translation needs its label.
  for (const file of projectFiles(projectRoot, (f) => f.endsWith('.translation-meta.xml'))) {
    if (!xmlOk.has(file)) continue;
    const translated = new Set(
      children(root(file, 'Translations'), 'customLabels').map((l) => text(l, 'name') ?? '')
    );
    for (const name of translated) {
      if (!names.labels.has(name))
        findings.push({
          file: rel(projectRoot, file),
          line: lineOf(file, `<name>${name}</name>`),
          message: `translation of unknown label ${name}`
        });
    }
    for (const name of names.labels) {
      if (!translated.has(name))
        findings.push({
          file: rel(projectRoot, file),
          line: 1,
          message: `label ${name} has no translation here`
        });
    }
  }
  return findings;
}

function checkTestReferences(projectRoot: string, names: Names): Finding[] {
  const tests: string[] = [];
  const classes: [string, string][] = [];
  for (const file of names.classes.values()) {
    const code = blankCommentsAndStrings(fs.readFileSync(file, 'utf8'), false);
    if (/@IsTest\b[\s\S]*?\bclass\s/i.test(code.slice(0, code.search(/\bclass\s/i) + 6)))
      tests.push(code);
    else classes.push([path.basename(file, '.cls'), file]);
  }
  return classes
    .filter(([name]) => !tests.some((test) => new RegExp(`\\b${name}\\b`, 'i').test(test)))
    .map(([name, file]) => ({
      file: rel(projectRoot, file),
      line: lineOf(file, name),
      message: `Apex class ${name} is not referenced by any test class`
    }));
}

/**
 * `sf project retrieve` drops components it cannot place into `<default package>/main/default`.
 * That folder stays empty: everything has a capability folder (docs/architecture.md).
 */
function checkLandingZone(projectRoot: string): Finding[] {
  const zone = retrieveLandingZone(projectRoot);
  return walk(path.join(projectRoot, zone), () => true).map((file) => ({
    file: rel(projectRoot, file),
    line: 1,
    message: `${zone} is the landing zone of sf project retrieve and stays empty: move this file into its capability folder`
  }));
}

export function checkProject(projectRoot: string): Finding[] {
  const xmlFiles = projectFiles(projectRoot, (f) => f.endsWith('-meta.xml'));
  const xmlFindings = checkXml(projectRoot, xmlFiles);
  const broken = new Set(xmlFindings.map((f) => path.join(projectRoot, f.file)));
  const xmlOk = new Set(xmlFiles.filter((f) => !broken.has(f)));
  const schema = new Schema(projectRoot);
  const names = collectNames(projectRoot);
  const apexFiles = projectFiles(projectRoot, (f) => /\.(cls|trigger)$/.test(f));
  const all = [
    ...xmlFindings,
    ...checkSoql(projectRoot, schema, apexFiles),
    ...checkReferences(projectRoot, schema, names, xmlOk),
    ...checkLabels(projectRoot, names, xmlOk),
    ...checkElementNames(projectRoot, xmlOk),
    ...checkTestReferences(projectRoot, names),
    ...apexFiles.flatMap((file) =>
      accessModeFindings(rel(projectRoot, file), fs.readFileSync(file, 'utf8'))
    ),
    ...checkLandingZone(projectRoot)
  ];
  const seen = new Set<string>();
  return all.filter((f) => {
    const key = `${f.file}:${f.line}:${f.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

export const metadataStep: Step = {
  id: 'project-checks',
  title:
    'project checks (SOQL fields, metadata XML and element names, cross-references incl. translations and reports, labels, tests per class, access modes, empty retrieve landing zone)',
  run({ root: projectRoot }: GateContext) {
    const findings = checkProject(projectRoot);
    return Promise.resolve(result(findings, `${findings.length} problem(s)`));
  }
};
