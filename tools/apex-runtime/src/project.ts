/**
 * Reads any SFDX project: sfdx-project.json package directories (recursively, any depth — the
 * file suffix decides the metadata type) plus extra directories, and config/project-scratch-def.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { parseApex, type TypeDecl } from './ast';
import { Schema } from './schema';
import type { Label } from './stdlib';
import { loadSecurityMeta, type SecurityMeta } from './platform/security';

export interface ProjectFiles {
  root: string;
  /** every file of the package directories (metadata other modules read) */
  files: string[];
  classes: TypeDecl[];
  triggers: TypeDecl[];
  schema: Schema;
  labels: Map<string, Label>;
  mdtRecords: {
    type: string;
    developerName: string;
    label: string;
    values: Record<string, unknown>;
  }[];
  staticResources: { name: string; contentType: string; body: Buffer }[];
  scratch: { language: string; locale: string; timezone: string; orgName: string };
  parseMs: number;
  /** permission sets, custom permissions, class API versions (src/platform/security.ts) */
  security: SecurityMeta;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['labels', 'customLabels', 'values', 'value'].includes(name)
});

function walk(dir: string, out: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

export function packageDirs(root: string, extra: string[]): string[] {
  const projFile = path.join(root, 'sfdx-project.json');
  const dirs: string[] = [];
  if (fs.existsSync(projFile)) {
    const proj = JSON.parse(fs.readFileSync(projFile, 'utf8')) as {
      packageDirectories?: { path: string }[];
    };
    for (const p of proj.packageDirectories ?? []) dirs.push(path.resolve(root, p.path));
  }
  for (const e of extra) dirs.push(path.resolve(root, e));
  return [...new Set(dirs)];
}

function readXml(file: string): Record<string, unknown> {
  const doc = xml.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const key = Object.keys(doc).find((k) => !k.startsWith('?'));
  return (key ? doc[key] : {}) as Record<string, unknown>;
}

export interface LoadOptions {
  /** parses one Apex source (the local org's host passes a cached parser) */
  parse?: (source: string, file: string) => TypeDecl;
}

export function loadProject(root: string, extra: string[], opts: LoadOptions = {}): ProjectFiles {
  const parse = opts.parse ?? parseApex;
  const files: string[] = [];
  for (const d of packageDirs(root, extra)) walk(d, files);
  const rel = (f: string): string => path.relative(root, f);
  const schema = new Schema();
  // objects: the folder name is the object; fields live in <object>/fields/
  const objectFiles = files.filter((f) => f.endsWith('.object-meta.xml'));
  const fieldFiles = files.filter((f) => f.endsWith('.field-meta.xml'));
  for (const f of objectFiles) {
    const name = path.basename(f).replace(/\.object-meta\.xml$/, '');
    schema.addCustomObject(name, readXml(f));
  }
  for (const f of fieldFiles) {
    const objName = path.basename(path.dirname(path.dirname(f)));
    const targets = objName === 'Activity' ? ['Task', 'Event'] : [objName];
    const x = readXml(f);
    for (const t of targets) {
      const o = schema.get(t) ?? schema.addCustomObject(t, {});
      schema.addCustomField(o, x);
    }
  }
  schema.link();

  const labels = new Map<string, Label>();
  for (const f of files.filter((x) => x.endsWith('.labels-meta.xml'))) {
    const x = readXml(f);
    for (const l of (x.labels as Record<string, unknown>[] | undefined) ?? []) {
      const name = String(l.fullName);
      labels.set(name.toLowerCase(), {
        name,
        value: String(l.value ?? ''),
        translations: new Map()
      });
    }
  }
  for (const f of files.filter((x) => x.endsWith('.translation-meta.xml'))) {
    const lang = path.basename(f).replace(/\.translation-meta\.xml$/, '');
    const x = readXml(f);
    for (const t of (x.customLabels as Record<string, unknown>[] | undefined) ?? []) {
      const l = labels.get(String(t.name).toLowerCase());
      if (l) l.translations.set(lang, String(t.label ?? ''));
    }
  }

  const mdtRecords: ProjectFiles['mdtRecords'] = [];
  for (const f of files.filter((x) => x.endsWith('.md-meta.xml'))) {
    const base = path.basename(f).replace(/\.md-meta\.xml$/, '');
    const dot = base.indexOf('.');
    const type = `${base.slice(0, dot)}__mdt`;
    const x = readXml(f);
    const values: Record<string, unknown> = {};
    for (const v of (x.values as Record<string, unknown>[] | undefined) ?? []) {
      const val = v.value as unknown;
      const item = Array.isArray(val) ? (val[0] as unknown) : val;
      if (item && typeof item === 'object') {
        const o = item as Record<string, unknown>;
        values[String(v.field)] = o['@xsi:nil'] === 'true' ? null : (o['#text'] ?? '');
      } else values[String(v.field)] = item ?? null;
    }
    mdtRecords.push({
      type,
      developerName: base.slice(dot + 1),
      label: String(x.label ?? ''),
      values
    });
  }

  const staticResources: ProjectFiles['staticResources'] = [];
  for (const f of files.filter((x) => x.endsWith('.resource-meta.xml'))) {
    const name = path.basename(f).replace(/\.resource-meta\.xml$/, '');
    const x = readXml(f);
    const dir = path.dirname(f);
    const body = fs
      .readdirSync(dir)
      .find((n) => n.startsWith(`${name}.`) && !n.endsWith('-meta.xml'));
    staticResources.push({
      name,
      contentType: String(x.contentType ?? 'application/octet-stream'),
      body: body ? fs.readFileSync(path.join(dir, body)) : Buffer.alloc(0)
    });
  }

  const t0 = Date.now();
  const classes: TypeDecl[] = [];
  const triggers: TypeDecl[] = [];
  for (const f of files) {
    if (f.endsWith('.cls')) classes.push(parse(fs.readFileSync(f, 'utf8'), rel(f)));
    else if (f.endsWith('.trigger')) triggers.push(parse(fs.readFileSync(f, 'utf8'), rel(f)));
  }
  const parseMs = Date.now() - t0;

  const scratchFile = path.join(root, 'config', 'project-scratch-def.json');
  const scratchDef = fs.existsSync(scratchFile)
    ? (JSON.parse(fs.readFileSync(scratchFile, 'utf8')) as Record<string, unknown>)
    : {};
  const language = String(scratchDef.language ?? 'en_US');
  const country = String(scratchDef.country ?? 'US');
  const locale = language.includes('_')
    ? `${language.split('_')[0]}_${country}`
    : `${language}_${country}`;
  const timezone = String(
    (scratchDef as { timeZoneSidKey?: string }).timeZoneSidKey ??
      process.env.APEX_RUNTIME_TZ ??
      'America/Los_Angeles'
  );
  return {
    root,
    files,
    classes,
    triggers,
    schema,
    labels,
    mdtRecords,
    staticResources,
    scratch: { language, locale, timezone, orgName: String(scratchDef.orgName ?? 'Org') },
    parseMs,
    security: loadSecurityMeta(root, files)
  };
}
