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

export interface TxResult {
  /** the exception that ended the transaction (rolled back), or null */
  error: ApexThrow | Uncatchable | null;
}

/**
 * Runs fn as a new transaction of the given kind. Limits, callouts and the uncommitted-work
 * flag of the caller are restored afterwards; an exception (catchable or not) rolls back the
 * transaction's DML and its publish-after-commit events and is returned, not thrown.
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
  const mark = org.db.mark();
  const eventMark = p.bus.mark();
  const asyncMark = {
    jobs: org.jobs.length,
    scheduled: org.scheduled.length,
    batches: org.batches.length
  };
  const depth = ip.frames.length;
  let error: ApexThrow | Uncatchable | null = null;
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ApexThrow) && !(e instanceof Uncatchable)) throw e;
    ip.frames.length = depth;
    org.db.rollbackTo(mark);
    p.bus.discardAfterCommit(eventMark);
    org.hostRollback?.(asyncMark);
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
