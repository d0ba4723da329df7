/**
 * The worker thread the local org runs in (started by src/host/index.ts). Apex callouts are
 * synchronous: the worker posts the request to the main thread and blocks on Atomics.wait until
 * the main thread, whose event loop also serves the fake Rinkel and the Site, has the answer.
 * Between requests a timer runs the org's due async work.
 */
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort
} from 'node:worker_threads';
import { Engine, type EngineConfig, type EngineHooks, type OutboundResponse } from './engine';

interface Init {
  cfg: EngineConfig;
  port: MessagePort;
  flag: SharedArrayBuffer;
}

type Call =
  | { t: 'call'; id: number; method: 'rest'; args: [Parameters<Engine['rest']>[0]] }
  | { t: 'call'; id: number; method: 'aura'; args: Parameters<Engine['aura']> }
  | { t: 'call'; id: number; method: 'query'; args: [string] }
  | { t: 'call'; id: number; method: 'settle' | 'status' | 'close'; args: [] };

const { cfg, port, flag } = workerData as Init;
const parent = parentPort!;
const signal = new Int32Array(flag);
let seq = 0;

const hooks: EngineHooks = {
  callout(req) {
    const id = ++seq;
    Atomics.store(signal, 0, 0);
    parent.postMessage({ t: 'callout', id, req });
    const deadline = Date.now() + req.timeoutMs + 2000;
    for (;;) {
      const left = deadline - Date.now();
      const woke = left > 0 ? Atomics.wait(signal, 0, 0, left) : 'timed-out';
      const got = receiveMessageOnPort(port) as
        { message: { id: number; res: OutboundResponse } } | undefined;
      if (got && got.message.id === id) return got.message.res;
      if (woke === 'timed-out') return { error: 'Read timed out' };
      // an answer to an earlier callout that had already timed out: wait for ours
      Atomics.store(signal, 0, 0);
    }
  },
  log: (line) => parent.postMessage({ t: 'log', line }),
  event: (msg) => parent.postMessage({ t: 'event', msg }),
  commit: (info) => parent.postMessage({ t: 'commit', info })
};

const engine = new Engine(cfg, hooks);
let timer: NodeJS.Timeout | null = null;
let saveTimer: NodeJS.Timeout | null = null;
let closed = false;

function scheduleSave(): void {
  if (saveTimer || !engine.isDirty || closed) return;
  // a burst of transactions is written once
  saveTimer = setTimeout(() => {
    saveTimer = null;
    if (closed) return;
    try {
      engine.saveIfDirty();
    } catch (e) {
      hooks.log(`local org state not written: ${(e as Error).message}`);
    }
  }, 250);
}

/** Runs due async work in slices of about 50 ms, so requests are served in between. */
function tick(): void {
  timer = null;
  if (closed) return;
  let worked = false;
  const t0 = Date.now();
  try {
    while (Date.now() - t0 < 50 && engine.pumpOnce()) worked = true;
  } catch (e) {
    hooks.log(`local org async work failed: ${(e as Error).stack ?? String(e)}`);
  }
  scheduleSave();
  if (worked) return kick(0);
  const next = engine.nextDue();
  const wait = next === null ? 1000 : (next - engine.now()) / cfg.speed;
  kick(Math.max(20, Math.min(1000, wait)));
}

function kick(ms: number): void {
  if (closed) return;
  if (timer) clearTimeout(timer);
  timer = setTimeout(tick, ms);
}

function serve(c: Call): unknown {
  switch (c.method) {
    case 'rest':
      return engine.rest(...c.args);
    case 'aura':
      return engine.aura(...c.args);
    case 'query':
      return engine.query(...c.args);
    case 'settle':
      engine.settle();
      return null;
    case 'status':
      return engine.status();
    case 'close':
      closed = true;
      if (timer) clearTimeout(timer);
      if (saveTimer) clearTimeout(saveTimer);
      engine.close();
      return null;
  }
}

parent.on('message', (c: Call) => {
  if (c.t !== 'call') return;
  let reply: unknown;
  try {
    reply = { t: 'result', id: c.id, ok: true, value: serve(c) };
  } catch (e) {
    const err = e as Error;
    reply = { t: 'result', id: c.id, ok: false, message: err.message, stack: err.stack ?? '' };
  }
  parent.postMessage(reply);
  scheduleSave();
  if (!closed) kick(0);
  else {
    port.close();
    parent.close();
  }
});

try {
  const info = engine.start();
  parent.postMessage({ t: 'ready', info });
  kick(0);
} catch (e) {
  const err = e as Error;
  parent.postMessage({ t: 'failed', message: err.message, stack: err.stack ?? '' });
}
