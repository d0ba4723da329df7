// A fake Salesforce on 127.0.0.1 for the backfill, close enough to the real endpoints for
// @salesforce/core and jsforce to drive it: the version list (/services/data), REST queries with
// queryMore paging (2,000 records a page, nextRecordsUrl; just the statements the backfill sends),
// Bulk API 2.0 ingest jobs (create, one CSV upload, UploadComplete/Aborted, status polling,
// successfulResults, failedResults, unprocessedrecords) and single-record upserts for the naive
// baseline of the benchmark. Tasks are kept by Rinkel_Call_Id__c, so a second upsert of a call is
// an update, as in an org.
//
// Memory stays small for 100,000 rows: only call id, Task id, match status and start are kept.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CsvParser, csvRow } from '../backfill/csv';

export const FAKE_API_VERSION = '68.0';
/** Shaped like a real session id (org id, "!", token), as core expects of a bare access token. */
export const FAKE_ACCESS_TOKEN = '00D000000000001AAA!AQ4AQFakeBackfillSession.token0123456789';
const QUERY_PAGE = 2000;

interface StoredTask {
  id: string;
  matchStatus: string;
  whatId: string;
  /** Rinkel_Started_At__c, ms */
  startedAt: number;
}

interface Upsert {
  callId: string;
  matchStatus: string;
  whatId: string;
  startedAt: string;
}

interface Job {
  id: string;
  object: string;
  externalIdFieldName: string;
  state: string;
  polls: number;
  errorMessage?: string;
  uploadedBytes: number;
  /** Rows uploaded; processed only at UploadComplete, as Bulk API does. */
  pending: Upsert[];
  successes: { id: string; created: boolean; callId: string; matchStatus: string }[];
  failures: { callId: string; error: string }[];
}

export interface FakeWeborder {
  Id: string;
  Rinkel_Phone_E164__c: string;
  Status__c?: string;
}

export interface FakeBulkApiOptions {
  /** Job status polls answered InProgress before JobComplete. */
  pollsUntilComplete?: number;
  /** Bulk API's limit per job upload (150 MB); lower it to test the guard. */
  maxUploadBytes?: number;
  /** Added to every answer (the benchmark's network assumption). */
  latencyMs?: number;
}

function errorJson(res: ServerResponse, status: number, errorCode: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify([{ errorCode, message }]));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function inValues(soql: string, field: string): string[] {
  const match = new RegExp(`${field} IN \\(([^)]*)\\)`).exec(soql);
  if (!match?.[1]) return [];
  return [...match[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) =>
    (m[1] ?? '').replace(/\\(.)/g, '$1')
  );
}

export class FakeBulkApi {
  readonly tasks = new Map<string, StoredTask>();
  readonly jobs = new Map<string, Job>();
  weborders: FakeWeborder[] = [];
  /** Rinkel user id → Salesforce user id. */
  users = new Map<string, string>();
  /** The org's Rinkel_Setting__mdt Default record, when the test wants one. */
  settings?: Record<string, unknown>;
  /** Call ids whose rows fail, with the error Bulk API reports. */
  readonly rejectCallIds = new Map<string, string>();
  /** When set, the next job fails as a whole with this errorMessage (e.g. a lock or limit). */
  failNextJob?: string;
  requestCount = 0;
  /** The next answer to a query is cut off halfway (a broken 2xx). */
  truncateNextQuery = 0;
  /** Queries whose text matches fail with INVALID_TYPE (an object the org does not have). */
  failQueries?: RegExp;
  readonly username = 'admin@backfill.example';
  /** Every request with a session is refused as expired. */
  sessionExpired = false;
  private readonly cursors = new Map<string, Record<string, unknown>[]>();
  readonly requestsByRoute = new Map<string, number>();
  readonly queries: string[] = [];
  private server?: Server;
  private port = 0;
  private nextId = 1;
  private readonly pollsUntilComplete: number;
  private readonly maxUploadBytes: number;
  latencyMs: number;

  private constructor(options: FakeBulkApiOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    this.pollsUntilComplete = options.pollsUntilComplete ?? 1;
    this.maxUploadBytes = options.maxUploadBytes ?? 150 * 1024 * 1024;
  }

  static async start(options: FakeBulkApiOptions = {}): Promise<FakeBulkApi> {
    const fake = new FakeBulkApi(options);
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        errorJson(res, 500, 'UNKNOWN_EXCEPTION', String(error));
      });
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get instanceUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the backfill reads for a session made elsewhere (CI). */
  get env(): { SALESFORCE_INSTANCE_URL: string; SALESFORCE_ACCESS_TOKEN: string } {
    return {
      SALESFORCE_INSTANCE_URL: this.instanceUrl,
      SALESFORCE_ACCESS_TOKEN: FAKE_ACCESS_TOKEN
    };
  }

  get session(): { instanceUrl: string; accessToken: string; apiVersion: string } {
    return {
      instanceUrl: this.instanceUrl,
      accessToken: FAKE_ACCESS_TOKEN,
      apiVersion: FAKE_API_VERSION
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private newId(prefix: string): string {
    return `${prefix}${String(this.nextId++).padStart(15 - prefix.length, '0')}`;
  }

  private count(route: string): void {
    this.requestCount++;
    this.requestsByRoute.set(route, (this.requestsByRoute.get(route) ?? 0) + 1);
  }

  private async body(req: IncomingMessage): Promise<string> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return text;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const prefix = `/services/data/v${FAKE_API_VERSION}`;
    if (method === 'GET' && /^\/services\/data\/?$/.test(url.pathname)) {
      // Unauthenticated in an org too.
      this.count('versions');
      json(res, 200, [
        { label: "Spring '26", url: '/services/data/v66.0', version: '66.0' },
        {
          label: "Winter '27",
          url: `/services/data/v${FAKE_API_VERSION}`,
          version: FAKE_API_VERSION
        }
      ]);
      return;
    }
    if (this.sessionExpired || req.headers.authorization !== `Bearer ${FAKE_ACCESS_TOKEN}`) {
      this.count('unauthorized');
      errorJson(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      return;
    }
    // What core asks when a login is stored from an access token (sf org login access-token).
    if (method === 'GET' && url.pathname === '/services/oauth2/userinfo') {
      this.count('userinfo');
      json(res, 200, {
        user_id: '005000000000001AAA',
        organization_id: '00D000000000001AAA',
        preferred_username: this.username
      });
      return;
    }
    if (method === 'GET' && /^\/services\/data\/v[\d.]+\/sobjects\/User\/\w+$/.test(url.pathname)) {
      this.count('userinfo');
      json(res, 200, { Id: '005000000000001AAA', Username: this.username });
      return;
    }
    if (!url.pathname.startsWith(prefix)) {
      this.count('other');
      errorJson(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
      return;
    }
    const path = url.pathname.substring(prefix.length);
    const more = /^\/query\/([\w-]+)$/.exec(path);
    if (method === 'GET' && (path === '/query' || path === '/query/' || more)) {
      this.count('query');
      const soql = url.searchParams.get('q') ?? '';
      if (!more && this.failQueries?.test(soql)) {
        errorJson(
          res,
          400,
          'INVALID_TYPE',
          `sObject type in '${soql.slice(0, 40)}' is not supported.`
        );
        return;
      }
      const records = more
        ? (this.cursors.get(more[1] ?? '') ?? [])
        : this.query(url.searchParams.get('q') ?? '');
      if (more) this.cursors.delete(more[1] ?? '');
      const counting = !more && /SELECT COUNT\(\)/i.test(url.searchParams.get('q') ?? '');
      const page = records.slice(0, QUERY_PAGE);
      const rest = records.slice(QUERY_PAGE);
      let nextRecordsUrl: string | undefined;
      if (rest.length > 0) {
        const locator = `01gFAKE${this.nextId++}-${QUERY_PAGE}`;
        this.cursors.set(locator, rest);
        nextRecordsUrl = `${prefix}/query/${locator}`;
      }
      const body = {
        totalSize: records.length,
        done: rest.length === 0,
        ...(nextRecordsUrl ? { nextRecordsUrl } : {}),
        records: counting ? [] : page
      };
      if (this.truncateNextQuery > 0) {
        this.truncateNextQuery--;
        const text = JSON.stringify(body);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(text.slice(0, Math.floor(text.length / 2)));
        return;
      }
      json(res, 200, body);
      return;
    }
    const upsertOne = /^\/sobjects\/Task\/Rinkel_Call_Id__c\/(.+)$/.exec(path);
    if (method === 'PATCH' && upsertOne) {
      this.count('sobject-upsert');
      const fields = JSON.parse(await this.body(req)) as Record<string, unknown>;
      const callId = decodeURIComponent(upsertOne[1] ?? '');
      const text = (value: unknown): string => (typeof value === 'string' ? value : '');
      const outcome = this.upsertTask({
        callId,
        matchStatus: text(fields.Rinkel_Match_Status__c),
        whatId: text(fields.WhatId),
        startedAt: text(fields.Rinkel_Started_At__c)
      });
      if ('error' in outcome) {
        errorJson(res, 400, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', outcome.error);
        return;
      }
      json(res, outcome.created ? 201 : 200, {
        id: outcome.id,
        success: true,
        created: outcome.created,
        errors: []
      });
      return;
    }
    if (method === 'POST' && path === '/jobs/ingest') {
      this.count('job-create');
      this.createJob(JSON.parse(await this.body(req)) as Record<string, unknown>, res);
      return;
    }
    const jobPath =
      /^\/jobs\/ingest\/([^/]+)(?:\/(batches|successfulResults|failedResults|unprocessedrecords))?$/.exec(
        path
      );
    const job = jobPath ? this.jobs.get(jobPath[1] ?? '') : undefined;
    if (!jobPath || !job) {
      this.count('other');
      errorJson(res, 404, 'NOT_FOUND', `No route for ${method} ${path}`);
      return;
    }
    const part = jobPath[2];
    if (method === 'PUT' && part === 'batches') {
      this.count('job-upload');
      await this.upload(job, req, res);
    } else if (method === 'PATCH' && !part) {
      this.count('job-state');
      const { state } = JSON.parse(await this.body(req)) as { state?: string };
      if (state === 'UploadComplete' && job.state === 'Open') {
        job.state = 'UploadComplete';
        if (this.failNextJob) {
          job.state = 'Failed';
          job.errorMessage = this.failNextJob;
          this.failNextJob = undefined;
        } else {
          this.process(job);
        }
      } else if (
        state === 'Aborted' &&
        ['Open', 'UploadComplete', 'InProgress'].includes(job.state)
      ) {
        job.state = 'Aborted';
        job.pending = [];
      } else {
        errorJson(res, 400, 'INVALIDJOBSTATE', `Cannot change ${job.state} to ${state}`);
        return;
      }
      json(res, 200, this.info(job));
    } else if (method === 'GET' && !part) {
      this.count('job-status');
      if (job.state === 'UploadComplete' || job.state === 'InProgress') {
        job.polls++;
        job.state = job.polls > this.pollsUntilComplete ? 'JobComplete' : 'InProgress';
      }
      json(res, 200, this.info(job));
    } else if (method === 'GET' && part === 'successfulResults') {
      this.count('job-results');
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      res.write(csvRow(['sf__Id', 'sf__Created', 'Rinkel_Call_Id__c', 'Rinkel_Match_Status__c']));
      for (const s of job.successes)
        res.write(csvRow([s.id, String(s.created), s.callId, s.matchStatus]));
      res.end();
    } else if (method === 'GET' && part === 'failedResults') {
      this.count('job-results');
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      res.write(csvRow(['sf__Id', 'sf__Error', 'Rinkel_Call_Id__c']));
      for (const f of job.failures) res.write(csvRow(['', f.error, f.callId]));
      res.end();
    } else if (method === 'GET' && part === 'unprocessedrecords') {
      this.count('job-results');
      res.writeHead(200, { 'Content-Type': 'text/csv' });
      res.write(csvRow(['Rinkel_Call_Id__c']));
      res.end();
    } else {
      this.count('other');
      errorJson(res, 405, 'METHOD_NOT_ALLOWED', `${method} not allowed`);
    }
  }

  private query(soql: string): Record<string, unknown>[] {
    this.queries.push(soql);
    if (/FROM Rinkel_Setting__mdt/.test(soql)) {
      return this.settings ? [this.settings] : [];
    }
    if (/FROM Weborder__c/.test(soql)) {
      if (/Rinkel_Phone_E164__c != null/.test(soql)) {
        return this.weborders.map((w) => ({ ...w }));
      }
      const wanted = new Set(inValues(soql, 'Rinkel_Phone_E164__c'));
      return this.weborders
        .filter((w) => wanted.has(w.Rinkel_Phone_E164__c))
        .map((w) => ({ ...w }));
    }
    if (/FROM User/.test(soql)) {
      return inValues(soql, 'Rinkel_User_Id__c')
        .filter((id) => this.users.has(id))
        .map((id) => ({ Id: this.users.get(id), Rinkel_User_Id__c: id }));
    }
    if (/FROM Task/.test(soql)) {
      const range = /Rinkel_Started_At__c >= (\S+) AND Rinkel_Started_At__c <= (\S+)/.exec(soql);
      const row = (callId: string, task: StoredTask): Record<string, unknown> => ({
        Id: task.id,
        Rinkel_Call_Id__c: callId,
        Description: null
      });
      if (range) {
        const from = Date.parse(range[1] ?? '');
        const to = Date.parse(range[2] ?? '');
        const found: Record<string, unknown>[] = [];
        for (const [callId, task] of this.tasks) {
          if (task.startedAt >= from && task.startedAt <= to) found.push(row(callId, task));
        }
        return found;
      }
      return inValues(soql, 'Rinkel_Call_Id__c').flatMap((id) => {
        const task = this.tasks.get(id);
        return task ? [row(id, task)] : [];
      });
    }
    return [];
  }

  private createJob(input: Record<string, unknown>, res: ServerResponse): void {
    if (
      input.operation !== 'upsert' ||
      input.contentType !== 'CSV' ||
      typeof input.externalIdFieldName !== 'string'
    ) {
      errorJson(res, 400, 'INVALIDJOB', 'Only CSV upsert jobs with an external id are supported');
      return;
    }
    const job: Job = {
      id: this.newId('750'),
      object: String(input.object),
      externalIdFieldName: input.externalIdFieldName,
      state: 'Open',
      polls: 0,
      uploadedBytes: 0,
      pending: [],
      successes: [],
      failures: []
    };
    this.jobs.set(job.id, job);
    json(res, 200, this.info(job));
  }

  private async upload(job: Job, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (job.state !== 'Open') {
      errorJson(res, 400, 'INVALIDJOBSTATE', `Job is ${job.state}`);
      return;
    }
    if (!String(req.headers['content-type']).startsWith('text/csv')) {
      errorJson(res, 400, 'INVALID_CONTENT_TYPE', 'Expected text/csv');
      return;
    }
    const parser = new CsvParser();
    let header: string[] | undefined;
    const apply = (row: string[]): void => {
      if (!header) {
        header = row;
        return;
      }
      const at = (name: string): string => row[header?.indexOf(name) ?? -1] ?? '';
      job.pending.push({
        callId: at(job.externalIdFieldName),
        matchStatus: at('Rinkel_Match_Status__c'),
        whatId: at('WhatId'),
        startedAt: at('Rinkel_Started_At__c')
      });
    };
    const decoder = new TextDecoder();
    for await (const chunk of req) {
      job.uploadedBytes += (chunk as Buffer).length;
      if (job.uploadedBytes > this.maxUploadBytes) {
        errorJson(res, 400, 'EXCEEDED_QUOTA', 'Upload exceeds the maximum size of a job');
        req.destroy();
        return;
      }
      for (const row of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) apply(row);
    }
    for (const row of parser.end()) apply(row);
    res.writeHead(201);
    res.end();
  }

  private process(job: Job): void {
    const occurrences = new Map<string, number>();
    for (const row of job.pending) {
      occurrences.set(row.callId, (occurrences.get(row.callId) ?? 0) + 1);
    }
    for (const row of job.pending) {
      // Salesforce fails every row of an upsert chunk whose external id appears twice in it.
      const outcome =
        row.callId && (occurrences.get(row.callId) ?? 0) > 1
          ? { error: `DUPLICATE_VALUE:Duplicate external id specified: ${row.callId}:--` }
          : this.upsertTask(row);
      if ('error' in outcome) {
        job.failures.push({ callId: row.callId, error: outcome.error });
      } else {
        job.successes.push({
          id: outcome.id,
          created: outcome.created,
          callId: row.callId,
          matchStatus: row.matchStatus
        });
      }
    }
    job.pending = [];
  }

  private upsertTask(row: Upsert): { id: string; created: boolean } | { error: string } {
    const { callId, matchStatus, whatId } = row;
    if (!callId) {
      return { error: 'MISSING_ARGUMENT:Rinkel_Call_Id__c not specified' };
    }
    const rejection = this.rejectCallIds.get(callId);
    if (rejection) {
      return { error: rejection };
    }
    const startedAt = Date.parse(row.startedAt);
    const existing = this.tasks.get(callId);
    if (existing) {
      // Blank = unchanged, as Bulk API treats empty CSV values.
      if (matchStatus) existing.matchStatus = matchStatus;
      if (whatId) existing.whatId = whatId;
      if (!Number.isNaN(startedAt)) existing.startedAt = startedAt;
      return { id: existing.id, created: false };
    }
    const task = { id: this.newId('00T'), matchStatus, whatId, startedAt };
    this.tasks.set(callId, task);
    return { id: task.id, created: true };
  }

  private info(job: Job): Record<string, unknown> {
    return {
      id: job.id,
      object: job.object,
      operation: 'upsert',
      externalIdFieldName: job.externalIdFieldName,
      contentType: 'CSV',
      lineEnding: 'LF',
      state: job.state,
      numberRecordsProcessed: job.successes.length + job.failures.length,
      numberRecordsFailed: job.failures.length,
      ...(job.errorMessage ? { errorMessage: job.errorMessage } : {})
    };
  }
}
