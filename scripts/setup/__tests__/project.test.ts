import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import {
  CALLER_ID_PATH,
  GUEST_PERMISSION_SETS,
  LOOKUP_SECRET_SETTING,
  SECRET_HASH_FIELD,
  PERMISSION_SETS_FOR_ADMIN,
  SAMPLE_DATA_PLAN,
  SCHEDULED_JOBS,
  SCHEDULE_APEX_FILE,
  activeSiteXml,
  readSampleRecords,
  samplePermissionSetXml,
  siteMetadataFile,
  subscriberConfigXml
} from '../project';
import { devPackageDirectories, REPO_ROOT, sourceFile } from '../../core/paths';

const root = REPO_ROOT;
const parser = new XMLParser();

describe('setup project files', () => {
  it('finds the dev-only Weborder folder in sfdx-project.json', () => {
    expect(devPackageDirectories(root)).toEqual(['config/dev-org']);
  });

  it('names the permission sets and scheduled jobs the product really ships', () => {
    for (const name of [...PERMISSION_SETS_FOR_ADMIN, ...GUEST_PERMISSION_SETS]) {
      expect(() =>
        readFileSync(sourceFile('permissionsets', `${name}.permissionset-meta.xml`, root))
      ).not.toThrow();
    }
    const schedules = readFileSync(sourceFile('classes', 'RinkelSchedules.cls', root), 'utf8');
    const jobNames = [...schedules.matchAll(/_JOB = '([^']+)'/g)].map((m) => m[1]);
    expect(jobNames).toEqual([...SCHEDULED_JOBS]);
    expect(readFileSync(join(root, SCHEDULE_APEX_FILE), 'utf8')).toContain(
      'RinkelSchedules.ensureScheduled()'
    );
  });

  it('points the lookup URL at the caller-id resource and its token at the setting it checks', () => {
    const resource = readFileSync(
      sourceFile('classes', 'RinkelCallerIdResource.cls', root),
      'utf8'
    );
    const mapping = /urlMapping='([^']+)'/.exec(resource)?.[1] ?? '';
    expect(CALLER_ID_PATH).toBe(`/services/apexrest${mapping}`);
    expect(resource).toContain(`${LOOKUP_SECRET_SETTING}.getOrgDefaults().${SECRET_HASH_FIELD}`);
    expect(() =>
      readFileSync(
        sourceFile(
          `objects/${LOOKUP_SECRET_SETTING}/fields`,
          `${SECRET_HASH_FIELD}.field-meta.xml`,
          root
        )
      )
    ).not.toThrow();
  });

  it('ships six sample Weborders with Dutch numbers in different formats', () => {
    const { records } = readSampleRecords(join(root, SAMPLE_DATA_PLAN));

    expect(records).toHaveLength(6);
    expect(new Set(records.map((r) => r.Name)).size).toBe(6);
    const phones = records.map((r) => String(r.Phone__c));
    expect(phones.some((p) => p.startsWith('06'))).toBe(true);
    expect(phones.some((p) => p.startsWith('+31'))).toBe(true);
    expect(phones.some((p) => p.startsWith('0031'))).toBe(true);
    expect(phones.some((p) => p.startsWith('('))).toBe(true);
    for (const record of records) {
      expect(['New', 'In_Progress', 'Shipped', 'Closed', 'Cancelled']).toContain(record.Status__c);
    }
  });

  it('activates the committed Site metadata without touching anything else', () => {
    const committed = readFileSync(siteMetadataFile(root) ?? '', 'utf8');
    const active = activeSiteXml(committed);

    const parsed = parser.parse(active) as { CustomSite: Record<string, unknown> };
    expect(parsed.CustomSite.active).toBe(true);
    expect(active.replace('<active>true</active>', '<active>false</active>')).toBe(
      committed.replace(/<active>\s*(true|false)\s*<\/active>/, '<active>false</active>')
    );
    expect(activeSiteXml('<CustomSite xmlns="x">\n</CustomSite>')).toContain(
      '<active>true</active>'
    );
  });

  it('generates a subscriber config for the trigger with an escaped username', () => {
    expect(subscriberConfigXml('a&b@example.com')).toContain('<user>a&amp;b@example.com</user>');
    const parsed = parser.parse(subscriberConfigXml('a&b@example.com')) as {
      PlatformEventSubscriberConfig: Record<string, unknown>;
    };

    expect(parsed.PlatformEventSubscriberConfig).toEqual(
      expect.objectContaining({
        platformEventConsumer: 'RinkelWebhookTrigger',
        user: 'a&b@example.com',
        batchSize: 200
      })
    );
  });

  it('grants the sample fields in the generated permission set', () => {
    const xml = samplePermissionSetXml();

    for (const field of ['Phone__c', 'Customer_Name__c', 'Status__c']) {
      expect(xml).toContain(`<field>Weborder__c.${field}</field>`);
    }
    expect(() => parser.parse(xml) as unknown).not.toThrow();
  });
});
