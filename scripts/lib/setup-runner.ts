// `npm run setup`: from a clone to an org that receives Rinkel calls, one idempotent step at
// a time. Each step first looks at the org and only changes what is missing, then reports
// either what it changed or "already done". A failure names the step, the cause and the fix.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  ConfigError,
  SETUP_USAGE,
  checkNodeVersion,
  missingApiKeyError,
  parseSetupArgs,
  type SetupOptions
} from './config';
import type { Logger, StepReporter } from './log';
import {
  Org,
  OrgApiError,
  SfCli,
  SfCommandError,
  SfNotFoundError,
  createScratchOrg,
  getDefaultDevHub,
  soqlQuote,
  type QueryRecord
} from './org';
import {
  DEFAULT_WEBHOOK_EVENTS,
  RINKEL_EVENTS,
  RinkelApiClient,
  RinkelApiError
} from './rinkel-api';
import {
  generateWebhookSecret,
  readLocalState,
  sha256Hex,
  stateFilePath,
  writeLocalState,
  type LocalOrgState
} from './secret';
import { WEBHOOK_PATH, registerWebhooks } from './webhook-commands';

// Names from docs/architecture.md
export const PERMISSION_SETS_FOR_ADMIN = [
  'Rinkel_Admin',
  'Rinkel_Agent',
  'Rinkel_Integration'
] as const;
export const INTEGRATION_PERMISSION_SET = 'Rinkel_Integration';
export const GUEST_PERMISSION_SET = 'Rinkel_Webhook_Guest';
export const SITE_NAME = 'Rinkel_Webhooks';
export const SITE_METADATA_FILE = 'force-app/main/default/sites/Rinkel_Webhooks.site-meta.xml';
export const TRIGGER_NAME = 'RinkelWebhookTrigger';
export const SUBSCRIBER_CONFIG_NAME = 'RinkelWebhookTriggerConfig';
export const SUBSCRIBER_BATCH_SIZE = 200;
export const EXTERNAL_CREDENTIAL = 'Rinkel';
export const EXTERNAL_CREDENTIAL_PRINCIPAL = 'ApiKey';
export const EXTERNAL_CREDENTIAL_PARAMETER = 'ApiKey';
export const SECRET_SETTING = 'Rinkel_Webhook_Secret__c';
export const SECRET_HASH_FIELD = 'Secret_Hash__c';
export const PRODUCT_SOURCE_DIR = 'force-app';
export const SAMPLE_DATA_PLAN = 'config/dev-org/data/Weborder__c-plan.json';
export const SAMPLE_OBJECT = 'Weborder__c';
/** Generated in scratch orgs only: the sample object's own fields have no field-level security otherwise. */
export const SAMPLE_PERMISSION_SET = 'Rinkel_Sample_Weborders';
export const SAMPLE_FIELDS = ['Phone__c', 'Customer_Name__c', 'Status__c'] as const;

export const DEV_HUB_LOGIN = 'sf org login web --set-default-dev-hub --alias DevHub';

/** A failed step: what was being done, why it failed, and what to do about it. */
export class SetupStepError extends Error {
  override readonly name = 'SetupStepError';
  constructor(
    readonly step: string,
    readonly causeText: string,
    readonly fix: string
  ) {
    super(`Step "${step}" failed: ${causeText}`);
  }

  format(): string {
    return [
      `✖ Step "${this.step}" failed.`,
      `  Cause: ${this.causeText}`,
      `  Fix:   ${this.fix}`
    ].join('\n');
  }
}

export interface SetupContext {
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Defaults to the running Node version. */
  nodeVersion?: string;
  /** Runs an npm script of the project; defaults to `npm run <name>`. */
  runNpmScript?: (script: string) => Promise<void>;
  /** Rinkel client settings for --register-webhooks (tests shorten the backoff). */
  rinkelRetryBaseDelayMs?: number;
}

export interface SetupResult {
  orgAlias: string;
  orgId: string;
  siteUrl: string;
  webhookBaseUrl: string;
  changed: string[];
  stateFile: string;
}

interface Problem {
  cause: string;
  fix: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Turns any error into cause + fix, with a step-specific default fix. */
export function explain(error: unknown, defaultFix: string, orgName?: string): Problem {
  if (error instanceof SetupStepError) {
    return { cause: error.causeText, fix: error.fix };
  }
  if (error instanceof ConfigError || error instanceof RinkelApiError) {
    return { cause: error.message, fix: error.fix };
  }
  if (error instanceof SfNotFoundError) {
    return {
      cause: error.message,
      fix: 'Run `npm ci` in the project folder (it installs the Salesforce CLI into node_modules/.bin).'
    };
  }
  if (error instanceof SfCommandError) {
    const login = orgName
      ? `sf org login web --alias ${orgName}`
      : 'sf org login web --alias <alias>';
    if (
      error.sfName &&
      /NamedOrgNotFound|NoAuthInfoFound|AuthInfoNotFound|InvalidSession|expired/i.test(
        `${error.sfName} ${error.message}`
      )
    ) {
      return {
        cause: `${error.command}: ${error.message}`,
        fix: `Log in again: \`${login}\`, then re-run setup.`
      };
    }
    return { cause: `${error.command}: ${error.message}`, fix: defaultFix };
  }
  if (error instanceof OrgApiError) {
    if (error.status === 401) {
      return {
        cause: error.message,
        fix: `The org session expired; log in again (\`sf org login web --alias ${orgName ?? '<alias>'}\`) and re-run.`
      };
    }
    if (error.status === 403 || error.errorCode === 'INSUFFICIENT_ACCESS') {
      return { cause: error.message, fix: 'Run setup as a System Administrator of the org.' };
    }
    return { cause: error.message, fix: defaultFix };
  }
  return { cause: error instanceof Error ? error.message : String(error), fix: defaultFix };
}

function defaultRunNpmScript(
  projectRoot: string,
  env: NodeJS.ProcessEnv
): (script: string) => Promise<void> {
  return (script) =>
    new Promise((resolve, reject) => {
      const npmCli = env.npm_execpath;
      const [command, args] =
        npmCli && npmCli.endsWith('.js')
          ? [process.execPath, [npmCli, 'run', '--silent', script]]
          : ['npm', ['run', '--silent', script]];
      const child = spawn(command, args, {
        cwd: projectRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: process.platform === 'win32'
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) {
          resolve();
        } else {
          const tail = output.trim().split('\n').slice(-8).join('\n    ');
          reject(
            new Error(
              `\`npm run ${script}\` exited with ${code ?? 'a signal'}${tail ? `:\n    ${tail}` : ''}`
            )
          );
        }
      });
    });
}

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

/** The dev-only source folders (sample Weborder__c) listed in sfdx-project.json. */
export function devPackageDirectories(projectRoot: string): string[] {
  const file = join(projectRoot, 'sfdx-project.json');
  if (!existsSync(file)) {
    return [];
  }
  const project: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const plugins = isRecord(project) && isRecord(project.plugins) ? project.plugins : undefined;
  const rinkel = plugins && isRecord(plugins.rinkel) ? plugins.rinkel : undefined;
  const dirs =
    rinkel && Array.isArray(rinkel.devPackageDirectories) ? rinkel.devPackageDirectories : [];
  return dirs.filter((d): d is string => typeof d === 'string' && existsSync(join(projectRoot, d)));
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

interface SampleRecord {
  Name: string;
  [field: string]: unknown;
}

function readSampleRecords(planPath: string): { treeFile: string; records: SampleRecord[] } {
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

/** Runs the whole setup. Throws SetupStepError on the first failing step. */
export async function runSetup(options: SetupOptions, context: SetupContext): Promise<SetupResult> {
  const { projectRoot, env, logger } = context;
  const sf = new SfCli({ projectRoot, env });
  const runNpmScript = context.runNpmScript ?? defaultRunNpmScript(projectRoot, env);
  const orgName = options.targetOrg ?? options.alias;
  if (options.apiKey) {
    logger.addSecret(options.apiKey);
  }

  async function step<T>(
    title: string,
    defaultFix: string,
    body: (r: StepReporter) => Promise<T>
  ): Promise<T> {
    const reporter = logger.step(title);
    try {
      return await body(reporter);
    } catch (error) {
      const { cause, fix } = explain(error, defaultFix, orgName);
      throw new SetupStepError(title, cause, fix);
    }
  }

  // 1. Prerequisites -------------------------------------------------------------------------
  const prerequisites = await step('Check prerequisites', 'See the messages above.', async (r) => {
    const problems: Problem[] = [];
    const nodeProblem = checkNodeVersion(context.nodeVersion ?? process.versions.node);
    if (nodeProblem) {
      problems.push({ cause: nodeProblem.message, fix: nodeProblem.fix });
    }
    if (!options.apiKey) {
      const e = missingApiKeyError();
      problems.push({ cause: e.message, fix: e.fix });
    }
    let sfAvailable = true;
    try {
      await sf.run(['version']);
    } catch (error) {
      if (error instanceof SfNotFoundError) {
        sfAvailable = false;
        problems.push(explain(error, ''));
      } else {
        throw error;
      }
    }
    let existing: Org | undefined;
    let devHub: string | undefined;
    if (sfAvailable) {
      if (options.targetOrg) {
        try {
          existing = await Org.open(sf, options.targetOrg);
        } catch (error) {
          if (!(error instanceof SfCommandError)) {
            throw error;
          }
          problems.push({
            cause: `You are not logged in to org "${options.targetOrg}" (${error.message}).`,
            fix: `Log in with \`sf org login web --alias ${options.targetOrg}\` (add --instance-url https://test.salesforce.com for a sandbox).`
          });
        }
      } else {
        try {
          existing = await Org.open(sf, options.alias);
        } catch (error) {
          if (!(error instanceof SfCommandError)) {
            throw error;
          }
        }
        if (!existing) {
          devHub = options.devHub ?? (await getDefaultDevHub(sf));
          if (!devHub) {
            problems.push({
              cause: 'No Dev Hub is set, and one is needed to create a scratch org.',
              fix: `Log in to your Dev Hub once: \`${DEV_HUB_LOGIN}\` (or use an existing org with --target-org <alias>).`
            });
          } else {
            try {
              await Org.open(sf, devHub);
            } catch (error) {
              if (!(error instanceof SfCommandError)) {
                throw error;
              }
              problems.push({
                cause: `The Dev Hub "${devHub}" is not logged in or its session expired (${error.message}).`,
                fix: `Log in again: \`sf org login web --set-default-dev-hub --alias ${devHub}\`.`
              });
            }
          }
          if (!existsSync(join(projectRoot, options.definitionFile))) {
            problems.push({
              cause: `The scratch org definition ${options.definitionFile} does not exist.`,
              fix: 'Run setup from the project folder, or pass --definition-file <file>.'
            });
          }
        }
      }
    }
    if (problems.length > 0) {
      const cause = problems
        .map((p, i) => `${problems.length > 1 ? `(${i + 1}) ` : ''}${p.cause}`)
        .join('\n         ');
      const fix = problems
        .map((p, i) => `${problems.length > 1 ? `(${i + 1}) ` : ''}${p.fix}`)
        .join('\n         ');
      throw new SetupStepError('Check prerequisites', cause, fix);
    }
    r.local(
      `all present: Node.js ${context.nodeVersion ?? process.versions.node}, Salesforce CLI, RINKEL_API_KEY${existing ? `, org ${orgName}` : `, Dev Hub ${devHub ?? ''}`}`
    );
    return { existing, devHub };
  });

  // 2. Org ------------------------------------------------------------------------------------
  const org = await step(
    options.targetOrg ? 'Target org' : 'Scratch org',
    'Check the Dev Hub (scratch org limits, `sf org list --all`) and re-run setup.',
    async (r) => {
      let opened = prerequisites.existing;
      if (opened) {
        const expires = opened.info.expirationDate ? `, expires ${opened.info.expirationDate}` : '';
        r.unchanged(
          `using ${options.targetOrg ? 'org' : 'scratch org'} "${orgName}" (${opened.info.username}${expires})`
        );
      } else {
        r.progress(
          `creating scratch org "${options.alias}" for ${options.durationDays} days (takes a few minutes)`
        );
        await createScratchOrg(sf, {
          definitionFile: options.definitionFile,
          alias: options.alias,
          durationDays: options.durationDays,
          devHub: prerequisites.devHub ?? ''
        });
        opened = await Org.open(sf, options.alias);
        r.changed(`created scratch org "${options.alias}" (${opened.info.username})`);
      }
      logger.addSecret(opened.accessToken);
      return opened;
    }
  );
  const isScratch = !options.targetOrg || org.info.isScratch;

  let state: LocalOrgState = { orgId: org.info.id, username: org.info.username };
  const saved = readLocalState(projectRoot, orgName);
  if (saved && saved.orgId === org.info.id) {
    state = { ...saved, username: org.info.username };
  } else if (saved) {
    logger.warn(
      `.rinkel/${orgName}.json belonged to another org (${saved.orgId}); starting afresh for ${org.info.id}.`
    );
  }
  const saveState = (): string => writeLocalState(projectRoot, orgName, state);
  if (state.webhookSecret) {
    logger.addSecret(state.webhookSecret);
  }

  // 3. LWC build ------------------------------------------------------------------------------
  await step(
    'Build the Lightning web components',
    'Fix the TypeScript errors shown above, then re-run setup.',
    async (r) => {
      await runNpmScript('build:lwc');
      r.local(
        'compiled the TypeScript components to JavaScript (local build, nothing deployed yet)'
      );
    }
  );

  // 4. Deploy ---------------------------------------------------------------------------------
  await step(
    'Deploy the product',
    'Fix the components listed in the cause, then re-run setup.',
    async (r) => {
      const dirs = [PRODUCT_SOURCE_DIR, ...(isScratch ? devPackageDirectories(projectRoot) : [])];
      const hash = hashSources(projectRoot, dirs);
      if (!options.forceDeploy && state.deployedSourceHash === hash) {
        r.unchanged(
          `${dirs.join(' + ')} unchanged since the last deploy to this org (--force-deploy deploys anyway)`
        );
        return;
      }
      r.progress(`deploying ${dirs.join(' + ')} (takes a few minutes)`);
      const summary = await org.deploy(dirs, { ignoreConflicts: options.forceDeploy });
      state.deployedSourceHash = hash;
      saveState();
      r.changed(
        `deployed ${dirs.join(' + ')}: ${summary.components.length} components, ${summary.changedCount} created or changed`
      );
    }
  );

  // 5. Sample data ----------------------------------------------------------------------------
  await step(
    'Sample Weborders',
    `Load them by hand: \`sf data import tree --plan ${SAMPLE_DATA_PLAN} --target-org ${orgName}\`.`,
    async (r) => {
      if (!isScratch) {
        r.skipped('not a scratch org (sample data is only loaded into scratch orgs)');
        return;
      }
      if (options.skipSampleData) {
        r.skipped('--skip-sample-data');
        return;
      }
      const notes: string[] = [];
      const findPermset = async (): Promise<string | undefined> =>
        str(
          (
            await org.query(
              `SELECT Id FROM PermissionSet WHERE Name = ${soqlQuote(SAMPLE_PERMISSION_SET)}`
            )
          )[0]?.Id
        );
      let permsetId = await findPermset();
      if (!permsetId) {
        await org.deployGenerated({
          [`permissionsets/${SAMPLE_PERMISSION_SET}.permissionset-meta.xml`]:
            samplePermissionSetXml()
        });
        permsetId = await findPermset();
        notes.push(`created permission set ${SAMPLE_PERMISSION_SET}`);
      }
      const assigned = await ensureAssignments(
        org,
        [
          {
            userId: await org.currentUserId(),
            label: org.info.username,
            permset: SAMPLE_PERMISSION_SET
          }
        ],
        new Map([[SAMPLE_PERMISSION_SET, permsetId ?? '']])
      );
      notes.push(...assigned.map((a) => `assigned ${a}`));

      const planPath = join(projectRoot, SAMPLE_DATA_PLAN);
      const { records } = readSampleRecords(planPath);
      const names = records.map((rec) => rec.Name);
      const found = await org.query(
        `SELECT Name FROM ${SAMPLE_OBJECT} WHERE Name IN (${names.map(soqlQuote).join(', ')})`
      );
      const present = new Set(found.map((rec) => str(rec.Name)));
      const missing = records.filter((rec) => !present.has(rec.Name));
      if (missing.length === 0 && notes.length === 0) {
        r.unchanged(`all ${records.length} sample Weborders are in the org`);
        return;
      }
      if (missing.length === records.length) {
        await org.importTree(planPath);
      } else if (missing.length > 0) {
        const dir = mkdtempSync(join(tmpdir(), 'rinkel-data-'));
        try {
          writeFileSync(
            join(dir, 'Weborder__c.json'),
            JSON.stringify({ records: missing }, null, 2)
          );
          const plan = [
            {
              sobject: SAMPLE_OBJECT,
              saveRefs: true,
              resolveRefs: false,
              files: ['Weborder__c.json']
            }
          ];
          writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan, null, 2));
          await org.importTree(join(dir, 'plan.json'));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      if (missing.length > 0) {
        notes.push(
          `inserted ${missing.length} sample Weborders (${missing.map((rec) => rec.Name).join(', ')})`
        );
      }
      r.changed(notes.join('; '));
    }
  );

  // 6. Permission sets ------------------------------------------------------------------------
  const users = await step(
    'Permission sets',
    'Check that the deploy step succeeded, then re-run setup.',
    async (r) => {
      const wanted = [...PERMISSION_SETS_FOR_ADMIN, GUEST_PERMISSION_SET];
      const permsets = await org.query(
        `SELECT Id, Name FROM PermissionSet WHERE Name IN (${wanted.map(soqlQuote).join(', ')})`
      );
      const idByName = new Map(permsets.map((p) => [str(p.Name) ?? '', str(p.Id) ?? '']));
      const absent = wanted.filter((name) => !idByName.get(name));
      if (absent.length > 0) {
        throw new SetupStepError(
          'Permission sets',
          `Permission set(s) ${absent.join(', ')} are not in the org.`,
          'They are part of force-app; re-run setup with --force-deploy and check the deploy output.'
        );
      }
      const adminId = await org.currentUserId();
      let integrationId = adminId;
      const integrationUsername = options.integrationUser ?? org.info.username;
      if (options.integrationUser && options.integrationUser !== org.info.username) {
        const found = await org.query(
          `SELECT Id FROM User WHERE Username = ${soqlQuote(options.integrationUser)} AND IsActive = true LIMIT 1`
        );
        const id = str(found[0]?.Id);
        if (!id) {
          throw new SetupStepError(
            'Permission sets',
            `No active user with username ${options.integrationUser} in the org.`,
            'Create the integration user first (Setup → Users), or leave out --integration-user to use yourself.'
          );
        }
        integrationId = id;
      }
      const wantedAssignments: { userId: string; label: string; permset: string }[] = [
        ...PERMISSION_SETS_FOR_ADMIN.map((p) => ({
          userId: adminId,
          label: org.info.username,
          permset: p
        })),
        ...(integrationId !== adminId
          ? [
              {
                userId: integrationId,
                label: integrationUsername,
                permset: INTEGRATION_PERMISSION_SET
              }
            ]
          : [])
      ];
      const created = await ensureAssignments(org, wantedAssignments, idByName);
      if (created.length === 0) {
        r.unchanged(wantedAssignments.map((a) => `${a.permset} → ${a.label}`).join(', '));
      } else {
        r.changed(`assigned ${created.join(', ')}`);
      }
      return {
        integrationId,
        integrationUsername,
        guestPermsetId: idByName.get(GUEST_PERMISSION_SET) ?? ''
      };
    }
  );

  // 7. Event processing user ------------------------------------------------------------------
  await step(
    'Event processing user',
    `Set it by hand: Setup → Platform Events → Rinkel Webhook → Subscriptions → ${TRIGGER_NAME} → Edit Configuration.`,
    async (r) => {
      let configs: QueryRecord[] = [];
      try {
        configs = await org.query(
          `SELECT Id, UserId FROM PlatformEventSubscriberConfig WHERE DeveloperName = ${soqlQuote(SUBSCRIBER_CONFIG_NAME)}`,
          { tooling: true }
        );
      } catch (error) {
        // Not readable (older API, missing permission): deploying it is harmless, just not skippable.
        if (!(error instanceof OrgApiError && error.status === 400)) {
          throw error;
        }
        r.progress(`could not read the current configuration (${error.message}); deploying it`);
      }
      const currentUser = str(configs[0]?.UserId);
      if (currentUser && currentUser.slice(0, 15) === users.integrationId.slice(0, 15)) {
        r.unchanged(`${TRIGGER_NAME} runs as ${users.integrationUsername}`);
        return;
      }
      await org.deployGenerated({
        [`platformEventSubscriberConfigs/${SUBSCRIBER_CONFIG_NAME}.platformEventSubscriberConfig-meta.xml`]:
          subscriberConfigXml(users.integrationUsername)
      });
      r.changed(`${TRIGGER_NAME} now runs as ${users.integrationUsername}`);
    }
  );

  // 8. API key --------------------------------------------------------------------------------
  await step(
    'Rinkel API key',
    `Enter it by hand: Setup → Named Credentials → External Credentials → ${EXTERNAL_CREDENTIAL} → Principals → ${EXTERNAL_CREDENTIAL_PRINCIPAL} → Edit.`,
    async (r) => {
      const apiKey = options.apiKey ?? '';
      const keyHash = sha256Hex(apiKey);
      const query = `/named-credentials/credential?externalCredential=${EXTERNAL_CREDENTIAL}&principalName=${EXTERNAL_CREDENTIAL_PRINCIPAL}&principalType=NamedPrincipal`;
      let hasValue = false;
      try {
        const { body } = await org.rest('GET', query);
        const credentials = isRecord(body) && isRecord(body.credentials) ? body.credentials : {};
        hasValue = isRecord(credentials[EXTERNAL_CREDENTIAL_PARAMETER]);
      } catch (error) {
        if (!(error instanceof OrgApiError && error.status === 404)) {
          throw error;
        }
      }
      if (hasValue && state.apiKeySha256 === keyHash) {
        r.unchanged(`External Credential ${EXTERNAL_CREDENTIAL} holds this API key`);
        return;
      }
      const body = {
        externalCredential: EXTERNAL_CREDENTIAL,
        principalName: EXTERNAL_CREDENTIAL_PRINCIPAL,
        principalType: 'NamedPrincipal',
        authenticationProtocol: 'Custom',
        credentials: { [EXTERNAL_CREDENTIAL_PARAMETER]: { value: apiKey, encrypted: true } }
      };
      await org.rest(hasValue ? 'PUT' : 'POST', '/named-credentials/credential', body);
      state.apiKeySha256 = keyHash;
      saveState();
      r.changed(
        `${hasValue ? 'replaced' : 'stored'} the API key in External Credential ${EXTERNAL_CREDENTIAL} (principal ${EXTERNAL_CREDENTIAL_PRINCIPAL})`
      );
    }
  );

  // 9. Webhook secret -------------------------------------------------------------------------
  await step(
    'Webhook secret',
    'Re-run setup with --rotate-secret, then `npm run webhooks -- register`.',
    async (r) => {
      const rows: QueryRecord[] = await org.query(
        `SELECT Id, ${SECRET_HASH_FIELD} FROM ${SECRET_SETTING} WHERE SetupOwnerId = ${soqlQuote(org.info.id)} LIMIT 1`
      );
      const recordId = str(rows[0]?.Id);
      const orgHash = str(rows[0]?.[SECRET_HASH_FIELD]);
      const local = state.webhookSecret;
      if (!options.rotateSecret && local && orgHash === sha256Hex(local)) {
        r.unchanged(
          `the org holds the hash of the secret in ${relative(projectRoot, stateFilePath(projectRoot, orgName))}`
        );
        return;
      }
      if (!options.rotateSecret && !local && orgHash) {
        throw new SetupStepError(
          'Webhook secret',
          `The org already has a webhook secret, but this machine does not know it (${relative(projectRoot, stateFilePath(projectRoot, orgName))} is missing).`,
          'Re-run setup with --rotate-secret to make a new one, then `npm run webhooks -- register` so Rinkel uses it.'
        );
      }
      if (!options.rotateSecret && local && orgHash && orgHash !== sha256Hex(local)) {
        throw new SetupStepError(
          'Webhook secret',
          'The secret saved on this machine does not match the one in the org (it was changed elsewhere).',
          'Re-run setup with --rotate-secret, then `npm run webhooks -- register` so Rinkel uses the new secret.'
        );
      }
      const secret = local && !options.rotateSecret ? local : generateWebhookSecret();
      logger.addSecret(secret);
      const fields = { [SECRET_HASH_FIELD]: sha256Hex(secret) };
      if (recordId) {
        await org.update(SECRET_SETTING, recordId, fields);
      } else {
        await org.create(SECRET_SETTING, { SetupOwnerId: org.info.id, ...fields });
      }
      state.webhookSecret = secret;
      const file = saveState();
      r.changed(
        `${options.rotateSecret && local ? 'rotated' : 'generated'} the webhook secret; the org keeps only its SHA-256, the secret is in ${relative(projectRoot, file)} (never commit it)`
      );
      if (options.rotateSecret && local) {
        logger.warn(
          'Rinkel still calls the old URL: run `npm run webhooks -- register` (or setup --register-webhooks) now.'
        );
      }
    }
  );

  // 10. Site ----------------------------------------------------------------------------------
  const siteUrl = await step(
    'Webhook Site',
    `Activate it by hand: Setup → Sites → ${SITE_NAME} → Activate, and assign ${GUEST_PERMISSION_SET} to its guest user.`,
    async (r) => {
      const changes: string[] = [];
      const findSite = async (): Promise<QueryRecord | undefined> =>
        (
          await org.query(
            `SELECT Id, Status, GuestUserId FROM Site WHERE Name = ${soqlQuote(SITE_NAME)} LIMIT 1`
          )
        )[0];
      let site = await findSite();
      if (!site) {
        throw new SetupStepError(
          'Webhook Site',
          `The Site ${SITE_NAME} is not in the org.`,
          'It is part of force-app; re-run setup with --force-deploy and check the deploy output.'
        );
      }
      if (str(site.Status) !== 'Active') {
        const file = join(projectRoot, SITE_METADATA_FILE);
        if (!existsSync(file)) {
          throw new SetupStepError(
            'Webhook Site',
            `The Site is inactive and ${SITE_METADATA_FILE} is missing, so setup cannot activate it.`,
            `Activate it by hand: Setup → Sites → ${SITE_NAME} → Activate.`
          );
        }
        await org.deployGenerated({
          [`sites/${SITE_NAME}.site-meta.xml`]: activeSiteXml(readFileSync(file, 'utf8'))
        });
        site = await findSite();
        if (str(site?.Status) !== 'Active') {
          throw new SetupStepError(
            'Webhook Site',
            `The Site ${SITE_NAME} is still inactive after deploying it as active.`,
            `Activate it by hand: Setup → Sites → ${SITE_NAME} → Activate (a Sites domain must be registered first).`
          );
        }
        changes.push('activated the Site');
      }
      const siteId = str(site?.Id) ?? '';
      const guestUserId = str(site?.GuestUserId);
      if (!guestUserId) {
        throw new SetupStepError(
          'Webhook Site',
          `The Site ${SITE_NAME} has no guest user.`,
          'Open the Site in Setup once (Setup → Sites) so Salesforce creates its guest user, then re-run.'
        );
      }
      const created = await ensureAssignments(
        org,
        [{ userId: guestUserId, label: 'the Site guest user', permset: GUEST_PERMISSION_SET }],
        new Map([[GUEST_PERMISSION_SET, users.guestPermsetId]])
      );
      if (created.length > 0) {
        changes.push(`assigned ${GUEST_PERMISSION_SET} to the guest user`);
      }
      const details = await org.query(
        `SELECT SecureUrl FROM SiteDetail WHERE DurableId IN (${[siteId, siteId.slice(0, 15)].map(soqlQuote).join(', ')})`
      );
      const url = str(details[0]?.SecureUrl)?.replace(/\/+$/, '');
      if (!url) {
        throw new SetupStepError(
          'Webhook Site',
          `Salesforce reports no secure URL for the Site ${SITE_NAME}.`,
          'Check Setup → Sites: the Sites domain must be registered and the Site active.'
        );
      }
      if (state.siteUrl !== url) {
        state.siteUrl = url;
        saveState();
      }
      if (changes.length === 0) {
        r.unchanged(
          `${SITE_NAME} is active at ${url} and its guest user has ${GUEST_PERMISSION_SET}`
        );
      } else {
        r.changed(`${changes.join('; ')} — ${url}`);
      }
      return url;
    }
  );

  const webhookBaseUrl = `${siteUrl}${WEBHOOK_PATH}`;
  logger.info(`\n    Webhook base URL: ${webhookBaseUrl}`);
  logger.info(
    `    Rinkel must call ${webhookBaseUrl}<event>?token=<secret> — event one of ${RINKEL_EVENTS.join(', ')};`
  );
  logger.info(
    `    the secret is in ${relative(projectRoot, stateFilePath(projectRoot, orgName))} (never printed).`
  );

  // 11. Webhooks at Rinkel --------------------------------------------------------------------
  await step(
    'Webhooks at Rinkel',
    'Fix the cause, then run `npm run webhooks -- register`.',
    async (r) => {
      if (!options.registerWebhooks) {
        r.skipped(
          'run `npm run webhooks -- register` (or setup --register-webhooks) to subscribe at Rinkel'
        );
        return;
      }
      const api = new RinkelApiClient({
        apiKey: options.apiKey ?? '',
        baseUrl: options.rinkelBaseUrl,
        retryBaseDelayMs: context.rinkelRetryBaseDelayMs,
        onRetry: (info) =>
          logger.warn(
            `Rinkel call failed (${info.reason}); retry ${info.attempt} in ${info.delayMs} ms`
          )
      });
      const events = options.allEvents ? RINKEL_EVENTS : DEFAULT_WEBHOOK_EVENTS;
      const results = await registerWebhooks(
        api,
        logger,
        { siteUrl, secret: state.webhookSecret, source: 'setup' },
        events
      );
      const failedTests = results.filter((res) => res.testOk === false);
      if (failedTests.length > 0) {
        throw new SetupStepError(
          'Webhooks at Rinkel',
          `Rinkel could not deliver the test event for ${failedTests.map((f) => f.event).join(', ')}: ${failedTests[0]?.testMessage ?? ''}`,
          'Check that the Site is active and reachable, then `npm run webhooks -- test`.'
        );
      }
      const changedEvents = results.filter((res) => res.action !== 'unchanged');
      if (changedEvents.length === 0) {
        r.unchanged(`${events.join(', ')} already point at this org; test deliveries OK`);
      } else {
        r.changed(
          `${changedEvents.map((res) => `${res.event} ${res.action ?? ''}`).join(', ')}; test deliveries OK`
        );
      }
    }
  );

  const changed = logger.changedSteps.map((s) => s.title);
  logger.info(
    changed.length === 0
      ? '\nNothing changed: the org was already set up.'
      : `\nDone. Changed: ${changed.join(', ')}.`
  );
  return {
    orgAlias: orgName,
    orgId: org.info.id,
    siteUrl,
    webhookBaseUrl,
    changed,
    stateFile: stateFilePath(projectRoot, orgName)
  };
}

/** Inserts the permission set assignments that are missing; returns "<permset> → <user>" for each. */
async function ensureAssignments(
  org: Org,
  wanted: { userId: string; label: string; permset: string }[],
  permsetIds: Map<string, string>
): Promise<string[]> {
  if (wanted.length === 0) {
    return [];
  }
  const userIds = [...new Set(wanted.map((w) => w.userId))];
  const ids = [...new Set(wanted.map((w) => permsetIds.get(w.permset) ?? ''))].filter(Boolean);
  const existing = await org.query(
    `SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId IN (${userIds
      .map(soqlQuote)
      .join(', ')}) AND PermissionSetId IN (${ids.map(soqlQuote).join(', ')})`
  );
  const have = new Set(
    existing.map(
      (e) => `${str(e.AssigneeId)?.slice(0, 15)}:${str(e.PermissionSetId)?.slice(0, 15)}`
    )
  );
  const created: string[] = [];
  for (const w of wanted) {
    const permsetId = permsetIds.get(w.permset) ?? '';
    if (have.has(`${w.userId.slice(0, 15)}:${permsetId.slice(0, 15)}`)) {
      continue;
    }
    // One insert per missing assignment: at most four, and each failure names its permission set.
    await org.create('PermissionSetAssignment', {
      AssigneeId: w.userId,
      PermissionSetId: permsetId
    });
    created.push(`${w.permset} → ${w.label}`);
  }
  return created;
}

/** `npm run setup -- …`; resolves with the exit code. */
export async function setupMain(
  argv: string[],
  context: Omit<SetupContext, 'logger'> & { logger: Logger }
): Promise<number> {
  const options = parseSetupArgs(argv, context.env);
  if (options.help) {
    context.logger.info(SETUP_USAGE);
    return 0;
  }
  try {
    await runSetup(options, context);
    return 0;
  } catch (error) {
    if (error instanceof SetupStepError) {
      context.logger.error(`\n${error.format()}`);
      return 1;
    }
    throw error;
  }
}
