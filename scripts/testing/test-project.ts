// A throw-away copy of the project for setup tests: the real sfdx-project.json, scratch
// definition and sample data, plus the few force-app components setup looks for (permission
// sets, the Site, the External Credential) as minimal stand-ins, and a `build:lwc` npm script
// that only leaves a marker file.

import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  GUEST_PERMISSION_SETS,
  PERMISSION_SETS_FOR_ADMIN,
  SCHEDULE_APEX_FILE
} from '../setup/project';
import { REPO_ROOT } from '../core/paths';

const XML = '<?xml version="1.0" encoding="UTF-8"?>';

export interface TestProject {
  root: string;
  remove(): void;
}

export function createTestProject(
  options: { repoRoot?: string; siteActive?: boolean } = {}
): TestProject {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const root = mkdtempSync(join(tmpdir(), 'rinkel-project-'));
  const write = (relative: string, content: string): void => {
    const file = join(root, relative);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  cpSync(join(repoRoot, 'sfdx-project.json'), join(root, 'sfdx-project.json'));
  cpSync(
    join(repoRoot, 'config', 'project-scratch-def.json'),
    join(root, 'config', 'project-scratch-def.json')
  );
  cpSync(join(repoRoot, 'config', 'dev-org'), join(root, 'config', 'dev-org'), { recursive: true });
  write(
    'package.json',
    JSON.stringify({
      name: 'rinkel-test-project',
      private: true,
      scripts: { 'build:lwc': "node -e \"require('fs').writeFileSync('.lwc-built', 'yes')\"" }
    })
  );
  for (const name of [...PERMISSION_SETS_FOR_ADMIN, ...GUEST_PERMISSION_SETS]) {
    write(
      `force-app/platform/permissionsets/${name}.permissionset-meta.xml`,
      `${XML}\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>${name}</label>\n</PermissionSet>\n`
    );
  }
  write(
    'force-app/intake/sites/Rinkel_Webhooks.site-meta.xml',
    `${XML}\n<CustomSite xmlns="http://soap.sforce.com/2006/04/metadata">\n    <active>${options.siteActive ? 'true' : 'false'}</active>\n    <guestProfile>Rinkel Webhooks Profile</guestProfile>\n    <masterLabel>Rinkel Webhooks</masterLabel>\n    <siteType>Visualforce</siteType>\n</CustomSite>\n`
  );
  write(
    'force-app/cdr-fetch/externalCredentials/Rinkel.externalCredential-meta.xml',
    `${XML}\n<ExternalCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <authenticationProtocol>Custom</authenticationProtocol>\n    <label>Rinkel</label>\n</ExternalCredential>\n`
  );
  cpSync(join(repoRoot, SCHEDULE_APEX_FILE), join(root, SCHEDULE_APEX_FILE));
  write(
    'force-app/operations/classes/RinkelSchedules.cls',
    'public with sharing class RinkelSchedules {}\n'
  );
  write(
    'force-app/intake/classes/RinkelWebhookResource.cls',
    'public with sharing class RinkelWebhookResource {}\n'
  );
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
