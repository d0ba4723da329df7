// The project side of setup: the metadata names it works with (from docs/architecture.md),
// the files it reads, and the metadata it generates at run time (never committed, because it
// names org-specific users or only belongs in scratch orgs).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isRecord } from '../core/json';
import { sourceFiles } from '../core/paths';

// Names from docs/architecture.md
// The admin who runs setup gets everything, so a fresh org can be tried end to end at once
// (timeline with playback, the operations component, retries, and as the one agent setup
// assigns: Call / Call back and the screen pop).
export const PERMISSION_SETS_FOR_ADMIN = [
  'Rinkel_Admin',
  'Rinkel_Agent',
  'Rinkel_Dialer',
  'Rinkel_Integration',
  'Rinkel_Operations',
  'Rinkel_Recording_Listener',
  'Rinkel_Screen_Pop'
] as const;
export const INTEGRATION_PERMISSION_SET = 'Rinkel_Integration';
export const GUEST_PERMISSION_SET = 'Rinkel_Webhook_Guest';
/** The VoIPGRID caller-id lookup is served by the same Site, so its guest user gets both. */
export const LOOKUP_GUEST_PERMISSION_SET = 'Rinkel_Lookup_Guest';
export const GUEST_PERMISSION_SETS = [GUEST_PERMISSION_SET, LOOKUP_GUEST_PERMISSION_SET] as const;
export const SITE_NAME = 'Rinkel_Webhooks';
/** The committed Site metadata (absolute path), wherever it sits in the package directories; undefined when missing. */
export function siteMetadataFile(projectRoot: string): string | undefined {
  return sourceFiles('sites', `${SITE_NAME}.site-meta.xml`, projectRoot)[0];
}
export const TRIGGER_NAME = 'RinkelWebhookTrigger';
export const SUBSCRIBER_CONFIG_NAME = 'RinkelWebhookTriggerConfig';
export const SUBSCRIBER_BATCH_SIZE = 200;
export const EXTERNAL_CREDENTIAL = 'Rinkel';
export const EXTERNAL_CREDENTIAL_PRINCIPAL = 'ApiKey';
export const EXTERNAL_CREDENTIAL_PARAMETER = 'ApiKey';
export const SECRET_SETTING = 'Rinkel_Webhook_Secret__c';
export const SECRET_HASH_FIELD = 'Secret_Hash__c';
/** The caller-id lookup's own token (hash only, like the webhook secret; same field name). */
export const LOOKUP_SECRET_SETTING = 'Rinkel_Lookup_Secret__c';
/** RinkelCallerIdResource's URL and the VoIPGRID module's placeholders (docs/telephony.md). */
export const CALLER_ID_PATH = '/services/apexrest/rinkel/voipgrid/callerid';
export const CALLER_ID_TEMPLATE_PARAMS =
  'callerid={callerid}&did={did}&code={code}&callername={callername}';
/** Anonymous Apex that schedules the product's jobs (RinkelSchedules.ensureScheduled). */
export const SCHEDULE_APEX_FILE = 'scripts/apex/schedule.apex';
/** CronJobDetail names RinkelSchedules.cls uses; a test keeps the two in step. */
export const SCHEDULED_JOBS = [
  'Rinkel reconciliation',
  'Rinkel audit retention',
  'Rinkel contact sync'
] as const;
export const SAMPLE_DATA_PLAN = 'config/dev-org/data/Weborder__c-plan.json';
export const SAMPLE_OBJECT = 'Weborder__c';
/** Generated in scratch orgs only: the sample object's own fields have no field-level security otherwise. */
export const SAMPLE_PERMISSION_SET = 'Rinkel_Sample_Weborders';
export const SAMPLE_FIELDS = ['Phone__c', 'Customer_Name__c', 'Status__c'] as const;

export const DEV_HUB_LOGIN = 'sf org login web --set-default-dev-hub --alias DevHub';

/** Stable hash over every file under the given folders (path + content). */
export function hashSources(projectRoot: string, dirs: string[]): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    if (!existsSync(dir)) {
      return;
    }
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name === '.sf' || name === '.sfdx') {
        continue;
      }
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        walk(full);
      } else {
        hash.update(relative(projectRoot, full).split('\\').join('/'));
        hash.update('\0');
        hash.update(readFileSync(full));
        hash.update('\0');
      }
    }
  };
  for (const dir of dirs) {
    walk(join(projectRoot, dir));
  }
  return hash.digest('hex');
}

export function subscriberConfigXml(username: string): string {
  const escaped = username.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<PlatformEventSubscriberConfig xmlns="http://soap.sforce.com/2006/04/metadata">
    <batchSize>${SUBSCRIBER_BATCH_SIZE}</batchSize>
    <isProtected>false</isProtected>
    <masterLabel>${SUBSCRIBER_CONFIG_NAME}</masterLabel>
    <platformEventConsumer>${TRIGGER_NAME}</platformEventConsumer>
    <user>${escaped}</user>
</PlatformEventSubscriberConfig>
`;
}

/** Access to the sample Weborder__c object and its fields, for the scratch org's admin. */
export function samplePermissionSetXml(): string {
  const fields = SAMPLE_FIELDS.map(
    (field) => `    <fieldPermissions>
        <editable>true</editable>
        <field>${SAMPLE_OBJECT}.${field}</field>
        <readable>true</readable>
    </fieldPermissions>`
  ).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>Scratch orgs only (generated by npm run setup): read and edit the sample Weborders.</description>
${fields}
    <hasActivationRequired>false</hasActivationRequired>
    <label>Rinkel Sample Weborders</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>true</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>${SAMPLE_OBJECT}</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
    <tabSettings>
        <tab>${SAMPLE_OBJECT}</tab>
        <visibility>Visible</visibility>
    </tabSettings>
</PermissionSet>
`;
}

/** The Site's metadata with `<active>true</active>`. */
export function activeSiteXml(siteXml: string): string {
  if (/<active>\s*(true|false)\s*<\/active>/.test(siteXml)) {
    return siteXml.replace(/<active>\s*(true|false)\s*<\/active>/, '<active>true</active>');
  }
  return siteXml.replace(/(<CustomSite[^>]*>)/, '$1\n    <active>true</active>');
}

export interface SampleRecord {
  Name: string;
  [field: string]: unknown;
}

export function readSampleRecords(planPath: string): { treeFile: string; records: SampleRecord[] } {
  const plan: unknown = JSON.parse(readFileSync(planPath, 'utf8'));
  const entry = Array.isArray(plan) ? (plan as unknown[]).find(isRecord) : undefined;
  const files = entry && Array.isArray(entry.files) ? entry.files : [];
  const fileName = files.find((f): f is string => typeof f === 'string');
  if (!fileName) {
    throw new Error(`${planPath} names no data file.`);
  }
  const treeFile = join(planPath, '..', fileName);
  const tree: unknown = JSON.parse(readFileSync(treeFile, 'utf8'));
  const raw = isRecord(tree) && Array.isArray(tree.records) ? tree.records : [];
  const records = raw.filter((r): r is SampleRecord => isRecord(r) && typeof r.Name === 'string');
  return { treeFile, records };
}
