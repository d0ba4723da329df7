/**
 * Transactions and governor limits ("Execution Governors and Limits", Apex Developer Guide).
 *
 * Each test method, each async job (Queueable, batch step, scheduled execute, finalizer) and
 * each platform-event trigger batch runs in its own transaction: fresh limit counters, its own
 * database work that a failure rolls back, and the async or sync limit values of its kind.
 */
import { ApexThrow, Uncatchable } from '../errors';
import type { Interp } from '../interp';
import type { Library } from '../stdlib';

/** Returned by a platform dispatcher for a call that is not its own. */
export const NOT_MINE = Symbol('not-mine');

/** What kind of transaction is running; decides the limit values. */
export type TxKind =
  | 'test'
  | 'queueable'
  | 'batch'
  | 'schedule'
  | 'finalizer'
  | 'event'
  | 'callback'
  /** a request served by the local org's host (REST, @AuraEnabled): synchronous limits */
  | 'request';

export interface LimitValues {
  queries: number;
  rows: number;
  dml: number;
  dmlRows: number;
  callouts: number;
  queueable: number;
  publishImmediate: number;
  heap: number;
  cpu: number;
}

/**
 * "Execution Governors and Limits", Per-Transaction Apex Limits (synchronous / asynchronous):
 * SOQL queries 100 / 200, query rows 50,000, DML statements 150, DML rows 10,000, callouts 100,
 * System.enqueueJob 50 / 1, EventBus.publish calls for publish-immediately events 150, heap
 * 6 MB / 12 MB, CPU 10,000 ms / 60,000 ms. "Transaction Finalizers": a finalizer has the
 * synchronous limits except heap and enqueueJob, where the asynchronous ones apply.
 */
export function limitValues(kind: TxKind): LimitValues {
  const async = kind === 'queueable' || kind === 'batch' || kind === 'schedule';
  return {
    queries: async ? 200 : 100,
    rows: 50000,
    dml: 150,
    dmlRows: 10000,
    callouts: 100,
    queueable: async || kind === 'finalizer' ? 1 : 50,
    publishImmediate: 150,
    heap: async || kind === 'finalizer' ? 12000000 : 6000000,
    cpu: async ? 60000 : 10000
  };
}

/**
 * The async work queued when a transaction began: the entries themselves, not their count, since
 * System.abortJob removes a schedule from the list during a transaction and the host compacts the
 * lists between transactions.
 */
export interface AsyncMark {
  jobs: Set<object>;
  scheduled: Set<object>;
  batches: Set<object>;
}

export function asyncMark(lib: Library): AsyncMark {
  const org = lib.org;
  return {
    jobs: new Set(org.jobs),
    scheduled: new Set(org.scheduled),
    batches: new Set(org.batches)
  };
}

/**
 * "Queueable Apex": "If an Apex transaction rolls back, any queueable jobs queued for execution
 * by the transaction aren't processed"; a schedule or batch it started is a record it would have
 * committed ("Apex Transactions"). So what was queued since the mark and has not run is dropped
 * with its AsyncApexJob, CronTrigger and CronJobDetail rows (seeded outside the undo journal), and
 * a dropped job's duplicate signature is free again. The same in tests and in the local org.
 */
export function dropQueuedSince(lib: Library, mark: AsyncMark): void {
  const org = lib.org;
  const db = org.db;
  const p = lib.platform;
  const isNew = <T extends { done: boolean }>(had: Set<object>, e: T): boolean =>
    !had.has(e) && !e.done;
  for (const j of org.jobs.filter((e) => isNew(mark.jobs, e))) {
    const sig = p.async.jobs.get(j.id)?.options.signature;
    if (sig) p.async.signatures.delete(sig);
    p.async.jobs.delete(j.id);
    db.table('asyncapexjob').delete(j.id);
  }
  org.jobs = org.jobs.filter((e) => !isNew(mark.jobs, e));
  for (const s of org.scheduled.filter((e) => isNew(mark.scheduled, e))) {
    const detail = db.rowById(s.id)?.row.get('cronjobdetailid');
    if (typeof detail === 'string') db.table('cronjobdetail').delete(detail);
    db.table('crontrigger').delete(s.id);
  }
  org.scheduled = org.scheduled.filter((e) => !isNew(mark.scheduled, e));
  for (const b of org.batches.filter((e) => isNew(mark.batches, e)))
    db.table('asyncapexjob').delete(b.id);
  org.batches = org.batches.filter((e) => !isNew(mark.batches, e));
}

/** Where a transaction began: its DML, its publish-after-commit events, the async work it queues. */
export interface TxMark {
  db: number;
  events: number;
  queued: AsyncMark;
}

export function markTransaction(lib: Library): TxMark {
  return { db: lib.org.db.mark(), events: lib.platform.bus.mark(), queued: asyncMark(lib) };
}

/** Rolls back what the transaction begun at `mark` did: its DML, its events, its async work. */
export function rollBackTo(lib: Library, mark: TxMark): void {
  lib.org.db.rollbackTo(mark.db);
  lib.platform.bus.discardAfterCommit(mark.events);
  dropQueuedSince(lib, mark.queued);
}

export interface TxResult {
  /** the exception that ended the transaction (rolled back), or null */
  error: ApexThrow | Uncatchable | null;
}

/**
 * Runs fn as a new transaction of the given kind. Limits, callouts and the uncommitted-work
 * flag of the caller are restored afterwards; an exception (catchable or not) rolls back the
 * transaction's DML, its publish-after-commit events and the async work it queued, and is
 * returned, not thrown.
 */
export function runTransaction(
  lib: Library,
  ip: Interp,
  kind: TxKind,
  fn: () => void,
  opts: { userId?: string } = {}
): TxResult {
  const org = lib.org;
  const p = lib.platform;
  const outer = {
    limits: org.limits,
    callouts: org.callouts,
    uncommitted: org.uncommittedWork,
    immediate: org.publishImmediate,
    userId: org.userId,
    userName: org.userName,
    dbUser: org.db.userId,
    cpu: p.cpuStart,
    triggerCtx: (ip as unknown as { triggerCtx: unknown }).triggerCtx
  };
  org.limits = { queries: 0, dml: 0, rows: 0, dmlRows: 0, queueable: 0 };
  org.callouts = 0;
  org.uncommittedWork = false;
  org.publishImmediate = 0;
  p.cpuStart = process.cpuUsage();
  (ip as unknown as { triggerCtx: unknown }).triggerCtx = null;
  if (opts.userId) {
    org.userId = opts.userId;
    org.db.userId = opts.userId;
    org.userName = String(org.db.rowById(opts.userId)?.row.get('username') ?? org.userName);
  }
  p.txStack.push(kind);
  const mark = markTransaction(lib);
  const depth = ip.frames.length;
  let error: ApexThrow | Uncatchable | null = null;
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ApexThrow) && !(e instanceof Uncatchable)) throw e;
    ip.frames.length = depth;
    rollBackTo(lib, mark);
    error = e;
  } finally {
    p.txStack.pop();
    org.limits = outer.limits;
    org.callouts = outer.callouts;
    org.uncommittedWork = outer.uncommitted;
    org.publishImmediate = outer.immediate;
    org.userId = outer.userId;
    org.userName = outer.userName;
    org.db.userId = outer.dbUser;
    p.cpuStart = outer.cpu;
    (ip as unknown as { triggerCtx: unknown }).triggerCtx = outer.triggerCtx;
  }
  return { error };
}
