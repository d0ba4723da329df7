/**
 * Element names of the metadata this project writes by hand and cannot deploy offline (reports,
 * report types, dashboards, their folders, translations), checked against the Metadata API's own
 * type descriptions: the schema jsforce generates from the Metadata WSDL
 * (@jsforce/jsforce-node/lib/api/metadata/schema.js, "generated from WSDL file"). The Metadata API
 * refuses a file with an element its type does not have, and refuses the whole deploy with it;
 * `sf project convert source` (the deploy-shape step) does not look inside the files. Element
 * values (enumerations, field names) are not in that schema; metadata-check.ts checks the field
 * names it can resolve. jsforce's WSDL is not the newest (it lacks e.g. QuickAction's
 * lightningWebComponent), so the check covers only the types above, whose files it accepts; an
 * element added in a later API version would be reported as unknown: check it in the Metadata
 * API reference before allowing it here.
 */
import fs from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { ApiSchemas as generated } from '@jsforce/jsforce-node/lib/api/metadata/schema';

const ApiSchemas = generated as unknown as Record<
  string,
  { props: Record<string, unknown>; extends?: string }
>;

/** File suffix → root element (= Metadata API type) checked by this step. */
export const CHECKED_SUFFIXES: Record<string, string> = {
  '.report-meta.xml': 'Report',
  '.reportType-meta.xml': 'ReportType',
  '.dashboard-meta.xml': 'Dashboard',
  '.reportFolder-meta.xml': 'ReportFolder',
  '.dashboardFolder-meta.xml': 'DashboardFolder',
  '.objectTranslation-meta.xml': 'CustomObjectTranslation',
  '.fieldTranslation-meta.xml': 'CustomFieldTranslation',
  '.translation-meta.xml': 'Translations'
};

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: () => true,
  preserveOrder: true
});

type Ordered = Record<string, unknown>[];

/** The properties of a type and the types it extends. */
function props(type: string): Record<string, unknown> | undefined {
  const schema = ApiSchemas[type];
  if (!schema) return undefined;
  return { ...(schema.extends ? props(schema.extends) : {}), ...schema.props };
}

/** The complex type a property holds ('?ReportFilter', ['ReportColumn']), or undefined for a value. */
function propertyType(spec: unknown): string | undefined {
  const raw: unknown = Array.isArray(spec) ? (spec as unknown[])[0] : spec;
  const name = typeof raw === 'string' ? raw.replace(/^\?/, '') : undefined;
  return name && ApiSchemas[name] ? name : undefined;
}

/**
 * Every element below a node of `type` that the type does not have, or that stands after an
 * element the type lists later: the API reads a file against the WSDL's sequence ("Element …
 * invalid at this location"), and the schema keeps that order (inherited elements first).
 */
function unknownElements(nodes: Ordered, type: string, at: string, out: string[]): void {
  const allowed = props(type) ?? {};
  const order = Object.keys(allowed);
  let last = -1;
  let lastName = '';
  for (const node of nodes) {
    for (const [name, value] of Object.entries(node)) {
      if (name === '#text' || name === ':@' || name === '?xml') continue;
      const where = `${at}/${name}`;
      if (!(name in allowed)) {
        out.push(`${where}: ${type} has no element ${name}`);
        continue;
      }
      const index = order.indexOf(name);
      if (index < last) out.push(`${where}: ${type} has element ${name} before ${lastName}`);
      else [last, lastName] = [index, name];
      const child = propertyType(allowed[name]);
      if (child && Array.isArray(value)) unknownElements(value as Ordered, child, where, out);
    }
  }
}

/** Problems of one file: wrong root element or elements its type does not define. */
export function elementProblems(file: string, type: string): string[] {
  const doc = parser.parse(fs.readFileSync(file, 'utf8')) as Ordered;
  const rootNode = doc.find((n) => !('?xml' in n));
  const [rootName, body] = Object.entries(rootNode ?? {}).find(([k]) => k !== ':@') ?? [];
  if (rootName !== type) return [`root element is ${rootName ?? 'missing'}, not ${type}`];
  const out: string[] = [];
  unknownElements((body ?? []) as Ordered, type, type, out);
  return out;
}
