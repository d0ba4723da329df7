// npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run]: argument parsing and
// wiring (Rinkel client, org session, labels) around ./run.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, DEFAULT_SCRATCH_ALIAS, requireApiKey, rinkelBaseUrl } from '../core/config';
import type { Logger } from '../core/log';
import { loadLabels } from '../twin';
import { Org, SfCli } from '../clients/org';
import { RinkelApiClient } from '../clients/rinkel-api';
import { BACKFILL_STATE_DIR, stateFileName } from '../core/secret';
import { DEFAULT_MAX_RECORDS_PER_JOB, formatReport, runBackfill } from './run';
import { SalesforceClient, type SalesforceSession } from './salesforce';

export const BACKFILL_USAGE = `npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run] [options]

Imports Rinkel calls from a period as Tasks (upsert on Rinkel_Call_Id__c through Bulk API 2.0).
Calls that already have a Task are updated, never duplicated.

Options:
  --since <date>         start: YYYY-MM-DD (00:00 UTC) or an ISO date-time (required)
  --until <date>         end: YYYY-MM-DD (end of that day, UTC) or an ISO date-time (default: now)
  --resume               continue after the last completed Bulk API job of the previous run
  --dry-run              read Rinkel and the org, write nothing, report what would happen
  --target-org <alias>   org to import into (default: ${DEFAULT_SCRATCH_ALIAS}); its session comes from sf
  --state-file <path>    resume point (default: ${BACKFILL_STATE_DIR}/<alias>.json)
  --per-job <n>          calls per Bulk API job (default: ${DEFAULT_MAX_RECORDS_PER_JOB})
  -h, --help             show this help

Environment:
  RINKEL_API_KEY                                    Rinkel API key (required)
  RINKEL_API_BASE_URL                               override the Rinkel API URL (tests)
  SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN  use this session instead of sf (CI)`;

export interface BackfillCliOptions {
  help: boolean;
  since?: Date;
  until?: Date;
  resume: boolean;
  dryRun: boolean;
  targetOrg: string;
  statePath: string;
  perJob: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDate(value: string, name: string, endOfDay: boolean): Date {
  const text = DAY.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : value;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new ConfigError(
      `--${name} ${value} is not a date.`,
      'Use YYYY-MM-DD (e.g. 2026-01-31) or an ISO date-time (2026-01-31T08:00:00Z).'
    );
  }
  return date;
}

export function parseBackfillArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
  projectRoot: string
): BackfillCliOptions {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        resume: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'target-org': { type: 'string', short: 'o' },
        'state-file': { type: 'string' },
        'per-job': { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }));
  } catch (error) {
    throw new ConfigError(
      error instanceof Error ? error.message : String(error),
      `Usage: ${BACKFILL_USAGE}`
    );
  }
  const str = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const targetOrg = str('target-org') ?? env.SF_TARGET_ORG ?? DEFAULT_SCRATCH_ALIAS;
  const options: BackfillCliOptions = {
    help: values.help === true,
    resume: values.resume === true,
    dryRun: values['dry-run'] === true,
    targetOrg,
    statePath: path.resolve(
      projectRoot,
      str('state-file') ?? path.join(BACKFILL_STATE_DIR, stateFileName(targetOrg))
    ),
    perJob: DEFAULT_MAX_RECORDS_PER_JOB
  };
  if (options.help) {
    return options;
  }
  const since = str('since');
  if (!since) {
    throw new ConfigError('--since is required.', `Usage: ${BACKFILL_USAGE}`);
  }
  options.since = parseDate(since, 'since', false);
  const until = str('until');
  options.until = until ? parseDate(until, 'until', true) : undefined;
  if (options.until && options.until <= options.since) {
    throw new ConfigError('--until must be after --since.', 'Swap the two dates.');
  }
  const perJob = str('per-job');
  if (perJob !== undefined) {
    const n = Number(perJob);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
      throw new ConfigError(
        `--per-job ${perJob} is not a count between 1 and 1000000.`,
        'Leave it out.'
      );
    }
    options.perJob = n;
  }
  return options;
}

async function session(
  options: BackfillCliOptions,
  env: NodeJS.ProcessEnv,
  projectRoot: string
): Promise<SalesforceSession> {
  const instanceUrl = env.SALESFORCE_INSTANCE_URL?.trim();
  const accessToken = env.SALESFORCE_ACCESS_TOKEN?.trim();
  if (instanceUrl && accessToken) {
    return { instanceUrl, accessToken, apiVersion: env.SALESFORCE_API_VERSION?.trim() || '68.0' };
  }
  const org = await Org.open(new SfCli({ projectRoot, env }), options.targetOrg);
  return {
    instanceUrl: org.info.instanceUrl,
    accessToken: org.accessToken,
    apiVersion: org.info.apiVersion
  };
}

export async function backfillMain(
  argv: string[],
  context: { projectRoot: string; env: NodeJS.ProcessEnv; logger: Logger }
): Promise<number> {
  const { projectRoot, env, logger } = context;
  const options = parseBackfillArgs(argv, env, projectRoot);
  if (options.help || !options.since) {
    logger.info(BACKFILL_USAGE);
    return 0;
  }
  const apiKey = requireApiKey(env);
  logger.addSecret(apiKey);
  const sf = await session(options, env, projectRoot);
  logger.addSecret(sf.accessToken);
  const rinkel = new RinkelApiClient({
    apiKey,
    baseUrl: rinkelBaseUrl(env),
    onRetry: (info) => logger.warn(`Rinkel retry ${info.attempt}: ${info.reason}`)
  });
  const report = await runBackfill(
    {
      since: options.since,
      until: options.until,
      resume: options.resume,
      dryRun: options.dryRun,
      statePath: options.statePath,
      maxRecordsPerJob: options.perJob
    },
    {
      rinkel,
      salesforce: new SalesforceClient(sf),
      labels: loadLabels(projectRoot),
      log: (line) => logger.info(line)
    }
  );
  for (const line of formatReport(report)) {
    logger.info(line);
  }
  return report.failed > 0 ? 1 : 0;
}
