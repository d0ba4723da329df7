import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkProject, Schema, soqlLiterals } from '../metadata-check';

describe('soqlLiterals', () => {
  test('finds static queries with nested brackets and ignores commented-out ones', () => {
    const source = [
      'class A {',
      '  // [SELECT Id FROM Commented__c]',
      '  List<Task> t = [SELECT Id FROM Task WHERE Id IN :ids[0]];',
      "  String q = 'SELECT Name FROM User WHERE Id = :x';",
      '}'
    ].join('\n');
    expect(soqlLiterals(source).map((l) => l.soql)).toEqual([
      'SELECT Id FROM Task WHERE Id IN :ids[0]',
      'SELECT Name FROM User WHERE Id = :x'
    ]);
  });
});

describe('Schema.resolve', () => {
  const schema = new Schema(path.join(__dirname, '..', '__fixtures__', 'broken-project'));

  test.each([
    ['Task', 'Subject', null],
    ['Task', 'What.Name', null],
    ['Task', 'Owner.Email', null],
    ['Task', 'What.Bogus__c', expect.stringContaining('polymorphic')],
    ['Thing__c', 'Real__c', null],
    ['Thing__c', 'CreatedBy.Username', null],
    ['Thing__c', 'Nope__c', 'unknown field Thing__c.Nope__c'],
    ['Nothing__c', 'Id', 'unknown object Nothing__c']
  ])('%s.%s', (object, field, expected) => {
    expect(schema.resolve(object, field)).toEqual(expected);
  });
});

describe('checkProject on a small clean project', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clean-project-'));
    const classes = path.join(dir, 'force-app', 'app', 'classes');
    const labels = path.join(dir, 'force-app', 'app', 'labels');
    const translations = path.join(dir, 'force-app', 'app', 'translations');
    for (const d of [classes, labels, translations]) fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] })
    );
    fs.writeFileSync(
      path.join(classes, 'Calls.cls'),
      'public class Calls { public static List<Task> recent() { return [SELECT Id, Subject, What.Name FROM Task WHERE OwnerId = :UserInfo.getUserId() WITH USER_MODE LIMIT :max]; } String l = System.Label.Greeting; }'
    );
    fs.writeFileSync(
      path.join(classes, 'CallsTest.cls'),
      '@IsTest private class CallsTest { static void t() { Calls.recent(); } }'
    );
    fs.writeFileSync(
      path.join(labels, 'CustomLabels.labels-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?><CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata"><labels><fullName>Greeting</fullName><language>en_US</language><protected>false</protected><shortDescription>Greeting</shortDescription><value>Hello</value></labels></CustomLabels>'
    );
    fs.writeFileSync(
      path.join(translations, 'nl_NL.translation-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?><Translations xmlns="http://soap.sforce.com/2006/04/metadata"><customLabels><label>Hallo</label><name>Greeting</name></customLabels></Translations>'
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reports nothing', () => {
    expect(checkProject(dir)).toEqual([]);
  });

  test('reports a label without its Dutch translation', () => {
    const file = path.join(dir, 'force-app', 'app', 'translations', 'nl_NL.translation-meta.xml');
    const original = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      '<?xml version="1.0" encoding="UTF-8"?><Translations xmlns="http://soap.sforce.com/2006/04/metadata"></Translations>'
    );
    try {
      expect(checkProject(dir)).toEqual([
        {
          file: 'force-app/app/translations/nl_NL.translation-meta.xml',
          line: 1,
          message: 'label Greeting has no translation here'
        }
      ]);
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});

describe('checkProject on who holds the Rinkel API key', () => {
  const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';
  let dir: string;
  const permset = (name: string, principal?: string): void => {
    const file = path.join(
      dir,
      'force-app',
      'app',
      'permissionsets',
      `${name}.permissionset-meta.xml`
    );
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const access = principal
      ? `<externalCredentialPrincipalAccesses><enabled>true</enabled><externalCredentialPrincipal>${principal}</externalCredentialPrincipal></externalCredentialPrincipalAccesses>`
      : '';
    fs.writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?><PermissionSet ${NS}>${access}<label>${name}</label></PermissionSet>`
    );
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'principal-project-'));
    fs.writeFileSync(
      path.join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] })
    );
    const ec = path.join(
      dir,
      'force-app',
      'app',
      'externalCredentials',
      'Rinkel.externalCredential-meta.xml'
    );
    fs.mkdirSync(path.dirname(ec), { recursive: true });
    fs.writeFileSync(
      ec,
      `<?xml version="1.0" encoding="UTF-8"?><ExternalCredential ${NS}><authenticationProtocol>Custom</authenticationProtocol><externalCredentialParameters><parameterGroup>ApiKey</parameterGroup><parameterName>ApiKey</parameterName><parameterType>NamedPrincipal</parameterType><sequenceNumber>1</sequenceNumber></externalCredentialParameters><label>Rinkel</label></ExternalCredential>`
    );
    permset('Rinkel_Integration', 'Rinkel-ApiKey');
    permset('Rinkel_Recording_Listener', 'Rinkel-ApiKey');
    permset('Rinkel_Dialer', 'Rinkel-ApiKey');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('accepts the sets whose users call Rinkel in their own session', () => {
    expect(checkProject(dir)).toEqual([]);
  });

  test('names a set that must not hold the key, one that lost it, and an unknown principal', () => {
    permset('Rinkel_Agent', 'Rinkel-ApiKey');
    permset('Rinkel_Dialer');
    permset('Rinkel_Operations', 'Rinkel-Key');
    try {
      expect(checkProject(dir).map((f) => `${path.basename(f.file)}: ${f.message}`)).toEqual([
        'Rinkel_Operations.permissionset-meta.xml: access to unknown external credential principal Rinkel-Key',
        expect.stringMatching(
          /^Rinkel_Agent\.permissionset-meta\.xml: grants Rinkel-ApiKey, which only Rinkel_Dialer, Rinkel_Integration, Rinkel_Recording_Listener may hold/
        ),
        'Rinkel_Dialer.permissionset-meta.xml: must grant Rinkel-ApiKey: its users call Rinkel in their own session'
      ]);
    } finally {
      fs.rmSync(
        path.join(dir, 'force-app', 'app', 'permissionsets', 'Rinkel_Agent.permissionset-meta.xml')
      );
      fs.rmSync(
        path.join(
          dir,
          'force-app',
          'app',
          'permissionsets',
          'Rinkel_Operations.permissionset-meta.xml'
        )
      );
      permset('Rinkel_Dialer', 'Rinkel-ApiKey');
    }
  });
});
