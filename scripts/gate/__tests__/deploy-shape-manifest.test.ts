import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { membersWithoutFiles } from '../deploy-shape';

function convertedPackage(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rinkel-manifest-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const manifest = (types: Record<string, string[]>): string =>
  `<Package>${Object.entries(types)
    .map(
      ([name, members]) =>
        `<types>${members.map((m) => `<members>${m}</members>`).join('')}<name>${name}</name></types>`
    )
    .join('')}</Package>`;

describe('deploy shape: manifest members without files', () => {
  it('names a bundle the manifest lists but the package does not hold', () => {
    const dir = convertedPackage({
      'package.xml': manifest({ LightningComponentBundle: ['callTimeline', 'types'] }),
      'lwc/callTimeline/callTimeline.js': '',
      'lwc/callTimeline/callTimeline.js-meta.xml': ''
    });

    expect(membersWithoutFiles(dir)).toEqual([
      { type: 'LightningComponentBundle', member: 'types' }
    ]);
  });

  it('finds reports and dashboards inside their folders, and the folders themselves', () => {
    const dir = convertedPackage({
      'package.xml': manifest({
        Report: ['Calls/', 'Calls/Per_Agent', 'Calls/Gone'],
        Dashboard: ['Calls/', 'Calls/Stats']
      }),
      'reports/Calls-meta.xml': '',
      'reports/Calls/Per_Agent.report': '',
      'dashboards/Calls-meta.xml': '',
      'dashboards/Calls/Stats.dashboard': ''
    });
    expect(membersWithoutFiles(dir)).toEqual([{ type: 'Report', member: 'Calls/Gone' }]);
  });

  it('finds classes, fields inside their object and labels inside the labels file', () => {
    const dir = convertedPackage({
      'package.xml': manifest({
        ApexClass: ['Thing'],
        CustomField: ['Thing__c.Size__c'],
        CustomLabel: ['Hello'],
        QuickAction: ['Thing__c.Retry']
      }),
      'classes/Thing.cls': '',
      'classes/Thing.cls-meta.xml': '',
      'objects/Thing__c.object': '<fields><fullName>Size__c</fullName></fields>',
      'labels/CustomLabels.labels': '<labels><fullName>Hello</fullName></labels>',
      'quickActions/Thing__c.Retry.quickAction': ''
    });

    expect(membersWithoutFiles(dir)).toEqual([]);
  });

  it('names a field the object file does not define', () => {
    const dir = convertedPackage({
      'package.xml': manifest({ CustomField: ['Thing__c.Gone__c'] }),
      'objects/Thing__c.object': '<fields><fullName>Size__c</fullName></fields>'
    });

    expect(membersWithoutFiles(dir)).toEqual([{ type: 'CustomField', member: 'Thing__c.Gone__c' }]);
  });
});
