// `npm run setup`: from a clone to an org that receives Rinkel calls, one idempotent step at
// a time (the steps are in setup-steps.ts). A failure names the step, the cause and the fix.

import { relative } from 'node:path';
import { SETUP_USAGE, parseSetupArgs, type SetupOptions } from './config';
import type { Logger, StepReporter } from '../core/log';
import { SfCli } from '../clients/org';
import { RINKEL_EVENTS } from '../clients/rinkel-api';
import { readLocalState, stateFilePath, writeLocalState, type LocalOrgState } from '../core/secret';
import { SetupStepError, explain } from './errors';
import {
  CALLER_ID_PATH,
  CALLER_ID_TEMPLATE_PARAMS,
  LOOKUP_GUEST_PERMISSION_SET,
  SAMPLE_DATA_PLAN,
  SCHEDULE_APEX_FILE,
  SITE_NAME,
  GUEST_PERMISSION_SET,
  TRIGGER_NAME,
  EXTERNAL_CREDENTIAL,
  EXTERNAL_CREDENTIAL_PRINCIPAL
} from './project';
import {
  activateSite,
  assignPermissionSets,
  buildComponents,
  checkPrerequisites,
  defaultRunNpmScript,
  deployProduct,
  ensureLookupToken,
  ensureWebhookSecret,
  loadSampleData,
  openOrg,
  registerAtRinkel,
  scheduleJobs,
  setEventProcessingUser,
  storeApiKey,
  type EarlyRun,
  type SetupContext,
  type SetupRun
} from './steps';
import { WEBHOOK_PATH } from '../webhooks/commands';

export { SetupStepError, explain } from './errors';
export type { SetupContext } from './steps';

export interface SetupResult {
  orgAlias: string;
  orgId: string;
  siteUrl: string;
  webhookBaseUrl: string;
  changed: string[];
  stateFile: string;
}

/** Runs the whole setup. Throws SetupStepError on the first failing step. */
export async function runSetup(options: SetupOptions, context: SetupContext): Promise<SetupResult> {
  const { projectRoot, env, logger } = context;
  const orgName = options.targetOrg ?? options.alias;
  if (options.apiKey) {
    logger.addSecret(options.apiKey);
  }
  const early: EarlyRun = {
    options,
    context,
    sf: new SfCli({ projectRoot, env }),
    orgName,
    projectRoot,
    logger
  };

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

  const prerequisites = await step('Check prerequisites', 'See the messages above.', (r) =>
    checkPrerequisites(early, r)
  );
  const org = await step(
    options.targetOrg ? 'Target org' : 'Scratch org',
    'Check the Dev Hub (scratch org limits, `sf org list --all`) and re-run setup.',
    (r) => openOrg(early, r, prerequisites)
  );

  let state: LocalOrgState = { orgId: org.info.id, username: org.info.username };
  const saved = readLocalState(projectRoot, orgName);
  if (saved && saved.orgId === org.info.id) {
    state = { ...saved, username: org.info.username };
  } else if (saved) {
    logger.warn(
      `.rinkel/${orgName}.json belonged to another org (${saved.orgId}); starting afresh for ${org.info.id}.`
    );
  }
  logger.addSecret(state.webhookSecret);
  logger.addSecret(state.lookupToken);
  const run: SetupRun = {
    ...early,
    org,
    isScratch: !options.targetOrg || org.info.isScratch,
    state,
    saveState: () => writeLocalState(projectRoot, orgName, state),
    runNpmScript: context.runNpmScript ?? defaultRunNpmScript(projectRoot, env)
  };

  await step(
    'Build the Lightning web components',
    'Fix the TypeScript errors shown above, then re-run setup.',
    (r) => buildComponents(run, r)
  );
  await step(
    'Deploy the product',
    'Fix the components listed in the cause, then re-run setup.',
    (r) => deployProduct(run, r)
  );
  await step(
    'Sample Weborders',
    `Load them by hand: \`sf data import tree --plan ${SAMPLE_DATA_PLAN} --target-org ${orgName}\`.`,
    (r) => loadSampleData(run, r)
  );
  const users = await step(
    'Permission sets',
    'Check that the deploy step succeeded, then re-run setup.',
    (r) => assignPermissionSets(run, r)
  );
  await step(
    'Event processing user',
    `Set it by hand: Setup → Platform Events → Rinkel Webhook → Subscriptions → ${TRIGGER_NAME} → Edit Configuration.`,
    (r) => setEventProcessingUser(run, r, users)
  );
  await step(
    'Rinkel API key',
    `Enter it by hand: Setup → Named Credentials → External Credentials → ${EXTERNAL_CREDENTIAL} → Principals → ${EXTERNAL_CREDENTIAL_PRINCIPAL} → Edit.`,
    (r) => storeApiKey(run, r)
  );
  await step(
    'Scheduled jobs',
    `Schedule them by hand: \`sf apex run --file ${SCHEDULE_APEX_FILE} --target-org ${orgName}\`.`,
    (r) => scheduleJobs(run, r)
  );
  await step(
    'Webhook secret',
    'Re-run setup with --rotate-secret, then `npm run webhooks -- register`.',
    (r) => ensureWebhookSecret(run, r)
  );
  const lookupTokenIsNew = await step(
    'Caller-id lookup token',
    'Re-run setup with --rotate-lookup-token, then put the new URL into the VoIPGRID webhook module.',
    (r) => ensureLookupToken(run, r)
  );
  const siteUrl = await step(
    'Webhook Site',
    `Activate it by hand: Setup → Sites → ${SITE_NAME} → Activate, and assign ${GUEST_PERMISSION_SET} and ${LOOKUP_GUEST_PERMISSION_SET} to its guest user.`,
    (r) => activateSite(run, r, users)
  );

  const webhookBaseUrl = `${siteUrl}${WEBHOOK_PATH}`;
  logger.info(`\n    Webhook base URL: ${webhookBaseUrl}`);
  logger.info(
    `    Rinkel must call ${webhookBaseUrl}<event>?token=<secret> — event one of ${RINKEL_EVENTS.join(', ')};`
  );
  logger.info(
    `    the secret is in ${relative(projectRoot, stateFilePath(projectRoot, orgName))} (never printed).`
  );

  // The PBX needs the whole URL, token included: shown once, on the run that made the token.
  const lookupUrl = `${siteUrl}${CALLER_ID_PATH}?token=${state.lookupToken ?? ''}&${CALLER_ID_TEMPLATE_PARAMS}`;
  logger.info(
    '\n    VoIPGRID caller-id lookup (only for a PBX on the VoIPGRID platform, docs/telephony.md):'
  );
  if (lookupTokenIsNew) {
    logger.reveal(`    ${lookupUrl}`);
    logger.info(
      '    Copy it into the PBX webhook module now: it is shown this once (masked on later runs; --rotate-lookup-token makes a new one).'
    );
  } else {
    logger.info(`    ${lookupUrl}`);
  }

  await step('Webhooks at Rinkel', 'Fix the cause, then run `npm run webhooks -- register`.', (r) =>
    registerAtRinkel(run, r, siteUrl)
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
