// The two Salesforce APIs the backfill needs, over fetch with a session (instance URL + access
// token, e.g. from `sf org display`): REST queries, and Bulk API 2.0 ingest jobs
// (https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/).

import { parseJsonOrText } from '../clients/http-body';
import { queryAllRecords, salesforceErrorMessage } from '../clients/salesforce-rest';
import { csvRecords } from './csv';
import { isRecord } from '../core/json';

export interface SalesforceSession {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
}

export class SalesforceApiError extends Error {
  override readonly name = 'SalesforceApiError';
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

export interface BulkJobInfo {
  id: string;
  state: string;
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  errorMessage?: string;
}

export interface SalesforceClientOptions {
  /** Between job status polls. */
  pollIntervalMs?: number;
  /** Gives up waiting for a job after this long. */
  jobTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

function errorText(body: string): string {
  const { code, message } = salesforceErrorMessage(parseJsonOrText(body));
  return [code, message].filter(Boolean).join(': ') || body.slice(0, 300);
}

async function* textChunks(body: ReadableStream<Uint8Array> | null): AsyncGenerator<string> {
  if (!body) {
    return;
  }
  const decoder = new TextDecoder();
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      const rest = decoder.decode();
      if (rest) yield rest;
      return;
    }
    yield decoder.decode(value, { stream: true });
  }
}

/** An async iterable of strings as a request body stream (sent while it is produced). */
function streamOf(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next: IteratorResult<string> = await iterator.next();
        if (next.done) {
          controller.close();
        } else {
          controller.enqueue(encoder.encode(next.value));
        }
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    }
  });
}

export class SalesforceClient {
  /** HTTP requests sent so far (for the report and the benchmark). */
  requests = 0;
  private readonly pollIntervalMs: number;
  private readonly jobTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly session: SalesforceSession,
    options: SalesforceClientOptions = {}
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.jobTimeoutMs = options.jobTimeoutMs ?? 30 * 60_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private url(path: string): string {
    return `${this.session.instanceUrl.replace(/\/+$/, '')}/services/data/v${this.session.apiVersion}${path}`;
  }

  private async send(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    this.requests++;
    const response = await fetch(this.url(path), {
      ...init,
      method,
      headers: {
        Authorization: `Bearer ${this.session.accessToken}`,
        Accept: 'application/json',
        ...(init.headers as Record<string, string> | undefined)
      }
    });
    if (!response.ok) {
      const text = await response.text();
      throw new SalesforceApiError(
        response.status,
        `${method} ${path.split('?')[0]} failed (${response.status}): ${errorText(text)}`
      );
    }
    return response;
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.send(method, path, {
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body)
    });
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Every record of a SOQL query (follows nextRecordsUrl). */
  async query(soql: string): Promise<Record<string, unknown>[]> {
    return queryAllRecords((path) => this.json('GET', path), soql);
  }

  /** A Bulk API 2.0 upsert job for CSV with LF line endings; returns its id. */
  async createUpsertJob(object: string, externalIdFieldName: string): Promise<string> {
    const body = await this.json('POST', '/jobs/ingest', {
      object,
      operation: 'upsert',
      externalIdFieldName,
      contentType: 'CSV',
      lineEnding: 'LF'
    });
    if (!isRecord(body) || typeof body.id !== 'string') {
      throw new SalesforceApiError(0, 'Bulk API answered a job without an id.');
    }
    return body.id;
  }

  /** Uploads the job's data in one request, streamed while `csv` produces it. */
  async uploadCsv(jobId: string, csv: AsyncIterable<string>): Promise<void> {
    const response = await this.send('PUT', `/jobs/ingest/${jobId}/batches`, {
      headers: { 'Content-Type': 'text/csv' },
      body: streamOf(csv),
      duplex: 'half'
    } as RequestInit);
    await response.arrayBuffer();
  }

  async setJobState(jobId: string, state: 'UploadComplete' | 'Aborted'): Promise<void> {
    await this.json('PATCH', `/jobs/ingest/${jobId}`, { state });
  }

  async jobInfo(jobId: string): Promise<BulkJobInfo> {
    const body = await this.json('GET', `/jobs/ingest/${jobId}`);
    const info = isRecord(body) ? body : {};
    return {
      id: jobId,
      state: typeof info.state === 'string' ? info.state : 'Unknown',
      numberRecordsProcessed: Number(info.numberRecordsProcessed ?? 0),
      numberRecordsFailed: Number(info.numberRecordsFailed ?? 0),
      errorMessage: typeof info.errorMessage === 'string' ? info.errorMessage : undefined
    };
  }

  /** Polls until the job is JobComplete, Failed or Aborted. */
  async waitForJob(jobId: string): Promise<BulkJobInfo> {
    const deadline = Date.now() + this.jobTimeoutMs;
    for (;;) {
      const info = await this.jobInfo(jobId);
      if (['JobComplete', 'Failed', 'Aborted'].includes(info.state)) {
        return info;
      }
      if (Date.now() > deadline) {
        throw new SalesforceApiError(0, `Bulk job ${jobId} still ${info.state} after waiting.`);
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  /** successfulResults (sf__Id, sf__Created, …) or failedResults (sf__Id, sf__Error, …), streamed. */
  async *results(
    jobId: string,
    kind: 'successfulResults' | 'failedResults'
  ): AsyncGenerator<Record<string, string>> {
    const response = await this.send('GET', `/jobs/ingest/${jobId}/${kind}`, {
      headers: { Accept: 'text/csv' }
    });
    yield* csvRecords(textChunks(response.body));
  }
}
