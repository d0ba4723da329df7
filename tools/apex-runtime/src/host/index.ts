/**
 * The local org: the project's own Apex on the offline runtime, hosted outside tests (issue 17).
 * `startLocalOrg` runs the org in a worker thread (src/host/worker.ts, the org itself in
 * src/host/engine.ts) so that a synchronous Apex callout can reach an HTTP server of this same
 * process: the worker blocks, this thread makes the request. See docs/apex-runtime.md,
 * "Hosting (outside tests)".
 */
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import type {
  AuraResult,
  EngineConfig,
  EventMessage,
  LocalUser,
  OutboundRequest,
  OrgStatus,
  OutboundResponse,
  StartInfo
} from './engine';

export type { AuraResult, EventMessage, LocalUser, OrgStatus } from './engine';
export { LOCAL_AGENT_RINKEL_USER_ID } from './seed';

export interface LocalOrgOptions {
  /** repo root */
  root: string;
  /** e.g. ['force-app', 'config/dev-org'] */
  packageDirs: string[];
  /** where the org's state file and caches live, e.g. <root>/.rinkel/local-org */
  stateDir: string;
  /** start from a fresh seed, deleting the stored state */
  reset?: boolean;
  /** clock multiplier for Queueable delays, schedules, retention (default 1) */
  speed?: number;
  /** Named Credential DeveloperName -> base URL the callout goes to */
  namedCredentialUrls: Record<string, string>;
  /** values for the External Credential's principal parameters, e.g. { ApiKey: '…' } */
  credentialSecrets?: Record<string, string>;
  /** one line per async job / event delivery / failure, for the console */
  log?: (line: string) => void;
  /**
   * where the parse cache lives (default `<stateDir>/cache`); it is keyed on each file's
   * content, so several state dirs may share one
   */
  cacheDir?: string;
}

export interface LocalOrg {
  readonly users: { admin: LocalUser; agent: LocalUser; integration: LocalUser; guest: LocalUser };
  readonly secrets: { webhookSecret: string; lookupToken: string; generatedNow: boolean };
  readonly timings: { totalMs: number; parseMs: number; loadMs: number; fromCache: boolean };
  readonly weborders: {
    id: string;
    name: string;
    phone: string;
    e164: string | null;
    status?: string;
  }[];
  /** the file the org's state is kept in */
  readonly stateFile: string;
  rest(req: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: Buffer;
    remoteAddress?: string;
  }): Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;
  aura(
    username: string,
    className: string,
    method: string,
    params: Record<string, unknown>
  ): Promise<AuraResult>;
  query(soql: string): Promise<Record<string, unknown>[]>;
  onEvent(listener: (message: EventMessage) => void): () => void;
  onCommit(listener: (info: { kind: string; objects: string[] }) => void): () => void;
  settle(): Promise<void>;
  status(): Promise<OrgStatus>;
  close(): Promise<void>;
}

type FromWorker =
  | { t: 'ready'; info: StartInfo }
  | { t: 'failed'; message: string; stack: string }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; message: string; stack: string }
  | { t: 'callout'; id: number; req: OutboundRequest }
  | { t: 'log'; line: string }
  | { t: 'event'; msg: EventMessage }
  | { t: 'commit'; info: { kind: string; objects: string[] } };

/** Makes the request a callout asked for; errors become the CalloutException's message. */
async function send(req: OutboundRequest): Promise<OutboundResponse> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body && req.method !== 'GET' && req.method !== 'HEAD' ? req.body : undefined,
      signal: AbortSignal.timeout(req.timeoutMs)
    });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return {
      status: res.status,
      statusText: res.statusText,
      headers,
      body: new Uint8Array(await res.arrayBuffer())
    };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError') return { error: 'Read timed out' };
    return { error: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}

const WORKER = path.join(__dirname, 'worker.ts');

export function startLocalOrg(options: LocalOrgOptions): Promise<LocalOrg> {
  const cfg: EngineConfig = {
    root: path.resolve(options.root),
    packageDirs: options.packageDirs,
    stateDir: path.resolve(options.stateDir),
    reset: options.reset ?? false,
    speed: options.speed ?? 1,
    namedCredentialUrls: options.namedCredentialUrls,
    credentialSecrets: options.credentialSecrets ?? {},
    cacheDir: options.cacheDir ? path.resolve(options.cacheDir) : undefined
  };
  if (!(cfg.speed > 0))
    throw new Error(`speed must be a positive number, got ${String(cfg.speed)}`);
  const log = options.log ?? (() => undefined);
  const channel = new MessageChannel();
  const flag = new SharedArrayBuffer(4);
  const signal = new Int32Array(flag);
  // the worker loads TypeScript the way this process does (tsx), also under jest
  const worker = new Worker(
    `require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(WORKER)});`,
    {
      eval: true,
      workerData: { cfg, port: channel.port2, flag },
      transferList: [channel.port2]
    }
  );
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const eventListeners = new Set<(m: EventMessage) => void>();
  const commitListeners = new Set<(i: { kind: string; objects: string[] }) => void>();
  let nextId = 0;
  let exited: Error | null = null;
  let closing: Promise<void> | null = null;

  // a failing listener is reported, and neither stops the others nor the process
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      log(`a local org listener failed: ${(e as Error)?.stack ?? String(e)}`);
    }
  };

  const call = <T>(method: string, ...args: unknown[]): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ t: 'call', id, method, args });
    });
  };

  return new Promise<LocalOrg>((resolve, reject) => {
    let started = false;
    const fail = (e: Error): void => {
      exited = e;
      for (const p of pending.values()) p.reject(e);
      pending.clear();
      if (!started) reject(e);
    };
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => {
      if (!exited) fail(new Error(`the local org's worker stopped (exit code ${code})`));
    });
    worker.on('message', (m: FromWorker) => {
      switch (m.t) {
        case 'ready': {
          started = true;
          const info = m.info;
          const org: LocalOrg = {
            users: info.users,
            secrets: info.secrets,
            timings: info.timings,
            weborders: info.weborders,
            stateFile: info.stateFile,
            rest: async (req) => {
              const r = await call<{
                status: number;
                headers: Record<string, string>;
                body: Uint8Array;
              }>('rest', { ...req, body: new Uint8Array(req.body) });
              return { status: r.status, headers: r.headers, body: Buffer.from(r.body) };
            },
            aura: (username, className, method, params) =>
              call<AuraResult>('aura', username, className, method, params),
            query: (soql) => call<Record<string, unknown>[]>('query', soql),
            onEvent: (l) => {
              eventListeners.add(l);
              return () => void eventListeners.delete(l);
            },
            onCommit: (l) => {
              commitListeners.add(l);
              return () => void commitListeners.delete(l);
            },
            settle: () => call<void>('settle'),
            status: () => call('status'),
            close: () => {
              if (!closing)
                closing = exited
                  ? Promise.resolve()
                  : call<void>('close').then(async () => {
                      exited = new Error('the local org is closed');
                      await worker.terminate();
                    });
              return closing;
            }
          };
          resolve(org);
          break;
        }
        case 'failed': {
          const e = new Error(m.message);
          e.stack = m.stack;
          fail(e);
          void worker.terminate();
          break;
        }
        case 'result': {
          const p = pending.get(m.id);
          if (!p) break;
          pending.delete(m.id);
          if (m.ok) p.resolve(m.value);
          else {
            const e = new Error(m.message);
            e.stack = m.stack;
            p.reject(e);
          }
          break;
        }
        case 'callout':
          void send(m.req).then((res) => {
            channel.port1.postMessage({ id: m.id, res });
            Atomics.store(signal, 0, 1);
            Atomics.notify(signal, 0);
          });
          break;
        case 'log':
          log(m.line);
          break;
        case 'event':
          for (const l of eventListeners) guard(() => l(m.msg));
          break;
        case 'commit':
          for (const l of commitListeners) guard(() => l(m.info));
          break;
      }
    });
  });
}
