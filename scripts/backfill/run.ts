// Imports historical Rinkel calls as Tasks: pages through GET /call-detail-records (a few pages in
// flight at once), maps each call with the shared mapping (scripts/twin, the same vectors as
// CallTaskMapper.cls), looks up numbers, owners and existing Tasks once per Bulk job's worth of
// calls, and upserts the Tasks on Rinkel_Call_Id__c through Bulk API 2.0 ingest jobs whose CSV is
// streamed to Salesforce.
//
// The state file names the first page not yet in a completed job. It moves only after a job's
// results were read, and is written at the start, on every failure and on Ctrl-C, so `--resume`
// always has a place to continue from and never skips a page that was not read.

import { Readable } from 'node:stream';
import { mapCdr, type ExistingCallTask, type LabelCatalog } from '../twin';
import type { CallDetailRecordPage } from '../clients/rinkel-api';
import type { JobResults, JobState } from '../clients/salesforce';
import { csvRow } from './csv';
import {
  OrgLookups,
  readSettings,
  type CallKey,
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
/** Bulk API 2.0 takes up to 150 MB per job upload (after base64); stay well below. */
export const DEFAULT_MAX_BYTES_PER_JOB = 100 * 1024 * 1024;
export const DEFAULT_MAX_RECORDS_PER_JOB = 10_000;
export const DEFAULT_PER_PAGE = 50;
/** Rinkel pages in flight at once; lowered by one on every 429 during a run. */
export const DEFAULT_RINKEL_CONCURRENCY = 4;
const MAX_FAILURES_LISTED = 50;

/**
 * The heap cap `npm run backfill` runs with (package.json). The working set is one job's calls
 * (some tens of MB); without a cap V8 lets garbage pile up the longer a run takes (peak RSS 1.9×
 * for 100,000 calls against 10,000), with it the collector runs before the heap grows.
 */
export const BACKFILL_HEAP_FLAG = '--max-old-space-size=256';
const PROGRESS_EVERY_MS = 2_000;

export interface RinkelPages {
  listCallDetailRecordsPage(options: {
    startDate: Date;
    endDate?: Date;
    page: number;
    perPage?: number;
  }): Promise<CallDetailRecordPage>;
}

/** The org side of the backfill (clients/salesforce.ts OrgData; loopback fakes in tests). */
export interface BulkIngest extends QueryClient {
  createUpsertJob(object: string, externalIdFieldName: string): Promise<string>;
  upload(jobId: string, csv: Readable): Promise<void>;
  close(jobId: string): Promise<void>;
  abort(jobId: string): Promise<void>;
  wait(jobId: string): Promise<JobState>;
  results(jobId: string): Promise<JobResults>;
}

/** How many Rinkel requests may be in flight; shared with the client's retry hook. */
export class ConcurrencyLimit {
  constructor(public current: number) {}

  /** Rinkel said 429: one request fewer from now on (never below one). */
  onRateLimited(): void {
    this.current = Math.max(1, this.current - 1);
  }
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
  /** Stops the run between requests: open jobs are aborted, the state is saved. */
  signal?: AbortSignal;
  /** Up to this many records with a number are read once as an index (lookups.ts INDEX_LIMIT). */
  lookupIndexLimit?: number;
  /** How to run the command again, for the resume hint (e.g. "npm run backfill -- --target-org prod"). */
  command?: string;
}

export interface BackfillDeps {
  rinkel: RinkelPages;
  salesforce: BulkIngest;
  labels: LabelCatalog;
  log: (line: string) => void;
  rinkelLimit?: ConcurrencyLimit;
  now?: () => Date;
  /** Milliseconds, for progress and ETA. */
  clock?: () => number;
}

export interface BackfillFailure {
  callId: string;
  error: string;
}

export interface BackfillReport extends BackfillTotals {
  dryRun: boolean;
  pages: number;
  /** Pages Rinkel reports for the window. */
  totalPages: number | null;
  jobs: string[];
  /** How often each Bulk API error occurred. */
  failureReasons: Record<string, number>;
  /** The first failed rows with their reason. */
  failures: BackfillFailure[];
}

/** A backfill problem the admin can fix; `fix` says how. */
export class BackfillError extends Error {
  override readonly name = 'BackfillError';
  constructor(
    message: string,
    readonly fix: string,
    readonly exitCode = 1
  ) {
    super(message);
  }
}

class Interrupted extends Error {}

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

function resumeArgs(state: Pick<BackfillState, 'since' | 'until'>): string {
  return `--since ${state.since} --until ${state.until} --resume`;
}

function startState(options: BackfillOptions, now: Date): BackfillState {
  if (!options.resume || options.dryRun) {
    return freshState(options, now);
  }
  const saved = readState(options.statePath);
  const command = options.command ?? 'npm run backfill --';
  if (!saved) {
    throw new BackfillError(
      `--resume: there is nothing to resume, no state file at ${options.statePath}.`,
      `Start without --resume (\`${command} --since ${options.since.toISOString().slice(0, 10)}\`); a backfill saves its place as soon as it starts, so a stopped one can be resumed.`,
      2
    );
  }
  if (
    saved.since !== options.since.toISOString() ||
    (options.until && saved.until !== options.until.toISOString())
  ) {
    throw new BackfillError(
      `--resume: ${options.statePath} is a backfill of ${saved.since} → ${saved.until}, not of these dates.`,
      `Resume that one with \`${command} ${resumeArgs(saved)}\`, or start this period without --resume.`,
      2
    );
  }
  return saved;
}

/** Rows of one job's worth of calls, with what the rows will do. */
interface ChunkRows {
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
   * One CSV row per call: a call listed twice (pages shift while calls end during the run) must
   * not become two rows of one upsert, which fails both.
   */
  async build(records: Record<string, unknown>[]): Promise<ChunkRows> {
    const rows: ChunkRows = { lines: [], created: 0, updated: 0, unmatched: 0, skipped: 0 };
    const usable = new Map<string, Record<string, unknown>>();
    for (const cdr of records) {
      const callId = typeof cdr.callId === 'string' ? cdr.callId.trim() : '';
      if (!callId || !this.inWindow(cdr) || usable.has(callId)) {
        rows.skipped++;
      } else {
        usable.set(callId, cdr);
      }
    }
    if (usable.size === 0) {
      return rows;
    }
    const keys: CallKey[] = [...usable.entries()].map(([callId, cdr]) => {
      const started = typeof cdr.date === 'string' ? Date.parse(cdr.date) : NaN;
      return { callId, startedAt: Number.isNaN(started) ? null : started };
    });
    const existing = await this.lookups.existingTasks(keys);
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
    usable.clear();
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

/**
 * Rinkel's pages in order, with up to `limit.current` requests in flight ahead of the reader.
 * Pages ahead are bounded, so memory does not grow with the window.
 */
class PageFeed {
  private readonly pending = new Map<number, Promise<CallDetailRecordPage>>();
  private next: number;
  private lastPage: number | null = null;

  constructor(
    private readonly rinkel: RinkelPages,
    private readonly state: BackfillState,
    first: number,
    private readonly limit: ConcurrencyLimit
  ) {
    this.next = first;
  }

  get totalPages(): number | null {
    return this.lastPage;
  }

  private start(page: number): void {
    if (this.pending.has(page)) return;
    const request = this.rinkel.listCallDetailRecordsPage({
      startDate: new Date(this.state.since),
      endDate: new Date(this.state.until),
      page,
      perPage: this.state.perPage
    });
    // A page fetched ahead may fail while nobody awaits it yet; the reader sees it when it gets there.
    request.catch(() => undefined);
    this.pending.set(page, request);
  }

  /** The next page, or undefined past the last one. */
  async read(): Promise<CallDetailRecordPage | undefined> {
    if (this.lastPage !== null && this.next > this.lastPage) return undefined;
    this.start(this.next);
    if (this.lastPage !== null) {
      for (let p = this.next + 1; p < this.next + this.limit.current && p <= this.lastPage; p++) {
        this.start(p);
      }
    }
    const page = await (this.pending.get(this.next) as Promise<CallDetailRecordPage>);
    this.pending.delete(this.next);
    this.lastPage = page.hasNextPage ? Math.max(page.totalPages, page.page + 1) : page.page;
    this.next++;
    return page;
  }

  /** Drops the pages fetched ahead (after a failure or Ctrl-C). */
  discard(): void {
    this.pending.clear();
  }
}

function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Runs the backfill; resolves with the final report. */
export async function runBackfill(
  options: BackfillOptions,
  deps: BackfillDeps
): Promise<BackfillReport> {
  const now = deps.now?.() ?? new Date();
  const clock = deps.clock ?? (() => performance.now());
  const state = startState(options, now);
  const report: BackfillReport = {
    ...state.totals,
    dryRun: options.dryRun,
    pages: 0,
    totalPages: null,
    jobs: [...state.jobs],
    failureReasons: {},
    failures: []
  };
  if (state.done) {
    deps.log(`Nothing to do: ${options.statePath} says this backfill is complete.`);
    return report;
  }
  const save = (): void => {
    if (options.dryRun) return;
    state.jobs = [...report.jobs];
    state.updatedAt = (deps.now?.() ?? new Date()).toISOString();
    writeState(options.statePath, state);
  };
  // Saved before the first request: a run stopped at any point can be resumed.
  save();
  const command = options.command ?? 'npm run backfill --';
  const signal = options.signal;
  const stopIfAsked = (): void => {
    if (signal?.aborted) throw new Interrupted();
  };
  const feed = new PageFeed(
    deps.rinkel,
    state,
    state.nextPage,
    deps.rinkelLimit ?? new ConcurrencyLimit(DEFAULT_RINKEL_CONCURRENCY)
  );
  let openJob: string | undefined;
  let page = state.nextPage;
  const firstPage = state.nextPage;
  try {
    const settings = await readSettings(deps.salesforce);
    const lookups = new OrgLookups(deps.salesforce, settings, options.lookupIndexLimit);
    const mode = await lookups.prepare();
    const builder = new RowBuilder(
      lookups,
      settings,
      deps.labels,
      { since: Date.parse(state.since), until: Date.parse(state.until) },
      options.timeZone
    );
    const maxRecords = options.maxRecordsPerJob ?? DEFAULT_MAX_RECORDS_PER_JOB;
    const maxBytes = options.maxBytesPerJob ?? DEFAULT_MAX_BYTES_PER_JOB;
    const header = csvRow([...TASK_COLUMNS]);
    deps.log(
      `Backfill ${state.since} → ${state.until}${options.dryRun ? ' (dry run: nothing is written)' : ''}, from page ${state.nextPage}; numbers looked up ${mode === 'index' ? 'in one read of the org' : 'per job'}.`
    );
    const started = clock();
    let lastProgress = started;
    const progress = (force: boolean): void => {
      const at = clock();
      if (!force && at - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = at;
      const total = feed.totalPages;
      const done = page - 1;
      const read = done - firstPage + 1;
      const rate = read / Math.max(1, at - started);
      const eta = total !== null && rate > 0 ? ` · ETA ${duration((total - done) / rate)}` : '';
      const share = total ? ` (${Math.floor((done / total) * 100)}%)` : '';
      deps.log(
        `  pages ${done}/${total ?? '?'}${share} · ${report.listed + listedInChunk} calls listed${eta}`
      );
    };
    let listedInChunk = 0;
    let ended = false;
    while (!ended) {
      // One job's worth of calls (bounded: the same memory for any window).
      let chunk: Record<string, unknown>[] = [];
      listedInChunk = 0;
      while (chunk.length < maxRecords) {
        stopIfAsked();
        const current = await untilAborted(feed.read(), signal);
        if (!current) {
          ended = true;
          break;
        }
        report.totalPages = feed.totalPages;
        for (const record of current.records) chunk.push(record);
        listedInChunk += current.records.length;
        report.pages++;
        page = current.page + 1;
        progress(false);
        if (!current.hasNextPage) {
          ended = true;
          break;
        }
      }
      const rows = await builder.build(chunk);
      chunk = [];
      report.listed += listedInChunk;
      report.skipped += rows.skipped;
      listedInChunk = 0;
      if (options.dryRun) {
        report.created += rows.created;
        report.updated += rows.updated;
        report.unmatched += rows.unmatched;
      } else {
        // Split by size: Bulk API refuses an upload over its limit.
        let from = 0;
        while (from < rows.lines.length) {
          let bytes = header.length;
          let to = from;
          while (
            to < rows.lines.length &&
            (to === from || bytes + rows.lines[to]!.length <= maxBytes)
          ) {
            bytes += Buffer.byteLength(rows.lines[to]!);
            to++;
          }
          const lines = rows.lines.slice(from, to);
          from = to;
          stopIfAsked();
          const jobId = await deps.salesforce.createUpsertJob('Task', 'Rinkel_Call_Id__c');
          openJob = jobId;
          deps.log(`Bulk job ${jobId}: uploading ${lines.length} calls…`);
          await deps.salesforce.upload(jobId, csvStream(header, lines, signal));
          stopIfAsked();
          await deps.salesforce.close(jobId);
          // Handed to Salesforce: it will run whatever happens here, so it is waited for and
          // counted even after Ctrl-C.
          openJob = undefined;
          const info = await deps.salesforce.wait(jobId);
          if (info.state !== 'JobComplete') {
            throw new BackfillError(
              `Bulk job ${jobId} ended ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}.`,
              'See Setup → Bulk Data Load Jobs for the job; fix the cause (a lock, a validation rule, a limit), then resume.'
            );
          }
          const outcome = countResults(await deps.salesforce.results(jobId), report);
          report.jobs.push(jobId);
          deps.log(
            `Bulk job ${jobId}: ${outcome.created} created, ${outcome.updated} updated, ${outcome.failed} failed.`
          );
        }
      }
      // Every page up to here is in a completed job: only now does the resume point move.
      state.nextPage = page;
      state.done = ended;
      state.totals = {
        listed: report.listed,
        created: report.created,
        updated: report.updated,
        unmatched: report.unmatched,
        failed: report.failed,
        skipped: report.skipped
      };
      save();
      progress(true);
    }
  } catch (error) {
    feed.discard();
    let aborted = '';
    if (openJob) {
      const jobId = openJob;
      await deps.salesforce.abort(jobId).then(
        () =>
          (aborted = ` Bulk job ${jobId} was aborted before Salesforce ran it: none of its rows were written.`),
        () =>
          (aborted = ` Bulk job ${jobId} could not be aborted: abort it in Setup → Bulk Data Load Jobs.`)
      );
    }
    save();
    const where = `Stopped before page ${state.nextPage}${report.totalPages ? ` of ${report.totalPages}` : ''}; the place is saved in ${options.statePath}.`;
    const resume = `\`${command} ${resumeArgs(state)}\``;
    if (error instanceof Interrupted || signal?.aborted) {
      throw new BackfillError(`Interrupted.${aborted} ${where}`, `Resume with ${resume}.`, 130);
    }
    const fix = (error as { fix?: unknown } | null)?.fix;
    const message = error instanceof Error ? error.message : String(error);
    throw new BackfillError(
      `${message}${aborted} ${where}`,
      `${typeof fix === 'string' ? `${fix} ` : ''}Then resume with ${resume}.`
    );
  }
  return report;
}

/** The promise's value, or Interrupted as soon as the run is stopped (Ctrl-C while waiting). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => reject(new Interrupted());
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    );
  });
}

/** The job's CSV as a stream, produced while it is sent; ends early when the run is stopped. */
function csvStream(header: string, lines: string[], signal?: AbortSignal): Readable {
  function* produce(): Generator<string> {
    yield header;
    for (let i = 0; i < lines.length; i += 500) {
      // Ends the upload early (an error would not reach jsforce through pipe()); the job is then
      // aborted before it is closed, so Salesforce never runs the partial upload.
      if (signal?.aborted) return;
      yield lines.slice(i, i + 500).join('');
    }
  }
  return Readable.from(produce(), { objectMode: false });
}

/** Counts the job's rows from Bulk API's own results; failed rows keep their reason. */
function countResults(
  results: JobResults,
  report: BackfillReport
): { created: number; updated: number; failed: number } {
  const outcome = { created: 0, updated: 0, failed: 0 };
  for (const row of results.successful) {
    if (row.sf__Created === 'true') {
      outcome.created++;
      report.unmatched += row.Rinkel_Match_Status__c === 'Unmatched' ? 1 : 0;
    } else {
      outcome.updated++;
    }
  }
  const fail = (callId: string, reason: string): void => {
    outcome.failed++;
    report.failureReasons[reason] = (report.failureReasons[reason] ?? 0) + 1;
    if (report.failures.length < MAX_FAILURES_LISTED) {
      report.failures.push({ callId, error: reason });
    }
  };
  for (const row of results.failed) {
    fail(row.Rinkel_Call_Id__c ?? '', row.sf__Error || 'Unknown error');
  }
  for (const row of results.unprocessed) {
    fail(
      row.Rinkel_Call_Id__c ?? '',
      'Not processed by Salesforce (the job stopped before this row)'
    );
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
