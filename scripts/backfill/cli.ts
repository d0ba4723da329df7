// npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run]: argument parsing and
// wiring (Rinkel client, org session, labels) around ./run.

import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  DEFAULT_SCRATCH_ALIAS,
  requireApiKey,
  rinkelBaseUrl,
  rinkelTimeoutMs
} from '../core/config';
import type { Logger } from '../core/log';
import { loadLabels } from '../twin';
import { OrgData, openOrg } from '../clients/salesforce';
import { RinkelApiClient } from '../clients/rinkel-api';
import { BACKFILL_STATE_DIR, stateFileName } from '../core/secret';
import {
  ConcurrencyLimit,
  DEFAULT_MAX_RECORDS_PER_JOB,
  DEFAULT_RINKEL_CONCURRENCY,
  formatReport,
  runBackfill
} from './run';

export const BACKFILL_USAGE = `npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run] [options]

Imports Rinkel calls from a period as Tasks (upsert on Rinkel_Call_Id__c through Bulk API 2.0).
Calls that already have a Task are updated, never duplicated.

Options:
  --since <date>         start: YYYY-MM-DD (00:00 UTC) or an ISO date-time (required)
  --until <date>         end: YYYY-MM-DD (end of that day, UTC) or an ISO date-time (default: now)
  --resume               continue after the last completed Bulk API job of the previous run
  --dry-run              read Rinkel and the org, write nothing, report what would happen
  --target-org <alias>   org to import into (default: ${DEFAULT_SCRATCH_ALIAS}); its login comes from the sf CLI
  --state-file <path>    resume point (default: ${BACKFILL_STATE_DIR}/<alias>.json)
  --per-job <n>          calls per Bulk API job (default: ${DEFAULT_MAX_RECORDS_PER_JOB})
  --rinkel-concurrency <n>  Rinkel pages fetched at once (default: ${DEFAULT_RINKEL_CONCURRENCY}; one fewer after every 429)
  -h, --help             show this help

Environment:
  RINKEL_API_KEY                                    Rinkel API key (required)
  RINKEL_API_BASE_URL                               override the Rinkel API URL (tests)
  RINKEL_API_TIMEOUT_SECONDS                        how long one Rinkel call may take (default 30)
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
  rinkelConcurrency: number;
  /** --target-org was not given. */
  defaultOrg: boolean;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDate(value: string, name: string, endOfDay: boolean): Date {
  const fix = 'Use YYYY-MM-DD (e.g. 2026-01-31) or an ISO date-time (2026-01-31T08:00:00Z).';
  const parts = DAY.exec(value) ?? DATE_TIME.exec(value);
  if (!parts) {
    throw new ConfigError(`--${name} ${value} is not a date.`, fix);
  }
  const text = DAY.test(value) ? `${value}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : value;
  const date = new Date(text);
  // Date rolls 2026-02-30 over to March 2nd; a day that does not exist is a typo.
  const [, year, month, day] = parts;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    Number.isNaN(date.getTime()) ||
    calendar.getUTCMonth() !== Number(month) - 1 ||
    calendar.getUTCDate() !== Number(day)
  ) {
    throw new ConfigError(`--${name} ${value} is not a day of the calendar.`, fix);
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
        'rinkel-concurrency': { type: 'string' },
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
  const explicitOrg = str('target-org') ?? env.SF_TARGET_ORG?.trim();
  const targetOrg = explicitOrg || DEFAULT_SCRATCH_ALIAS;
  const options: BackfillCliOptions = {
    help: values.help === true,
    resume: values.resume === true,
    dryRun: values['dry-run'] === true,
    targetOrg,
    statePath: path.resolve(
      projectRoot,
      str('state-file') ?? path.join(BACKFILL_STATE_DIR, stateFileName(targetOrg))
    ),
    perJob: DEFAULT_MAX_RECORDS_PER_JOB,
    rinkelConcurrency: DEFAULT_RINKEL_CONCURRENCY,
    defaultOrg: !explicitOrg
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
    throw new ConfigError(
      `--until ${until ?? ''} is not after --since ${since}.`,
      'Swap the two dates (--since is the first day, --until the last).'
    );
  }
  const today = new Date();
  if (options.since > today) {
    throw new ConfigError(
      `--since ${since} is in the future; there are no calls to import yet.`,
      `Give a day up to today (${today.toISOString().slice(0, 10)}).`
    );
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
  const concurrency = str('rinkel-concurrency');
  if (concurrency !== undefined) {
    const n = Number(concurrency);
    if (!Number.isInteger(n) || n < 1 || n > 16) {
      throw new ConfigError(
        `--rinkel-concurrency ${concurrency} is not a count between 1 and 16.`,
        `Leave it out (${DEFAULT_RINKEL_CONCURRENCY}).`
      );
    }
    options.rinkelConcurrency = n;
  }
  return options;
}

export async function backfillMain(
  argv: string[],
  context: {
    projectRoot: string;
    env: NodeJS.ProcessEnv;
    logger: Logger;
    /** Ctrl-C; the entry point wires SIGINT to it. */
    signal?: AbortSignal;
    /** Bulk job polling (tests shorten it). */
    pollInitialMs?: number;
    retryBaseDelayMs?: number;
  }
): Promise<number> {
  const { projectRoot, env, logger } = context;
  const options = parseBackfillArgs(argv, env, projectRoot);
  if (options.help || !options.since) {
    logger.info(BACKFILL_USAGE);
    return 0;
  }
  const apiKey = requireApiKey(env);
  logger.addSecret(apiKey);
  const login = { targetOrg: options.targetOrg, isDefault: options.defaultOrg, env };
  const org = await openOrg(login);
  logger.addSecret(org.accessToken);
  logger.info(`Org: ${org.username ?? options.targetOrg} at ${org.instanceUrl}`);
  const limit = new ConcurrencyLimit(options.rinkelConcurrency);
  const rinkel = new RinkelApiClient({
    apiKey,
    baseUrl: rinkelBaseUrl(env),
    timeoutMs: rinkelTimeoutMs(env),
    retryBaseDelayMs: context.retryBaseDelayMs,
    onRetry: (info) => {
      if (info.kind === 'rateLimited') limit.onRateLimited();
      logger.warn(`Rinkel retry ${info.attempt} in ${info.delayMs} ms: ${info.reason}`);
    }
  });
  const command = `npm run backfill --${options.defaultOrg ? '' : ` --target-org ${options.targetOrg}`}${argv.includes('--state-file') ? ` --state-file ${options.statePath}` : ''}`;
  const report = await runBackfill(
    {
      since: options.since,
      until: options.until,
      resume: options.resume,
      dryRun: options.dryRun,
      statePath: options.statePath,
      maxRecordsPerJob: options.perJob,
      signal: context.signal,
      command
    },
    {
      rinkel,
      salesforce: new OrgData(org, { initialMs: context.pollInitialMs }, login),
      labels: loadLabels(projectRoot),
      log: (line) => logger.info(line),
      rinkelLimit: limit
    }
  );
  for (const line of formatReport(report)) {
    logger.info(line);
  }
  return report.failed > 0 ? 1 : 0;
}
