/**
 * The compile step's inputs: the directories it compiles come from sfdx-project.json, and its
 * typed standard-object schema covers every standard object and field the SOQL check knows.
 */
import path from 'node:path';
import { compileDirectories } from '../apex-compile-step';
import standardSchema from '../standard-schema.json';
import standardObjects from '../apex-compiler/standard-objects.json';

const REPO = path.join(__dirname, '..', '..', '..');
/** Fields the driver adds to every standard object itself. */
const ADDED = ['Id', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById'];
const ADDED_RELATIONSHIPS = ['CreatedBy', 'LastModifiedBy'];

interface TypedObject {
  fields: Record<string, string>;
  readOnly?: string[];
  references?: Record<string, string>;
}
const typed = standardObjects.objects as Record<string, TypedObject>;

test('the package directories and the dev-only directories come from sfdx-project.json', () => {
  expect(compileDirectories(REPO)).toEqual({ packages: ['force-app'], dev: ['config/dev-org'] });
});

test.each(Object.entries(standardSchema.objects))(
  'standard object %s: every field and relationship the SOQL check knows has an Apex type',
  (name, object) => {
    const entry = typed[name];
    expect(entry).toBeDefined();
    const fields = [...Object.keys(entry?.fields ?? {}), ...ADDED];
    expect(fields).toEqual(expect.arrayContaining(object.fields));
    const references = [...Object.keys(entry?.references ?? {}), ...ADDED_RELATIONSHIPS];
    expect(references).toEqual(expect.arrayContaining(Object.keys(object.relationships)));
    for (const field of entry?.readOnly ?? []) expect(fields).toContain(field);
  }
);

test('every field type is one the driver maps', () => {
  const known = ['String', 'Id', 'Boolean', 'Integer', 'Long', 'Decimal', 'Double', 'Date'];
  const types = Object.values(typed).flatMap((object) => Object.values(object.fields));
  for (const type of types) expect([...known, 'Datetime', 'Time', 'Blob']).toContain(type);
});
