// Imports historical Rinkel calls as Tasks: pages through GET /call-detail-records, maps each call
// with the shared mapping (scripts/twin, the same vectors as CallTaskMapper.cls), matches
// the numbers against the org in bulk per page, and upserts the Tasks on Rinkel_Call_Id__c through
// Bulk API 2.0 ingest jobs. Each job's CSV is streamed to Salesforce while the pages are fetched,
// so memory stays flat however many calls there are. The state file moves after every completed
// job; --resume continues from there.

import { mapCdr, type ExistingCallTask, type LabelCatalog } from '../twin';
import type { CallDetailRecordPage } from '../clients/rinkel-api';
import { csvRow } from './csv';
import {
  OrgLookups,
  readSettings,
  type Match,
  type MatchSettings,
  type QueryClient
} from './lookups';
import {
  emptyTotals,
  readState,
  writeState,
  type BackfillState,
  type BackfillTotals
} from './state';

export const TASK_COLUMNS = [
  'Rinkel_Call_Id__c',
  'Subject',
  'Description',
  'Status',
  'CallType',
  'CallDurationInSeconds',
  'CallDisposition',
  'ActivityDate',
  'TaskSubtype',
  'WhatId',
  'OwnerId',
  'Rinkel_Direction__c',
  'Rinkel_Status__c',
  'Rinkel_Missed_Reason__c',
  'Rinkel_External_Number__c',
  'Rinkel_External_Number_Display__c',
  'Rinkel_User_Id__c',
  'Rinkel_User_Name__c',
  'Rinkel_Recording_Id__c',
  'Rinkel_Recording_Available_Until__c',
  'Rinkel_Voicemail_Id__c',
  'Rinkel_AI_Summary__c',
  'Rinkel_Sentiment__c',
  'Rinkel_Topics__c',
  'Rinkel_Match_Status__c',
  'Rinkel_Match_Count__c',
  'Rinkel_Owner_Rule__c',
  'Rinkel_Started_At__c'
] as const;
type Column = (typeof TASK_COLUMNS)[number];

/** Bulk API 2.0 takes up to 150 MB per job (after base64); stay well below. */
export const DEFAULT_MAX_BYTES_PER_JOB = 100 * 1024 * 1024;
export const DEFAULT_MAX_RECORDS_PER_JOB = 10_000;
export const DEFAULT_PER_PAGE = 50;
const MAX_FAILURES_LISTED = 50;

export interface RinkelPages {
  listCallDetailRecordsPage(options: {
    startDate: Date;
    endDate?: Date;
    page: number;
    perPage?: number;
  }): Promise<CallDetailRecordPage>;
}

export interface BulkIngest extends QueryClient {
  requests: number;
  createUpsertJob(object: string, externalIdFieldName: string): Promise<string>;
  uploadCsv(jobId: string, csv: AsyncIterable<string>): Promise<void>;
  setJobState(jobId: string, state: 'UploadComplete' | 'Aborted'): Promise<void>;
  waitForJob(jobId: string): Promise<{ state: string; errorMessage?: string }>;
  results(
    jobId: string,
    kind: 'successfulResults' | 'failedResults'
  ): AsyncIterable<Record<string, string>>;
}

export interface BackfillOptions {
  since: Date;
  until?: Date;
  resume: boolean;
  dryRun: boolean;
  statePath: string;
  perPage?: number;
  maxRecordsPerJob?: number;
  maxBytesPerJob?: number;
  timeZone?: string;
}

export interface BackfillDeps {
  rinkel: RinkelPages;
  salesforce: BulkIngest;
  labels: LabelCatalog;
  log: (line: string) => void;
  now?: () => Date;
}

export interface BackfillFailure {
  callId: string;
  error: string;
}

export interface BackfillReport extends BackfillTotals {
  dryRun: boolean;
  pages: number;
  jobs: string[];
  /** How often each Bulk API error occurred. */
  failureReasons: Record<string, number>;
  /** The first failed rows with their reason. */
  failures: BackfillFailure[];
}

class BackfillError extends Error {
  override readonly name = 'BackfillError';
}

function freshState(options: BackfillOptions, now: Date): BackfillState {
  return {
    version: 1,
    since: options.since.toISOString(),
    until: (options.until ?? now).toISOString(),
    perPage: options.perPage ?? DEFAULT_PER_PAGE,
    nextPage: 1,
    done: false,
    jobs: [],
    totals: emptyTotals(),
    updatedAt: now.toISOString()
  };
}

function startState(options: BackfillOptions, now: Date): BackfillState {
  if (!options.resume || options.dryRun) {
    return freshState(options, now);
  }
  const saved = readState(options.statePath);
  if (!saved) {
    throw new BackfillError(
      `--resume: no state file at ${options.statePath}; start without --resume.`
    );
  }
  if (
    saved.since !== options.since.toISOString() ||
    (options.until && saved.until !== options.until.toISOString())
  ) {
    throw new BackfillError(
      `--resume: ${options.statePath} is for --since ${saved.since} --until ${saved.until}; pass the same dates or start without --resume.`
    );
  }
  return saved;
}

/** One page turned into CSV rows, with what the rows will do. */
interface PageRows {
  lines: string[];
  created: number;
  updated: number;
  unmatched: number;
  skipped: number;
}

class RowBuilder {
  constructor(
    private readonly lookups: OrgLookups,
    private readonly settings: MatchSettings,
    private readonly labels: LabelCatalog,
    private readonly window: { since: number; until: number },
    private readonly timeZone?: string
  ) {}

  private inWindow(cdr: Record<string, unknown>): boolean {
    const started = typeof cdr.date === 'string' ? Date.parse(cdr.date) : NaN;
    // Rinkel filters by startDate/endDate itself; this only guards against a lenient server.
    return Number.isNaN(started) || (started >= this.window.since && started <= this.window.until);
  }

  /**
   * @param inJob call ids already in the current job: a call listed twice (pages shift while calls
   *        end during the run) must not become two rows of one upsert, which fails both.
   */
  async build(records: Record<string, unknown>[], inJob: Set<string>): Promise<PageRows> {
    const rows: PageRows = { lines: [], created: 0, updated: 0, unmatched: 0, skipped: 0 };
    const usable = new Map<string, Record<string, unknown>>();
    for (const cdr of records) {
      const callId = typeof cdr.callId === 'string' ? cdr.callId.trim() : '';
      if (!callId || !this.inWindow(cdr) || inJob.has(callId)) {
        rows.skipped++;
      } else {
        if (usable.has(callId)) {
          rows.skipped++;
        }
        usable.set(callId, cdr);
      }
    }
    for (const callId of usable.keys()) {
      inJob.add(callId);
    }
    if (usable.size === 0) {
      return rows;
    }
    const existing = await this.lookups.existingTasks(usable.keys());
    const mapped = [...usable.entries()].map(([callId, cdr]) => {
      const stored: ExistingCallTask | undefined = existing.get(callId);
      return {
        isNew: stored === undefined,
        mapping: mapCdr(cdr, {
          labels: this.labels,
          language: this.settings.language,
          defaultCountry: this.settings.defaultCountry,
          timeZone: this.timeZone,
          existing: stored ?? null
        })
      };
    });
    const fresh = mapped.filter((m) => m.isNew);
    const matches = await this.lookups.matches(
      fresh
        .filter((m) => !m.mapping.anonymous)
        .map((m) => m.mapping.fields.Rinkel_External_Number__c ?? '')
    );
    const owners = await this.lookups.owners(
      fresh.map((m) => m.mapping.fields.Rinkel_User_Id__c ?? '')
    );
    for (const { isNew, mapping } of mapped) {
      const values: Partial<Record<Column, string | number | null>> = { ...mapping.fields };
      if (isNew) {
        // Link, owner and subtype are decided once, when the Task is created; an existing Task
        // keeps what the org decided (late re-match links it when a record gets its number).
        const phone = mapping.fields.Rinkel_External_Number__c;
        const match: Match = mapping.anonymous
          ? { whatId: null, status: 'Anonymous', count: 0 }
          : (matches.get(phone ?? '') ?? { whatId: null, status: 'Unmatched', count: 0 });
        const owner = owners.get(mapping.fields.Rinkel_User_Id__c ?? '');
        values.TaskSubtype = 'Call';
        values.WhatId = match.whatId;
        values.Rinkel_Match_Status__c = match.status;
        values.Rinkel_Match_Count__c = match.count;
        values.OwnerId = owner ?? null;
        values.Rinkel_Owner_Rule__c = owner ? 'RinkelUserId' : 'Fallback';
        rows.created++;
        rows.unmatched += match.status === 'Unmatched' ? 1 : 0;
      } else {
        rows.updated++;
      }
      rows.lines.push(csvRow(TASK_COLUMNS.map((column) => values[column] ?? null)));
    }
    return rows;
  }
}

/** Runs the backfill; resolves with the final report. */
export async function runBackfill(
  options: BackfillOptions,
  deps: BackfillDeps
): Promise<BackfillReport> {
  const now = deps.now?.() ?? new Date();
  const state = startState(options, now);
  const report: BackfillReport = {
    ...state.totals,
    dryRun: options.dryRun,
    pages: 0,
    jobs: [...state.jobs],
    failureReasons: {},
    failures: []
  };
  if (state.done) {
    deps.log(`Nothing to do: ${options.statePath} says this backfill is complete.`);
    return report;
  }
  const settings = await readSettings(deps.salesforce);
  const builder = new RowBuilder(
    new OrgLookups(deps.salesforce, settings),
    settings,
    deps.labels,
    { since: Date.parse(state.since), until: Date.parse(state.until) },
    options.timeZone
  );
  const maxRecords = options.maxRecordsPerJob ?? DEFAULT_MAX_RECORDS_PER_JOB;
  const maxBytes = options.maxBytesPerJob ?? DEFAULT_MAX_BYTES_PER_JOB;
  const header = csvRow([...TASK_COLUMNS]);
  deps.log(
    `Backfill ${state.since} → ${state.until}${options.dryRun ? ' (dry run: nothing is written)' : ''}, from page ${state.nextPage}.`
  );

  let page = state.nextPage;
  let more = true;
  while (more) {
    // One job: pages are fetched and turned into rows while the CSV streams to Salesforce.
    const first = await fetchPage(deps.rinkel, state, page);
    if (first.records.length === 0 && !first.hasNextPage) {
      more = false;
      break;
    }
    const job = {
      records: 0,
      bytes: header.length,
      created: 0,
      updated: 0,
      unmatched: 0,
      skipped: 0,
      listed: 0
    };
    const jobStartPage = page;
    const callIdsInJob = new Set<string>();
    async function* csv(): AsyncGenerator<string> {
      yield header;
      let current: CallDetailRecordPage | undefined = first;
      while (current) {
        const rows = await builder.build(current.records, callIdsInJob);
        report.pages++;
        job.listed += current.records.length;
        job.created += rows.created;
        job.updated += rows.updated;
        job.unmatched += rows.unmatched;
        job.skipped += rows.skipped;
        for (const line of rows.lines) {
          job.records++;
          job.bytes += Buffer.byteLength(line);
          yield line;
        }
        deps.log(
          `  page ${page}: ${current.records.length} calls (${report.listed + job.listed} listed so far)`
        );
        page++;
        more = current.hasNextPage;
        current =
          more && job.records < maxRecords && job.bytes < maxBytes
            ? await fetchPage(deps.rinkel, state, page)
            : undefined;
      }
    }
    if (options.dryRun) {
      for await (const chunk of csv()) {
        void chunk;
      }
      report.listed += job.listed;
      report.created += job.created;
      report.updated += job.updated;
      report.unmatched += job.unmatched;
      report.skipped += job.skipped;
      continue;
    }
    // A failure while producing the CSV reaches fetch only as "fetch failed"; keep the cause.
    let streamError: unknown;
    async function* guarded(): AsyncGenerator<string> {
      try {
        yield* csv();
      } catch (error) {
        streamError = error;
        throw error;
      }
    }
    const jobId = await deps.salesforce.createUpsertJob('Task', 'Rinkel_Call_Id__c');
    deps.log(`Bulk job ${jobId}: uploading from page ${jobStartPage}…`);
    try {
      await deps.salesforce.uploadCsv(jobId, guarded());
      if (job.records === 0) {
        await deps.salesforce.setJobState(jobId, 'Aborted');
        report.listed += job.listed;
        report.skipped += job.skipped;
        continue;
      }
      await deps.salesforce.setJobState(jobId, 'UploadComplete');
    } catch (error) {
      await deps.salesforce.setJobState(jobId, 'Aborted').catch(() => undefined);
      throw streamError ?? error;
    }
    const info = await deps.salesforce.waitForJob(jobId);
    if (info.state !== 'JobComplete') {
      throw new BackfillError(
        `Bulk job ${jobId} ended ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}. Fix the cause and rerun with --resume.`
      );
    }
    const outcome = await readResults(deps.salesforce, jobId, report);
    report.listed += job.listed;
    report.skipped += job.skipped;
    report.jobs.push(jobId);
    deps.log(
      `Bulk job ${jobId}: ${outcome.created} created, ${outcome.updated} updated, ${outcome.failed} failed.`
    );
    state.nextPage = page;
    state.done = !more;
    state.jobs = [...report.jobs];
    state.totals = {
      listed: report.listed,
      created: report.created,
      updated: report.updated,
      unmatched: report.unmatched,
      failed: report.failed,
      skipped: report.skipped
    };
    state.updatedAt = (deps.now?.() ?? new Date()).toISOString();
    writeState(options.statePath, state);
  }
  if (!options.dryRun) {
    state.done = true;
    state.nextPage = page;
    writeState(options.statePath, state);
  }
  return report;
}

async function fetchPage(
  rinkel: RinkelPages,
  state: BackfillState,
  page: number
): Promise<CallDetailRecordPage> {
  return rinkel.listCallDetailRecordsPage({
    startDate: new Date(state.since),
    endDate: new Date(state.until),
    page,
    perPage: state.perPage
  });
}

/** Counts the job's rows from Bulk API's own results; failed rows keep their reason. */
async function readResults(
  salesforce: BulkIngest,
  jobId: string,
  report: BackfillReport
): Promise<{ created: number; updated: number; failed: number }> {
  const outcome = { created: 0, updated: 0, failed: 0 };
  for await (const row of salesforce.results(jobId, 'successfulResults')) {
    if (row.sf__Created === 'true') {
      outcome.created++;
      report.unmatched += row.Rinkel_Match_Status__c === 'Unmatched' ? 1 : 0;
    } else {
      outcome.updated++;
    }
  }
  for await (const row of salesforce.results(jobId, 'failedResults')) {
    outcome.failed++;
    const reason = row.sf__Error || 'Unknown error';
    report.failureReasons[reason] = (report.failureReasons[reason] ?? 0) + 1;
    if (report.failures.length < MAX_FAILURES_LISTED) {
      report.failures.push({ callId: row.Rinkel_Call_Id__c ?? '', error: reason });
    }
  }
  report.created += outcome.created;
  report.updated += outcome.updated;
  report.failed += outcome.failed;
  return outcome;
}

/** The final report as lines for the terminal. */
export function formatReport(report: BackfillReport): string[] {
  const verb = report.dryRun ? 'would be ' : '';
  const lines = [
    report.dryRun ? 'Dry run — nothing was written.' : 'Backfill complete.',
    `  calls listed:   ${report.listed} (${report.pages} pages${report.skipped ? `, ${report.skipped} skipped: no call id, outside the window or listed twice` : ''})`,
    `  Tasks ${verb}created: ${report.created}`,
    `  Tasks ${verb}updated: ${report.updated}`,
    `  unmatched:      ${report.unmatched} (new Tasks without a record for their number; linked later when one gets it)`,
    `  failed:         ${report.failed}`
  ];
  for (const [reason, count] of Object.entries(report.failureReasons)) {
    lines.push(`    ${count}× ${reason}`);
  }
  for (const failure of report.failures) {
    lines.push(`    call ${failure.callId}: ${failure.error}`);
  }
  if (report.jobs.length > 0) {
    lines.push(`  Bulk API jobs:  ${report.jobs.join(', ')}`);
  }
  return lines;
}
