import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { elementProblems } from '../metadata-elements';
import { checkProject } from '../metadata-check';

const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

describe('elementProblems (Metadata API element names and order)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elements-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function problems(xml: string, type: string): string[] {
    const file = path.join(dir, 'x.xml');
    fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
    return elementProblems(file, type);
  }

  test('accepts a report whose elements its type has, in the WSDL order', () => {
    expect(
      problems(
        `<Report ${NS}><columns><field>SUBJECT</field></columns><filter><booleanFilter>1</booleanFilter><criteriaItems><column>A</column><operator>equals</operator><value>x</value></criteriaItems></filter><format>Tabular</format><name>N</name><reportType>Activity</reportType></Report>`,
        'Report'
      )
    ).toEqual([]);
  });

  test('names an element the type does not have, at any depth', () => {
    expect(
      problems(
        `<Report ${NS}><booleanFilter>1</booleanFilter><filter><criteriaItems><colum>A</colum></criteriaItems></filter><format>Tabular</format><name>N</name><reportType>Activity</reportType></Report>`,
        'Report'
      )
    ).toEqual([
      'Report/booleanFilter: Report has no element booleanFilter',
      'Report/filter/criteriaItems/colum: ReportFilterItem has no element colum'
    ]);
  });

  test('names an element that stands after one its type lists later', () => {
    expect(
      problems(
        `<CustomFieldTranslation ${NS}><name>F__c</name><label>L</label></CustomFieldTranslation>`,
        'CustomFieldTranslation'
      )
    ).toEqual([
      'CustomFieldTranslation/label: CustomFieldTranslation has element label before name'
    ]);
  });

  test('refuses a file whose root is another type', () => {
    expect(problems(`<Dashboard ${NS}><title>T</title></Dashboard>`, 'Report')).toEqual([
      'root element is Dashboard, not Report'
    ]);
  });
});

describe('checkProject on translations and analytics', () => {
  let dir: string;
  const write = (relative: string, body: string): void => {
    const file = path.join(dir, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'analytics-project-'));
    fs.writeFileSync(
      path.join(dir, 'sfdx-project.json'),
      JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] })
    );
    write(
      'force-app/app/objects/Activity/fields/Talk__c.field-meta.xml',
      `<CustomField ${NS}><fullName>Talk__c</fullName><label>Talk</label><type>Number</type></CustomField>`
    );
    write(
      'force-app/app/objects/Order__c/Order__c.object-meta.xml',
      `<CustomObject ${NS}><label>Order</label></CustomObject>`
    );
    write(
      'force-app/app/objects/Order__c/fields/Stage__c.field-meta.xml',
      `<CustomField ${NS}><fullName>Stage__c</fullName><label>Stage</label><type>Text</type></CustomField>`
    );
    write(
      'force-app/app/quickActions/Order__c.Call.quickAction-meta.xml',
      `<QuickAction ${NS}><label>Call</label><type>LightningWebComponent</type></QuickAction>`
    );
    write(
      'force-app/app/objectTranslations/Activity-nl_NL/Activity-nl_NL.objectTranslation-meta.xml',
      `<CustomObjectTranslation ${NS}></CustomObjectTranslation>`
    );
    write(
      'force-app/app/objectTranslations/Activity-nl_NL/Talk__c.fieldTranslation-meta.xml',
      `<CustomFieldTranslation ${NS}><label>Gesprek</label><name>Talk__c</name></CustomFieldTranslation>`
    );
    write(
      'force-app/app/objectTranslations/Order__c-nl_NL/Order__c-nl_NL.objectTranslation-meta.xml',
      `<CustomObjectTranslation ${NS}><quickActions><label>Bellen</label><name>Call</name></quickActions></CustomObjectTranslation>`
    );
    write(
      'force-app/app/reports/Calls/Talk.report-meta.xml',
      `<Report ${NS}><columns><field>Activity.Talk__c</field></columns><format>Tabular</format><name>Talk</name><reportType>Activity</reportType></Report>`
    );
    write(
      'force-app/app/reports/Calls/ByStage.report-meta.xml',
      `<Report ${NS}><columns><field>Order__c$Stage__c</field></columns><columns><field>Order__c.Activities$Talk__c</field></columns><format>Tabular</format><name>By stage</name><reportType>Orders_With_Calls__c</reportType></Report>`
    );
    write(
      'force-app/app/reportTypes/Orders_With_Calls.reportType-meta.xml',
      `<ReportType ${NS}><baseObject>Order__c</baseObject><category>other</category><deployed>true</deployed><join><outerJoin>false</outerJoin><relationship>Activities</relationship></join><label>Orders</label><sections><columns><checkedByDefault>true</checkedByDefault><field>Stage__c</field><table>Order__c</table></columns><columns><checkedByDefault>true</checkedByDefault><field>Talk__c</field><table>Order__c.Activities</table></columns><masterLabel>Orders</masterLabel></sections></ReportType>`
    );
    write(
      'force-app/app/dashboards/Calls/Board.dashboard-meta.xml',
      `<Dashboard ${NS}><dashboardType>LoggedInUser</dashboardType><leftSection><columnSize>Medium</columnSize><components><componentType>Bar</componentType><report>Calls/Talk</report></components></leftSection><title>Board</title></Dashboard>`
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reports nothing when every name exists', () => {
    expect(checkProject(dir)).toEqual([]);
  });

  test('names each translated, reported or shown component that does not exist', () => {
    const edits: [string, string, string][] = [
      [
        'force-app/app/objectTranslations/Activity-nl_NL/Talk__c.fieldTranslation-meta.xml',
        '<name>Talk__c</name>',
        '<name>Tlak__c</name>'
      ],
      [
        'force-app/app/objectTranslations/Order__c-nl_NL/Order__c-nl_NL.objectTranslation-meta.xml',
        '<name>Call</name>',
        '<name>Dial</name>'
      ],
      ['force-app/app/reports/Calls/Talk.report-meta.xml', 'Activity.Talk__c', 'Activity.Walk__c'],
      [
        'force-app/app/reports/Calls/ByStage.report-meta.xml',
        'Order__c$Stage__c',
        'Order__c.Stage__c'
      ],
      [
        'force-app/app/reportTypes/Orders_With_Calls.reportType-meta.xml',
        '<field>Talk__c</field>',
        '<field>Chat__c</field>'
      ],
      ['force-app/app/dashboards/Calls/Board.dashboard-meta.xml', 'Calls/Talk', 'Calls/Walk']
    ];
    const originals = edits.map(([file]) => fs.readFileSync(path.join(dir, file), 'utf8'));
    edits.forEach(([file, from, to], i) =>
      fs.writeFileSync(path.join(dir, file), (originals[i] ?? '').replace(from, to))
    );
    try {
      expect(checkProject(dir).map((f) => `${path.basename(f.file)}: ${f.message}`)).toEqual([
        'Talk__c.fieldTranslation-meta.xml: translation of unknown field Activity.Tlak__c',
        'Order__c-nl_NL.objectTranslation-meta.xml: translation of unknown quick action Order__c.Dial',
        'ByStage.report-meta.xml: report on a custom report type names Order__c.Stage__c without <table>$<field>',
        'Talk.report-meta.xml: report names unknown field Activity.Walk__c',
        'Orders_With_Calls.reportType-meta.xml: report type names unknown field Order__c.Activities.Chat__c',
        'Board.dashboard-meta.xml: dashboard shows unknown report Calls/Walk'
      ]);
    } finally {
      edits.forEach(([file], i) => fs.writeFileSync(path.join(dir, file), originals[i] ?? ''));
    }
  });
});
