/**
 * Each gate step, run on a project with planted defects, must fail and point at the defect's
 * file and line. A step that cannot fail would make `npm test` worthless.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apexCompileStep, compileApex } from '../apex-compile-step';
import { deployShapeStep } from '../deploy-shape';
import { metadataStep } from '../metadata-check';
import {
  apexSemanticsStep,
  eslintStep,
  jestStep,
  pmdStep,
  prettierStep,
  typecheckStep
} from '../tool-steps';
import type { Finding, Step } from '../types';

const BROKEN = path.join(__dirname, '..', '__fixtures__', 'broken-project');
const APEX = 'force-app/things/classes';

jest.setTimeout(120_000);

async function findingsOf(step: Step): Promise<Finding[]> {
  const outcome = await step.run({ root: BROKEN });
  expect(outcome.ok).toBe(false);
  return outcome.findings;
}

test('1. prettier reports the unformatted Apex class at its first unformatted line', async () => {
  const findings = await findingsOf(prettierStep);
  expect(findings).toEqual([
    { file: `${APEX}/Ugly.cls`, line: 2, message: expect.stringContaining('not formatted') }
  ]);
});

test('2. eslint reports the explicit any with its line and rule', async () => {
  const findings = await findingsOf(eslintStep);
  expect(findings).toContainEqual({
    file: 'scripts/broken.ts',
    line: 3,
    message: expect.stringContaining('@typescript-eslint/no-explicit-any')
  });
});

test('3. tsc reports the type error in TypeScript', async () => {
  const findings = await findingsOf(typecheckStep);
  expect(findings).toContainEqual({
    file: 'scripts/broken.ts',
    line: 1,
    message: expect.stringContaining("Type 'string' is not assignable to type 'number'")
  });
});

test('4. apex-ls reports the Apex type error and the malformed XML', async () => {
  const findings = await findingsOf(apexSemanticsStep);
  expect(findings).toContainEqual({
    file: `${APEX}/Broken.cls`,
    line: 3,
    message: expect.stringContaining(
      "Incompatible types in assignment, from 'System.String' to 'System.Integer'"
    )
  });
  expect(findings).toContainEqual(
    expect.objectContaining({
      file: 'force-app/things/objects/Thing__c/fields/Malformed__c.field-meta.xml',
      line: 5
    })
  );
});

test('5. PMD reports the query inside a loop', async () => {
  const findings = await findingsOf(pmdStep);
  expect(findings).toContainEqual({
    file: `${APEX}/Broken.cls`,
    line: 14,
    message: expect.stringContaining('OperationWithLimitsInLoop')
  });
});

describe("Apex compile with Salesforce's compiler (jorje)", () => {
  let findings: Finding[];
  beforeAll(async () => {
    findings = await findingsOf(apexCompileStep);
  });

  test('a reserved type identifier', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/Compiled.cls`,
      line: 2,
      message: expect.stringContaining('Identifier type is reserved: Page')
    });
  });

  test('a private member read from a test class', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/CompiledTest.cls`,
      line: 6,
      message: expect.stringContaining('Variable is not visible: Compiled.Holder.secret')
    });
  });

  test('a method that does not exist on a standard class', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/Compiled.cls`,
      line: 11,
      message: expect.stringContaining(
        'Method does not exist or incorrect signature: void lengthInCharacters() from the type String'
      )
    });
  });

  test('a type error, and nothing else', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/Broken.cls`,
      line: 3,
      message: expect.stringContaining('Illegal assignment from String to Integer')
    });
    expect(findings).toHaveLength(4);
  });

  test('a driver failure fails the step instead of counting as zero errors', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-compile-'));
    try {
      fs.writeFileSync(
        path.join(root, 'sfdx-project.json'),
        JSON.stringify({ packageDirectories: [{ path: 'app' }] })
      );
      const fields = path.join(root, 'app/objects/Thing__c/fields');
      fs.mkdirSync(fields, { recursive: true });
      fs.writeFileSync(
        path.join(fields, 'Where__c.field-meta.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Where__c</fullName>\n    <type>NoSuchType</type>\n</CustomField>\n'
      );

      const outcome = await apexCompileStep.run({ root });

      expect(outcome.ok).toBe(false);
      expect(outcome.findings).toEqual([
        { file: '-', line: 0, message: expect.stringContaining('jorje crashed (app): exit 2') }
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('a clean class, trigger and test compile with zero errors', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-compile-'));
    try {
      const classes = path.join(root, 'app/classes');
      const triggers = path.join(root, 'app/triggers');
      const objects = path.join(root, 'app/objects/Thing__c');
      fs.mkdirSync(classes, { recursive: true });
      fs.mkdirSync(triggers, { recursive: true });
      fs.mkdirSync(path.join(objects, 'fields'), { recursive: true });
      fs.writeFileSync(
        path.join(objects, 'Thing__c.object-meta.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>Thing</label>\n</CustomObject>\n'
      );
      fs.writeFileSync(
        path.join(objects, 'fields/Count__c.field-meta.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n    <fullName>Count__c</fullName>\n    <type>Number</type>\n</CustomField>\n'
      );
      fs.writeFileSync(
        path.join(classes, 'Clean.cls'),
        [
          'public with sharing class Clean {',
          '  public class CleanException extends Exception {}',
          '  public static List<Database.SaveResult> save(List<Thing__c> things) {',
          '    for (Thing__c thing : things) {',
          '      thing.Count__c = String.isBlank(thing.Name) ? 0 : thing.Name.length();',
          '    }',
          '    Schema.SObjectField field = Thing__c.Count__c;',
          '    if (field == null || Thing__c.SObjectType != things.getSObjectType()) {',
          "      throw new CleanException('no field');",
          '    }',
          '    return Database.insert(things, false, AccessLevel.SYSTEM_MODE);',
          '  }',
          '}',
          ''
        ].join('\n')
      );
      fs.writeFileSync(
        path.join(triggers, 'ThingTrigger.trigger'),
        [
          'trigger ThingTrigger on Thing__c(before insert) {',
          '  if (Trigger.operationType == TriggerOperation.BEFORE_INSERT) {',
          '    Clean.save(new List<Thing__c>());',
          '  }',
          '}',
          ''
        ].join('\n')
      );

      const run = await compileApex(root, ['app']);

      expect(run).toEqual({ errors: [] });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('6. project checks', () => {
  let findings: Finding[];
  beforeAll(async () => {
    findings = await findingsOf(metadataStep);
  });

  test('a SOQL field that does not exist', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/Broken.cls`,
      line: 8,
      message: 'SOQL: unknown field Thing__c.Missing__c'
    });
  });

  test('a malformed XML file', () => {
    expect(findings).toContainEqual({
      file: 'force-app/things/objects/Thing__c/fields/Malformed__c.field-meta.xml',
      line: 5,
      message: expect.stringContaining('XML does not parse')
    });
  });

  test('a permission set naming a field that does not exist', () => {
    expect(findings).toContainEqual({
      file: 'force-app/things/permissionsets/Bad.permissionset-meta.xml',
      line: 9,
      message: 'permission for unknown field Thing__c.Gone__c'
    });
  });

  test('an Apex class no test refers to', () => {
    expect(findings).toContainEqual({
      file: `${APEX}/Orphan.cls`,
      line: 1,
      message: 'Apex class Orphan is not referenced by any test class'
    });
  });

  test('a file in the landing zone of sf project retrieve, and nothing else', () => {
    expect(findings).toContainEqual({
      file: 'force-app/main/default/objects/Thing__c/fields/Retrieved__c.field-meta.xml',
      line: 1,
      message: expect.stringContaining('landing zone of sf project retrieve') as unknown
    });
    expect(findings).toHaveLength(5);
  });
});

describe('deploy shape', () => {
  test('a -meta.xml without its source stops the conversion a deploy would make', async () => {
    const findings = await findingsOf(deployShapeStep);
    expect(findings).toEqual([
      {
        file: `${APEX}/Ghost.cls-meta.xml`,
        line: 1,
        message: expect.stringContaining("Expected source files for type 'ApexClass'")
      }
    ]);
  });

  test('TypeScript in a component, or a component without its compiled .js, would deploy', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-shape-'));
    try {
      fs.copyFileSync(path.join(BROKEN, 'sfdx-project.json'), path.join(root, 'sfdx-project.json'));
      const bundle = path.join(root, 'force-app/things/lwc/widget');
      fs.mkdirSync(bundle, { recursive: true });
      fs.writeFileSync(path.join(bundle, 'widget.ts'), 'export default class Widget {}\n');
      fs.writeFileSync(path.join(bundle, 'widget.html'), '<template></template>\n');
      fs.writeFileSync(
        path.join(bundle, 'widget.js-meta.xml'),
        '<?xml version="1.0" encoding="UTF-8"?>\n<LightningComponentBundle xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>68.0</apiVersion>\n    <isExposed>false</isExposed>\n</LightningComponentBundle>\n'
      );

      const outcome = await deployShapeStep.run({ root });

      expect(outcome.ok).toBe(false);
      expect(outcome.findings).toEqual([
        {
          file: 'force-app/things/lwc/widget/widget.ts',
          line: 1,
          message: expect.stringContaining('TypeScript source would be deployed')
        },
        {
          file: 'force-app/things/lwc/widget',
          line: 1,
          message: expect.stringContaining('without widget.js')
        }
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

test('7. jest reports the failing test with its file and line', async () => {
  const findings = await findingsOf(jestStep);
  expect(findings).toEqual([
    {
      file: 'scripts/__tests__/failing.test.js',
      line: 1,
      message: expect.stringContaining('adds up')
    }
  ]);
});
