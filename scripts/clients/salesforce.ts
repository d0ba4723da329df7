// The org's data APIs, through @salesforce/core (the library the sf CLI is built on) and its
// jsforce Connection: the org's login comes from the sf CLI's own store (token refresh included),
// SOQL pages through queryMore, Bulk API 2.0 ingest jobs through jsforce's bulk2. What is ours is
// only what the libraries do not do: checking every answer against the shape we read, errors that
// name the fix, and polling a job with back-off (jsforce polls at a fixed interval).

import type { Readable } from 'node:stream';
import { AuthInfo, Connection, StateAggregator } from '@salesforce/core';
import type { IngestJobV2 } from '@jsforce/jsforce-node/lib/api/bulk2';
import type { Schema } from '@jsforce/jsforce-node';
import { isRecord, str } from '../core/json';

/** The newest API version the product is built and tested for. */
export const DEFAULT_API_VERSION = '68.0';

// Quiet by default: no log files under ~/.sf for every backfill run.
process.env.SF_DISABLE_LOG_FILE ??= 'true';

export type SalesforceErrorKind = 'login' | 'session' | 'unreachable' | 'malformed' | 'api';

export class SalesforceError extends Error {
  override readonly name = 'SalesforceError';
  constructor(
    readonly kind: SalesforceErrorKind,
    message: string,
    /** What the admin can do about it. */
    readonly fix: string,
    readonly errorCode?: string
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'malformed';
  }
}

export interface SalesforceLogin {
  /** --target-org (alias or username). */
  targetOrg: string;
  /** True when --target-org was not given and the default alias is used. */
  isDefault: boolean;
  env: NodeJS.ProcessEnv;
}

export interface OpenedOrg {
  connection: Connection;
  instanceUrl: string;
  /** Only for masking in output. */
  accessToken: string;
  username?: string;
}

function loginFix(login: SalesforceLogin): string {
  return [
    `Log in once with \`sf org login web --alias ${login.targetOrg}\``,
    login.isDefault
      ? ` (${login.targetOrg} is the default alias; name another org with --target-org <alias>)`
      : '',
    ', or set SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN for a session made elsewhere (CI).'
  ].join('');
}

/**
 * The org behind --target-org, from the sf CLI's auth store, or the session in
 * SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN. Nothing is sent to the org yet except the
 * version list (to pick the API version both sides know).
 */
export async function openOrg(login: SalesforceLogin): Promise<OpenedOrg> {
  const instanceUrl = login.env.SALESFORCE_INSTANCE_URL?.trim();
  const accessToken = login.env.SALESFORCE_ACCESS_TOKEN?.trim();
  let connection: Connection;
  if (instanceUrl || accessToken) {
    if (!instanceUrl || !accessToken) {
      throw new SalesforceError(
        'login',
        `Only ${instanceUrl ? 'SALESFORCE_INSTANCE_URL' : 'SALESFORCE_ACCESS_TOKEN'} is set; a session needs both.`,
        'Set both (e.g. from `sf org display --target-org <alias> --json`), or neither to use the sf CLI login.'
      );
    }
    try {
      new URL(instanceUrl);
    } catch {
      throw new SalesforceError(
        'login',
        `SALESFORCE_INSTANCE_URL "${instanceUrl}" is not a URL.`,
        'Give the org’s instance URL, e.g. https://acme.my.salesforce.com.'
      );
    }
    // An access token given as the username is how the sf CLI itself uses a bare session.
    const authInfo = await AuthInfo.create({
      username: accessToken,
      accessTokenOptions: { accessToken, instanceUrl, loginUrl: instanceUrl }
    }).catch((error: unknown) => {
      throw new SalesforceError(
        'session',
        `SALESFORCE_ACCESS_TOKEN is not a Salesforce session id (${messageOf(error)}).`,
        'Copy the accessToken of `sf org display --target-org <alias> --json` again (it starts with the org id and "!").'
      );
    });
    connection = await Connection.create({
      authInfo,
      connectionOptions: { version: await apiVersionOf(instanceUrl.replace(/\/+$/, '')) }
    });
  } else {
    let authInfo: AuthInfo;
    try {
      const aliases = (await StateAggregator.getInstance()).aliases;
      const username = aliases.resolveUsername(login.targetOrg) ?? login.targetOrg;
      authInfo = await AuthInfo.create({ username });
    } catch (error) {
      const name = str((error as { name?: unknown }).name) ?? '';
      throw new SalesforceError(
        'login',
        /NamedOrgNotFound|NoAuthInfoFound|AuthInfo|NoDefaultEnv|NoUsername/i.test(name)
          ? `The sf CLI has no login for org "${login.targetOrg}".`
          : `The sf CLI login for org "${login.targetOrg}" cannot be used (${messageOf(error)}).`,
        loginFix(login)
      );
    }
    const storedUrl = str(authInfo.getFields().instanceUrl) ?? '';
    // The stored login keeps its refresh token: core renews an expired session by itself.
    connection = await Connection.create({
      authInfo,
      connectionOptions: { version: await apiVersionOf(storedUrl.replace(/\/+$/, '')) }
    });
  }
  const opened: OpenedOrg = {
    connection,
    instanceUrl: connection.instanceUrl.replace(/\/+$/, ''),
    accessToken: connection.accessToken ?? '',
    username: connection.getUsername()
  };
  return opened;
}

/**
 * The API version both sides know, from the org's unauthenticated version list. Read here rather
 * than by core's retrieveMaxApiVersion because jsforce retries a refused connection five times
 * over 15 s in silence; one plain request names an unreachable instance at once.
 */
async function apiVersionOf(instanceUrl: string): Promise<string> {
  let versions: unknown;
  try {
    const response = await fetch(`${instanceUrl}/services/data`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(20_000)
    });
    versions = await response.json().catch(() => undefined);
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const name = str((error as { name?: unknown } | null)?.name);
    const detail =
      name === 'TimeoutError'
        ? 'no answer within 20 s'
        : (str(cause?.code) ?? str(cause?.message) ?? messageOf(error));
    throw new SalesforceError(
      'unreachable',
      `Could not reach the org at ${instanceUrl} (${detail}).`,
      'Check that URL (`sf org display --target-org <alias>` shows it; a deleted scratch org no longer answers) and the network or proxy, then retry.'
    );
  }
  const numbers = Array.isArray(versions)
    ? versions.flatMap((v) => (isRecord(v) && typeof v.version === 'string' ? [v.version] : []))
    : [];
  if (numbers.length === 0) {
    throw new SalesforceError(
      'unreachable',
      `${instanceUrl} does not answer like a Salesforce org (no API version list at /services/data).`,
      'Check the instance URL: it is the org’s own https://….my.salesforce.com, not a login, Site or Lightning URL.'
    );
  }
  const latest = numbers.reduce((a, b) => (Number(b) > Number(a) ? b : a));
  return Number(latest) < Number(DEFAULT_API_VERSION) ? latest : DEFAULT_API_VERSION;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Any failure of a call to the org as an error that names the fix. */
export function describeSalesforceError(
  error: unknown,
  org: { instanceUrl: string },
  login?: SalesforceLogin,
  what = 'The org'
): SalesforceError {
  if (error instanceof SalesforceError) return error;
  const fields = isRecord(error) ? error : {};
  const name = str(fields.name) ?? '';
  const code = str(fields.errorCode) ?? str(fields.code) ?? '';
  const message = messageOf(error);
  const text = `${name} ${code} ${message}`;
  if (/INVALID_SESSION_ID|INVALID_AUTH_HEADER|Session expired|invalid_grant|refresh/i.test(text)) {
    return new SalesforceError(
      'session',
      `${what} at ${org.instanceUrl} refused the session (${code || name || 'INVALID_SESSION_ID'}: ${message}).`,
      login
        ? `The login expired or the token is wrong: ${loginFix(login)}`
        : 'Log in again with `sf org login web --alias <alias>`.',
      code || undefined
    );
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|FetchError|socket hang up|DomainNotFound|DNS/i.test(
      text
    )
  ) {
    return new SalesforceError(
      'unreachable',
      `Could not reach the org at ${org.instanceUrl} (${code || message}).`,
      'Check that URL (`sf org display --target-org <alias>` shows the instance URL; a deleted scratch org no longer answers) and the network/proxy, then retry.',
      code || undefined
    );
  }
  return new SalesforceError(
    'api',
    `${what} answered an error: ${code ? `${code}: ` : ''}${message}`,
    'Read the error above: it names the object, field or permission that is missing.',
    code || undefined
  );
}

function malformed(what: string, problem: string): SalesforceError {
  return new SalesforceError(
    'malformed',
    `${what}: Salesforce answered with ${problem}.`,
    'Nothing was taken from that answer. Retry; if it persists, check the instance URL and any proxy between here and the org.'
  );
}

interface QueryPage {
  records: Record<string, unknown>[];
  done: boolean;
  totalSize: number;
  nextRecordsUrl?: string;
}

interface JobInfoShape {
  id: string;
  state: string;
  errorMessage?: unknown;
  numberRecordsProcessed?: unknown;
  numberRecordsFailed?: unknown;
}

export interface JobState {
  id: string;
  state: string;
  errorMessage?: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
}

export interface JobResults {
  successful: Record<string, string>[];
  failed: Record<string, string>[];
  unprocessed: Record<string, string>[];
}

export interface PollOptions {
  /** First wait between status checks; doubles up to maxMs. */
  initialMs?: number;
  maxMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const MALFORMED_RETRIES = 2;

/**
 * Queries and Bulk API 2.0 ingest jobs on one connection, with every answer checked: the backfill
 * reads only what these methods return.
 */
export class OrgData {
  private readonly jobs = new Map<string, IngestJobV2<Schema>>();
  private readonly poll: Required<PollOptions>;

  constructor(
    private readonly org: OpenedOrg,
    poll: PollOptions = {},
    private readonly login?: SalesforceLogin
  ) {
    this.poll = {
      initialMs: poll.initialMs ?? 500,
      maxMs: poll.maxMs ?? 10_000,
      timeoutMs: poll.timeoutMs ?? 30 * 60_000,
      sleep: poll.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    };
  }

  get connection(): Connection {
    return this.org.connection;
  }

  /** Runs one request; a 2xx that fails `check` is asked again, then is an error. */
  private async call<T>(
    what: string,
    run: () => PromiseLike<unknown>,
    check: (value: unknown) => string | undefined
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      let value: unknown;
      try {
        value = await run();
      } catch (error) {
        // jsforce fails on a body it cannot parse (a cut-off answer) with these, not an API error.
        const name = (error as { name?: unknown } | null)?.name;
        if ((name === 'SyntaxError' || name === 'TypeError') && attempt < MALFORMED_RETRIES) {
          continue;
        }
        if (name === 'SyntaxError' || name === 'TypeError') {
          throw malformed(what, `a body jsforce could not read (${messageOf(error)})`);
        }
        throw describeSalesforceError(error, this.org, this.login, what);
      }
      const problem = check(value);
      if (!problem) return value as T;
      if (attempt >= MALFORMED_RETRIES) throw malformed(what, problem);
    }
  }

  /** Every record of a SOQL query, one page (up to 2,000 records) at a time. */
  async *queryPages(
    soql: string,
    options: { tooling?: boolean } = {}
  ): AsyncGenerator<Record<string, unknown>[]> {
    const what = `SOQL ${soql.replace(/\s+/g, ' ').slice(0, 60)}…`;
    const api = options.tooling ? this.connection.tooling : this.connection;
    let page = await this.call<QueryPage>(
      what,
      () =>
        api.query<Record<string, unknown>>(soql, { autoFetch: false }).run({ autoFetch: false }),
      queryShape
    );
    for (;;) {
      yield page.records;
      if (page.done) return;
      const next = page.nextRecordsUrl ?? '';
      page = await this.call<QueryPage>(
        what,
        () => api.queryMore<Record<string, unknown>>(next),
        queryShape
      );
    }
  }

  async query(
    soql: string,
    options: { tooling?: boolean } = {}
  ): Promise<Record<string, unknown>[]> {
    const records: Record<string, unknown>[] = [];
    for await (const page of this.queryPages(soql, options)) records.push(...page);
    return records;
  }

  /** `SELECT COUNT() …`: the totalSize of the answer. */
  async count(soql: string): Promise<number> {
    const result = await this.call<QueryPage>(
      `SOQL ${soql.slice(0, 60)}…`,
      () => this.connection.query(soql, { autoFetch: false }).run({ autoFetch: false }),
      (r) =>
        isRecord(r) && typeof r.totalSize === 'number' ? undefined : 'an answer without totalSize'
    );
    return result.totalSize;
  }

  /** A Bulk API 2.0 upsert job for CSV with LF line endings; returns its id. */
  async createUpsertJob(object: string, externalIdFieldName: string): Promise<string> {
    const job = this.connection.bulk2.createJob({
      object,
      operation: 'upsert',
      externalIdFieldName,
      contentType: 'CSV',
      lineEnding: 'LF'
    });
    const info = await this.call<JobInfoShape>('Bulk API: create job', () => job.open(), jobShape);
    this.jobs.set(info.id, job);
    return info.id;
  }

  private job(jobId: string): IngestJobV2<Schema> {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`unknown Bulk job ${jobId}`);
    return job;
  }

  /** The job's one upload, sent while `csv` produces it (Bulk API takes one upload per job). */
  async upload(jobId: string, csv: Readable): Promise<void> {
    try {
      await this.job(jobId).uploadData(csv);
    } catch (error) {
      throw describeSalesforceError(error, this.org, this.login, `Bulk job ${jobId} upload`);
    }
  }

  async close(jobId: string): Promise<void> {
    await this.call(
      `Bulk job ${jobId}: UploadComplete`,
      () => this.job(jobId).close(),
      () => undefined
    );
  }

  async abort(jobId: string): Promise<void> {
    await this.call(
      `Bulk job ${jobId}: Aborted`,
      () => this.job(jobId).abort(),
      () => undefined
    );
  }

  async check(jobId: string): Promise<JobState> {
    const info = await this.call<JobInfoShape>(
      `Bulk job ${jobId} status`,
      () => this.job(jobId).check(),
      jobShape
    );
    return {
      id: jobId,
      state: info.state,
      errorMessage: str(info.errorMessage),
      numberRecordsProcessed: Number(info.numberRecordsProcessed ?? 0),
      numberRecordsFailed: Number(info.numberRecordsFailed ?? 0)
    };
  }

  /** Polls with back-off until the job is JobComplete, Failed or Aborted. */
  async wait(jobId: string): Promise<JobState> {
    const deadline = Date.now() + this.poll.timeoutMs;
    let delay = this.poll.initialMs;
    for (;;) {
      const info = await this.check(jobId);
      if (['JobComplete', 'Failed', 'Aborted'].includes(info.state)) return info;
      if (Date.now() > deadline) {
        throw new SalesforceError(
          'api',
          `Bulk job ${jobId} is still ${info.state} after ${Math.round(this.poll.timeoutMs / 60_000)} minutes.`,
          'See Setup → Bulk Data Load Jobs for it; rerun with --resume once it finished (its rows are upserts, so repeating them is safe).'
        );
      }
      await this.poll.sleep(delay);
      delay = Math.min(delay * 2, this.poll.maxMs);
    }
  }

  async results(jobId: string): Promise<JobResults> {
    const job = this.job(jobId);
    const rows = (value: unknown): string | undefined =>
      Array.isArray(value) && value.every(isRecord) ? undefined : 'results that are not CSV rows';
    const successful = await this.call<unknown[]>(
      `Bulk job ${jobId} successfulResults`,
      () => job.getSuccessfulResults(),
      rows
    );
    const failed = await this.call<unknown[]>(
      `Bulk job ${jobId} failedResults`,
      () => job.getFailedResults(),
      rows
    );
    const unprocessed = await this.call<unknown[]>(
      `Bulk job ${jobId} unprocessedrecords`,
      async () => {
        const value = await job.getUnprocessedRecords();
        return typeof value === 'string' ? [] : value;
      },
      rows
    );
    this.jobs.delete(jobId);
    const asText = (list: unknown[]): Record<string, string>[] =>
      list.map((row) =>
        Object.fromEntries(
          Object.entries(row as Record<string, unknown>).map(([k, v]) => [
            k,
            typeof v === 'string'
              ? v
              : typeof v === 'number' || typeof v === 'boolean'
                ? String(v)
                : ''
          ])
        )
      );
    return {
      successful: asText(successful),
      failed: asText(failed),
      unprocessed: asText(unprocessed)
    };
  }
}

function queryShape(result: unknown): string | undefined {
  if (!isRecord(result) || !Array.isArray(result.records)) return 'a query answer without records';
  if (typeof result.done !== 'boolean') return 'a query answer without done';
  if (!result.done && typeof result.nextRecordsUrl !== 'string')
    return 'a query page without nextRecordsUrl';
  return result.records.every(isRecord) ? undefined : 'a record that is not an object';
}

function jobShape(info: unknown): string | undefined {
  return isRecord(info) && typeof info.id === 'string' && typeof info.state === 'string'
    ? undefined
    : 'a job answer without id and state';
}
