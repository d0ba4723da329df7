// npm start [-- --port 8787 --state-dir .rinkel/local-org --reset --speed 60]   (docs/local-org.md)
// The whole product on this machine: force-app and config/dev-org in the offline Apex runtime as
// a local org, its Site and pages on 127.0.0.1, Rinkel faked in the same process.
import fs from 'node:fs';
import path from 'node:path';
import { runMain } from './core/cli';
import { REPO_ROOT } from './core/paths';
import { listLocalStateAliases, writeLocalState } from './core/secret';
import { START_USAGE, parseStartArgs } from './local-org/args';
import { bannerLines, displayPath } from './local-org/banner';
import { loadStartLocalOrg } from './local-org/host';
import { startLocalServer } from './local-org/server';

/** The setup-state alias of the local org: send-test-event and webhooks find its secret there. */
export const LOCAL_ALIAS = 'local';

runMain(async (logger) => {
  const options = parseStartArgs(process.argv.slice(2), REPO_ROOT);
  if (options.help) {
    logger.info(START_USAGE);
    return 0;
  }
  const started = performance.now();
  logger.info(
    `Starting the local org (state: ${displayPath(REPO_ROOT, options.stateDir)}${options.reset ? ', reset' : ''}) …`
  );
  const startLocalOrg = await loadStartLocalOrg();
  const server = await startLocalServer({
    root: REPO_ROOT,
    port: options.port,
    stateDir: options.stateDir,
    reset: options.reset,
    speed: options.speed,
    startLocalOrg,
    log: (line) => logger.info(`  · ${line}`)
  });
  const { org } = server;
  logger.addSecret(org.secrets.webhookSecret);
  logger.addSecret(org.secrets.lookupToken);

  // The secret where the project's scripts look for it: the org's own state dir, and for the
  // project's default local org also the setup file send-test-event reads by itself.
  const site = {
    orgId: 'local-org',
    siteUrl: server.url,
    webhookSecret: org.secrets.webhookSecret,
    lookupToken: org.secrets.lookupToken,
    username: org.users.admin.username
  };
  const siteFile = path.join(options.stateDir, 'site.json');
  fs.mkdirSync(options.stateDir, { recursive: true });
  fs.writeFileSync(siteFile, `${JSON.stringify(site, null, 2)}\n`, { mode: 0o600 });
  let aliasFound = false;
  let secretFile = siteFile;
  if (options.defaultStateDir) {
    secretFile = writeLocalState(REPO_ROOT, LOCAL_ALIAS, site);
    aliasFound = listLocalStateAliases(REPO_ROOT).length === 1;
  }

  const secretLine = org.secrets.generatedNow
    ? `Webhook secret (new, shown once as setup does; kept in ${displayPath(REPO_ROOT, secretFile)}): ${org.secrets.webhookSecret}`
    : `Webhook secret: **** (in ${displayPath(REPO_ROOT, secretFile)})`;
  const readyMs = performance.now() - started;
  const lines = bannerLines({
    url: server.url,
    org,
    readyMs,
    stateDir: options.stateDir,
    secretFile,
    aliasFound,
    secretLine,
    root: REPO_ROOT,
    speed: options.speed
  });
  for (const line of lines) {
    // The banner's commands carry `token=$(node -p …)`, which the logger's URL-token mask would
    // blank; only the secret line itself holds a secret, and only on the start that made it.
    if (line === secretLine && org.secrets.generatedNow) logger.reveal(line);
    else if (line.includes(org.secrets.webhookSecret)) logger.info(line);
    else logger.reveal(line);
  }
  if (!aliasFound && options.defaultStateDir) {
    logger.info(
      `(Other orgs are set up here too: add --target-org ${LOCAL_ALIAS} to send-test-event.)`
    );
  }
  server.bundle.then(
    (bundle) =>
      logger.info(
        bundle.fromCache
          ? 'Pages ready (from the cache).'
          : `Pages built in ${(bundle.ms / 1000).toFixed(1)} s (cached for the next start in build/local-org/).`
      ),
    (error: unknown) =>
      logger.error(
        `✖ The pages could not be built: ${error instanceof Error ? error.message : String(error)}\n  Fix: run npm run build:lwc and check the components compile (npx tsx scripts/gate/run-gate.ts --only=lwc-build).`
      )
  );

  await new Promise<void>((resolve) => {
    let stopping = 0;
    const stop = (signal: string): void => {
      // A terminal's Ctrl-C reaches npm, tsx and node at once, and tsx passes it on again: the
      // same key press arrives twice. Only a press a second later means "stop now".
      if (stopping > 0) {
        if (performance.now() - stopping > 1000) {
          logger.error('Stopped without saving.');
          process.exit(130);
        }
        return;
      }
      stopping = performance.now();
      logger.info(`\n${signal}: stopping (finishing running work, saving the state) …`);
      resolve();
    };
    process.on('SIGINT', () => stop('Ctrl-C'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  logger.info(`Stopped; the state is in ${displayPath(REPO_ROOT, options.stateDir)}/.`);
  return 0;
});
