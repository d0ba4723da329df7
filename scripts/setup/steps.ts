// The steps of `npm run setup`, one function each. Every step first reads the org and changes
// only what is missing, then reports what it changed or "already done" through its reporter.
// The order and the failure handling live in setup-runner.ts.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { checkNodeVersion, missingApiKeyError } from '../core/config';
import type { SetupOptions } from './config';
import type { Logger, StepReporter } from '../core/log';
import {
  Org,
  OrgApiError,
  SfCommandError,
  SfNotFoundError,
  createScratchOrg,
  ensurePermissionSetAssignments,
  getDefaultDevHub,
  soqlQuote,
  type QueryRecord,
  type SfCli
} from '../clients/org';
import { DEFAULT_WEBHOOK_EVENTS, RINKEL_EVENTS, RinkelApiClient } from '../clients/rinkel-api';
import {
  generateWebhookSecret,
  sha256Hex,
  stateFilePath,
  type LocalOrgState
} from '../core/secret';
import { SetupStepError, explain, type Problem } from './errors';
import {
  DEV_HUB_LOGIN,
  EXTERNAL_CREDENTIAL,
  EXTERNAL_CREDENTIAL_PARAMETER,
  EXTERNAL_CREDENTIAL_PRINCIPAL,
  GUEST_PERMISSION_SETS,
  INTEGRATION_PERMISSION_SET,
  LOOKUP_SECRET_SETTING,
  PERMISSION_SETS_FOR_ADMIN,
  SAMPLE_DATA_PLAN,
  SAMPLE_OBJECT,
  SAMPLE_PERMISSION_SET,
  SCHEDULED_JOBS,
  SCHEDULE_APEX_FILE,
  SECRET_HASH_FIELD,
  SECRET_SETTING,
  SITE_NAME,
  SUBSCRIBER_CONFIG_NAME,
  TRIGGER_NAME,
  activeSiteXml,
  hashSources,
  readSampleRecords,
  samplePermissionSetXml,
  siteMetadataFile,
  subscriberConfigXml
} from './project';
import { registerWebhooks } from '../webhooks/commands';
import { devPackageDirectories, packageDirectories } from '../core/paths';
import { isRecord, str } from '../core/json';

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

/** What the first two steps need: no org yet. */
export interface EarlyRun {
  options: SetupOptions;
  context: SetupContext;
  sf: SfCli;
  /** --target-org or the scratch org alias; names the .rinkel/<name>.json file. */
  orgName: string;
  projectRoot: string;
  logger: Logger;
}

/** Everything the later steps share. `state` is saved to .rinkel/<orgName>.json by saveState. */
export interface SetupRun extends EarlyRun {
  org: Org;
  isScratch: boolean;
  state: LocalOrgState;
  saveState: () => string;
  runNpmScript: (script: string) => Promise<void>;
}

export interface Prerequisites {
  existing?: Org;
  devHub?: string;
}

export interface ProcessingUsers {
  integrationId: string;
  integrationUsername: string;
  /** Ids of the Site guest user's permission sets (GUEST_PERMISSION_SETS) by name. */
  guestPermsetIds: Map<string, string>;
}

export function defaultRunNpmScript(
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

export async function checkPrerequisites(run: EarlyRun, r: StepReporter): Promise<Prerequisites> {
  const { options, context, sf, orgName, projectRoot } = run;
  const problems: Problem[] = [];
  const nodeProblem = checkNodeVersion(context.nodeVersion ?? process.versions.node);
  if (nodeProblem) {
    problems.push({ cause: nodeProblem.message, fix: nodeProblem.fix });
  }
  if (!options.apiKey) {
    const e = missingApiKeyError();
    problems.push({ cause: e.message, fix: e.fix });
  }
  // Each sf call takes seconds (the CLI loads its plugins): say what is being checked meanwhile.
  let sfAvailable = true;
  r.progress('checking the Salesforce CLI (sf version)');
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
      r.progress(`checking the login of org "${options.targetOrg}"`);
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
      r.progress(`looking for scratch org "${options.alias}"`);
      try {
        existing = await Org.open(sf, options.alias);
      } catch (error) {
        if (!(error instanceof SfCommandError)) {
          throw error;
        }
      }
      if (!existing) {
        r.progress('looking up the Dev Hub');
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
}

export async function openOrg(
  run: EarlyRun,
  r: StepReporter,
  prerequisites: Prerequisites
): Promise<Org> {
  const { options, sf, orgName, logger } = run;
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

export async function buildComponents(run: SetupRun, r: StepReporter): Promise<void> {
  const { runNpmScript } = run;
  await runNpmScript('build:lwc');
  r.local('compiled the TypeScript components to JavaScript (local build, nothing deployed yet)');
}

export async function deployProduct(run: SetupRun, r: StepReporter): Promise<void> {
  const { options, org, isScratch, state, saveState, projectRoot } = run;
  const dirs = [
    ...packageDirectories(projectRoot),
    ...(isScratch ? devPackageDirectories(projectRoot) : [])
  ];
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

export async function loadSampleData(run: SetupRun, r: StepReporter): Promise<void> {
  const { options, org, isScratch, projectRoot } = run;
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
      [`permissionsets/${SAMPLE_PERMISSION_SET}.permissionset-meta.xml`]: samplePermissionSetXml()
    });
    permsetId = await findPermset();
    notes.push(`created permission set ${SAMPLE_PERMISSION_SET}`);
  }
  const assigned = await ensurePermissionSetAssignments(
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
      writeFileSync(join(dir, 'Weborder__c.json'), JSON.stringify({ records: missing }, null, 2));
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

export async function assignPermissionSets(
  run: SetupRun,
  r: StepReporter
): Promise<ProcessingUsers> {
  const { options, org } = run;
  const wanted = [...PERMISSION_SETS_FOR_ADMIN, ...GUEST_PERMISSION_SETS];
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
  const created = await ensurePermissionSetAssignments(org, wantedAssignments, idByName);
  if (created.length === 0) {
    r.unchanged(wantedAssignments.map((a) => `${a.permset} → ${a.label}`).join(', '));
  } else {
    r.changed(`assigned ${created.join(', ')}`);
  }
  return {
    integrationId,
    integrationUsername,
    guestPermsetIds: new Map(GUEST_PERMISSION_SETS.map((p) => [p, idByName.get(p) ?? '']))
  };
}

export async function setEventProcessingUser(
  run: SetupRun,
  r: StepReporter,
  users: ProcessingUsers
): Promise<void> {
  const { org } = run;
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

export async function scheduleJobs(run: SetupRun, r: StepReporter): Promise<void> {
  const { org, projectRoot } = run;
  const scheduled = async (): Promise<Set<string>> => {
    const rows = await org.query(
      `SELECT CronJobDetail.Name FROM CronTrigger WHERE CronJobDetail.Name IN (${SCHEDULED_JOBS.map(soqlQuote).join(', ')})`
    );
    return new Set(
      rows.map((row) => (isRecord(row.CronJobDetail) ? (str(row.CronJobDetail.Name) ?? '') : ''))
    );
  };
  const before = await scheduled();
  const missing = SCHEDULED_JOBS.filter((name) => !before.has(name));
  if (missing.length === 0) {
    r.unchanged(`${SCHEDULED_JOBS.join(' and ')} are scheduled`);
    return;
  }
  // The Apex decides the cron expressions; it leaves jobs that exist alone.
  await org.executeAnonymous(readFileSync(join(projectRoot, SCHEDULE_APEX_FILE), 'utf8'));
  const after = await scheduled();
  const stillMissing = SCHEDULED_JOBS.filter((name) => !after.has(name));
  if (stillMissing.length > 0) {
    throw new SetupStepError(
      'Scheduled jobs',
      `${stillMissing.join(' and ')} did not appear under Scheduled Jobs after running ${SCHEDULE_APEX_FILE}.`,
      `Run it by hand and read its output: \`sf apex run --file ${SCHEDULE_APEX_FILE} --target-org ${run.orgName}\`.`
    );
  }
  r.changed(`scheduled ${missing.join(' and ')} (hourly reconciliation, daily audit retention)`);
}

export async function storeApiKey(run: SetupRun, r: StepReporter): Promise<void> {
  const { options, org, state, saveState } = run;
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

export async function ensureWebhookSecret(run: SetupRun, r: StepReporter): Promise<void> {
  const { options, org, state, saveState, orgName, projectRoot, logger } = run;
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

/**
 * The token of the VoIPGRID caller-id lookup URL, handled like the webhook secret: generated
 * here, only its SHA-256 in the org (Rinkel_Lookup_Secret__c), the token in the local state file,
 * kept on a re-run. Resolves true when the token is new: the runner then prints the whole URL
 * once, because the admin has to paste it into the PBX's webhook module.
 */
export async function ensureLookupToken(run: SetupRun, r: StepReporter): Promise<boolean> {
  const { options, org, state, saveState, orgName, projectRoot, logger } = run;
  const stateFile = relative(projectRoot, stateFilePath(projectRoot, orgName));
  const rows: QueryRecord[] = await org.query(
    `SELECT Id, ${SECRET_HASH_FIELD} FROM ${LOOKUP_SECRET_SETTING} WHERE SetupOwnerId = ${soqlQuote(org.info.id)} LIMIT 1`
  );
  const recordId = str(rows[0]?.Id);
  const orgHash = str(rows[0]?.[SECRET_HASH_FIELD]);
  const local = state.lookupToken;
  const rotate = options.rotateLookupToken;
  if (!rotate && local && orgHash === sha256Hex(local)) {
    r.unchanged(`the org holds the hash of the lookup token in ${stateFile}`);
    return false;
  }
  if (!rotate && orgHash) {
    throw new SetupStepError(
      'Caller-id lookup token',
      local
        ? 'The lookup token saved on this machine does not match the one in the org (it was changed elsewhere).'
        : `The org already has a caller-id lookup token, but this machine does not know it (${stateFile} has none).`,
      'Re-run setup with --rotate-lookup-token, then put the new URL it prints into the VoIPGRID webhook module.'
    );
  }
  const token = generateWebhookSecret();
  logger.addSecret(token);
  const fields = { [SECRET_HASH_FIELD]: sha256Hex(token) };
  if (recordId) {
    await org.update(LOOKUP_SECRET_SETTING, recordId, fields);
  } else {
    await org.create(LOOKUP_SECRET_SETTING, { SetupOwnerId: org.info.id, ...fields });
  }
  state.lookupToken = token;
  saveState();
  r.changed(
    `${orgHash ? 'rotated' : 'generated'} the caller-id lookup token; the org keeps only its SHA-256, the token is in ${stateFile} (never commit it)`
  );
  if (orgHash) {
    logger.warn('The PBX still calls the old lookup URL: replace it with the one printed below.');
  }
  return true;
}

export async function activateSite(
  run: SetupRun,
  r: StepReporter,
  users: ProcessingUsers
): Promise<string> {
  const { org, state, saveState, projectRoot } = run;
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
    const file = siteMetadataFile(projectRoot);
    if (!file) {
      throw new SetupStepError(
        'Webhook Site',
        `The Site is inactive and its metadata (sites/${SITE_NAME}.site-meta.xml) is missing from the project, so setup cannot activate it.`,
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
  const created = await ensurePermissionSetAssignments(
    org,
    GUEST_PERMISSION_SETS.map((permset) => ({
      userId: guestUserId,
      label: 'the guest user',
      permset
    })),
    users.guestPermsetIds
  );
  if (created.length > 0) {
    changes.push(`assigned ${created.join(', ')}`);
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
      `${SITE_NAME} is active at ${url} and its guest user has ${GUEST_PERMISSION_SETS.join(' and ')}`
    );
  } else {
    r.changed(`${changes.join('; ')} — ${url}`);
  }
  return url;
}

export async function registerAtRinkel(
  run: SetupRun,
  r: StepReporter,
  siteUrl: string
): Promise<void> {
  const { options, context, state, logger } = run;
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
