/**
 * Async Apex in tests: Queueable (with delay and AsyncOptions), Finalizers, batch and scheduled
 * jobs run at Test.stopTest(), each step in its own transaction (src/platform/tx.ts).
 * Sources: Apex Developer Guide "Queueable Apex", "Detecting Duplicate Queueable Jobs",
 * "Transaction Finalizers", "Testing Batch Apex", "Testing the Apex Scheduler", "Using Limits,
 * startTest, and stopTest"; Apex Reference "System Class", "AsyncOptions Class", "AsyncInfo
 * Class", "QueueableDuplicateSignature.Builder Class".
 */
import type { Pos } from '../ast';
import { Uncatchable } from '../errors';
import { T_SOBJECT, rt, type Interp } from '../interp';
import { HostObj, type Library } from '../stdlib';
import { ADatetime, AEnum, AList, AObj, type RtType } from '../values';
import { NOT_MINE, runTransaction, type TxResult } from './tx';

export interface JobOptions {
  maxDepth: number | null;
  minDelay: number | null;
  signature: string | null;
}

/**
 * "Queueable Apex": Developer Edition and trial orgs cap a chain of queueable jobs at a stack
 * depth of 5 unless a maximum depth is set with AsyncOptions. Only reached outside tests, where
 * chaining is allowed (hosting, src/host).
 */
export const DEVELOPER_EDITION_CHAIN_DEPTH = 5;

export class AsyncState {
  /** per job id: its options, stack depth, and when and by whom it was enqueued */
  jobs = new Map<
    string,
    { options: JobOptions; depth: number; enqueuedAt?: number; enqueuedBy?: string }
  >();
  signatures = new Set<string>();
  reset(): void {
    this.jobs = new Map();
    this.signatures = new Set();
  }
}

function optionsOf(h: unknown): JobOptions | null {
  if (h instanceof HostObj && h.kind === 'asyncoptions') return h.d as JobOptions;
  return null;
}

/** System.enqueueJob(job), (job, delay), (job, asyncOptions). */
export function enqueueJob(lib: Library, ip: Interp, args: unknown[], at: Pos): unknown {
  const org = lib.org;
  const p = lib.platform;
  if (args.length < 1 || args.length > 2)
    return lib.u(ip, `System.enqueueJob(${args.length} args)`, at);
  const job = args[0];
  if (job === null || job === undefined) return lib.npe(ip, at);
  if (!(job instanceof AObj) || !lib.implementsStd(ip, job, 'queueable'))
    return lib.u(ip, 'System.enqueueJob of a non-Queueable', at);
  const options: JobOptions = { maxDepth: null, minDelay: null, signature: null };
  if (args.length === 2) {
    const a = args[1];
    if (a === null || a === undefined) return lib.npe(ip, at);
    const o = optionsOf(a);
    if (o) Object.assign(options, o);
    else if (typeof a === 'number') options.minDelay = a;
    else return lib.u(ip, 'System.enqueueJob with this second argument', at);
    // "System Class", enqueueJob(queueable, delay): the delay is 0 to 10 minutes
    if (options.minDelay !== null && (options.minDelay < 0 || options.minDelay > 10))
      return lib.u(ip, `System.enqueueJob with a delay of ${options.minDelay} minutes`, at);
  }
  const running = org.running;
  if (running?.inFinalizer && org.inTest)
    return lib.u(ip, 'System.enqueueJob from a Finalizer in a test', at);
  let depth = 1;
  if (running && org.inTest) {
    // "Queueable Apex": you can't chain queueable jobs in an Apex test; doing so results in an
    // error (the platform's System.AsyncException, see docs/apex-runtime.md).
    ip.throwEx('System.AsyncException', 'Maximum stack depth has been reached.', at);
  }
  if (running) {
    // Outside tests (hosting): a chained job is one deeper than the job that enqueues it. The
    // chain stops at the maximum depth set with AsyncOptions, which overrides the default of 5
    // of Developer Edition and trial orgs ("Queueable Apex"; "AsyncOptions Class").
    const parent = p.async.jobs.get(running.id);
    depth = (parent?.depth ?? 1) + 1;
    const max = parent?.options.maxDepth ?? options.maxDepth ?? DEVELOPER_EDITION_CHAIN_DEPTH;
    if (depth > max)
      ip.throwEx('System.AsyncException', 'Maximum stack depth has been reached.', at);
    if (options.maxDepth === null && parent?.options.maxDepth != null)
      options.maxDepth = parent.options.maxDepth;
  }
  org.limits.queueable++;
  if (org.limits.queueable > p.limits().queueable)
    throw new Uncatchable(
      ip.makeException(
        'System.LimitException',
        `Too many queueable jobs added to the queue: ${org.limits.queueable}`,
        at
      )
    );
  if (options.signature !== null) {
    // "Detecting Duplicate Queueable Jobs"
    if (p.async.signatures.has(options.signature))
      ip.throwEx(
        'System.DuplicateMessageException',
        'Attempt to enqueue job with duplicate queueable signature',
        at
      );
    p.async.signatures.add(options.signature);
  }
  const id = org.db.seed('AsyncApexJob', {
    JobType: 'Queueable',
    Status: 'Queued',
    JobItemsProcessed: 0,
    TotalJobItems: 0,
    NumberOfErrors: 0
  });
  p.async.jobs.set(id, { options, depth, enqueuedAt: org.clock(), enqueuedBy: org.userId });
  org.jobs.push({ id, job, afterStart: org.startTestCalled, done: false });
  return id;
}

function failureText(r: TxResult): string {
  const ex = r.error!.ex;
  return `${ex.cls.name}: ${String(ex.host?.message ?? '')}`;
}

/**
 * Test.stopTest: "all asynchronous calls made after the startTest method are collected by the
 * system. When stopTest is executed, all asynchronous processes are run synchronously". Each
 * job is its own transaction (async limits), then its finalizer in another one.
 */
export function runQueuedJobs(lib: Library, ip: Interp, at: Pos): void {
  const org = lib.org;
  for (;;) {
    const pending = org.jobs.filter((j) => !j.done);
    if (!pending.length) return;
    if (pending.some((j) => !j.afterStart))
      return lib.u(ip, 'a Queueable enqueued before Test.startTest, run at Test.stopTest', at);
    for (const j of pending) {
      const { res, fr } = runJob(lib, ip, j, at);
      if (fr?.error)
        return lib.u(
          ip,
          `what Test.stopTest does with an exception thrown by a Finalizer (${failureText(fr)})`,
          at
        );
      if (res.error)
        return lib.u(
          ip,
          `what Test.stopTest does with an exception thrown by a Queueable (${failureText(res)})`,
          at
        );
    }
  }
}

/**
 * Runs one queued job in its own transaction, then its finalizer (if it attached one) in
 * another; updates the AsyncApexJob row. Used by Test.stopTest and by the local org's host.
 */
export function runJob(
  lib: Library,
  ip: Interp,
  j: { id: string; job: AObj; done: boolean },
  at: Pos
): { res: TxResult; fr: TxResult | null } {
  const org = lib.org;
  const db = org.db;
  j.done = true;
  const row = db.rowById(j.id)!.row;
  org.running = { id: j.id, job: j.job, finalizer: null, inFinalizer: false };
  const ctx = new HostObj(
    rt('system.queueablecontext', 'System.QueueableContext'),
    'queueablecontext',
    { id: j.id }
  );
  const res = runTransaction(lib, ip, 'queueable', () => {
    row.set('status', 'Processing');
    ip.callMethod(j.job, 'execute', [ctx], at);
  });
  const sig = lib.platform.async.jobs.get(j.id)?.options.signature;
  if (sig) lib.platform.async.signatures.delete(sig);
  row.set('status', res.error ? 'Failed' : 'Completed');
  if (res.error) {
    row.set('numberoferrors', 1);
    row.set('extendedstatus', failureText(res));
  }
  row.set('completeddate', new ADatetime(org.clock()));
  const fin = org.running.finalizer;
  let fr: TxResult | null = null;
  if (fin) {
    org.running.inFinalizer = true;
    const fctx = new HostObj(
      rt('system.finalizercontext', 'System.FinalizerContext'),
      'finalizercontext',
      {
        id: j.id,
        result: new AEnum(
          'System.ParentJobResult',
          'system.parentjobresult',
          res.error ? 'UNHANDLED_EXCEPTION' : 'SUCCESS',
          res.error ? 1 : 0
        ),
        exception: res.error?.ex ?? null
      }
    );
    fr = runTransaction(lib, ip, 'finalizer', () => {
      ip.callMethod(fin, 'execute', [fctx], at);
    });
  }
  org.running = null;
  return { res, fr };
}

export function executeBatch(lib: Library, ip: Interp, args: unknown[], at: Pos): unknown {
  const org = lib.org;
  const [job, scopeArg] = args;
  if (job === null || job === undefined) return lib.npe(ip, at);
  if (!(job instanceof AObj) || !lib.implementsStd(ip, job, 'database.batchable'))
    return lib.u(ip, 'Database.executeBatch of a non-Batchable', at);
  if (org.inTest && (org.running || org.runningBatch))
    return lib.u(ip, 'Database.executeBatch from a running Queueable or batch in a test', at);
  const scope = scopeArg === undefined || scopeArg === null ? 200 : (scopeArg as number);
  if (scope < 1 || scope > 2000)
    ip.throwEx('System.InvalidParameterValueException', `Invalid scope: ${scope}`, at);
  if (org.inTest && org.batches.length)
    return lib.u(ip, 'a second Database.executeBatch in one test', at);
  const id = org.db.seed('AsyncApexJob', {
    JobType: 'BatchApex',
    Status: 'Queued',
    JobItemsProcessed: 0,
    TotalJobItems: 0,
    NumberOfErrors: 0
  });
  // a batch started by a scheduled job that Test.stopTest runs is itself an asynchronous call
  // made after startTest, so the same stopTest runs it ("Using Limits, startTest, and stopTest")
  org.batches.push({ id, job, scope, afterStart: org.startTestCalled, done: false });
  return id;
}

/** Test.stopTest: the batch runs start, one execute, finish ("Testing Batch Apex"). */
export function runBatches(lib: Library, ip: Interp, at: Pos, deepCopy: <T>(v: T) => T): void {
  const org = lib.org;
  const pending = org.batches.filter((b) => !b.done);
  if (pending.some((b) => !b.afterStart))
    return lib.u(ip, 'a batch started before Test.startTest, run at Test.stopTest', at);
  for (const b of pending) {
    b.done = true;
    const stateful = lib.implementsStd(ip, b.job, 'database.stateful');
    const original = stateful ? null : deepCopy(b.job);
    const ctx = new HostObj(
      rt('database.batchablecontext', 'Database.BatchableContext'),
      'batchablecontext',
      { id: b.id }
    );
    const row = org.db.rowById(b.id)!.row;
    const step = (fn: () => void): void => {
      org.runningBatch = true;
      let res: TxResult;
      try {
        res = runTransaction(lib, ip, 'batch', fn);
      } finally {
        org.runningBatch = false;
      }
      if (res.error)
        lib.u(
          ip,
          `what Test.stopTest does with an exception thrown by a batch (${failureText(res)})`,
          at
        );
    };
    let records: unknown[] = [];
    row.set('status', 'Processing');
    step(() => {
      const started = ip.callMethod(b.job, 'start', [ctx], at);
      if (started instanceof HostObj && started.kind === 'querylocator')
        records = started.d.rows as unknown[];
      else if (started instanceof AList) records = started.a;
      else if (started === null) records = [];
      else lib.u(ip, 'Database.Batchable start returning a custom Iterable', at);
    });
    if (records.length > b.scope)
      return lib.u(
        ip,
        `a test batch with more than one execute (${records.length} records, scope ${b.scope})`,
        at
      );
    row.set('totaljobitems', records.length ? 1 : 0);
    const fresh = (): AObj => (original ? deepCopy(original) : b.job);
    if (records.length) {
      const target = fresh();
      step(
        () =>
          void ip.callMethod(target, 'execute', [ctx, new AList(T_SOBJECT, records.slice())], at)
      );
      row.set('jobitemsprocessed', 1);
    }
    const fin = fresh();
    step(() => void ip.callMethod(fin, 'finish', [ctx], at));
    row.set('status', 'Completed');
    row.set('completeddate', new ADatetime(org.clock()));
  }
}

/** Test.stopTest: jobs scheduled after startTest run their execute once ("Testing the Apex Scheduler"). */
export function runScheduledJobs(lib: Library, ip: Interp, at: Pos): void {
  const org = lib.org;
  const pending = org.scheduled.filter((j) => !j.done);
  if (pending.some((j) => !j.afterStart))
    return lib.u(ip, 'a job scheduled before Test.startTest, run at Test.stopTest', at);
  for (const j of pending) {
    j.done = true;
    const ctx = new HostObj(
      rt('system.schedulablecontext', 'System.SchedulableContext'),
      'schedulablecontext',
      { id: j.id }
    );
    org.runningScheduled = true;
    let res: TxResult;
    try {
      res = runTransaction(
        lib,
        ip,
        'schedule',
        () => void ip.callMethod(j.job, 'execute', [ctx], at)
      );
    } finally {
      org.runningScheduled = false;
    }
    if (res.error)
      return lib.u(
        ip,
        `what Test.stopTest does with an exception thrown by a scheduled job (${failureText(res)})`,
        at
      );
  }
}

// ------------------------------------------------------------ AsyncOptions, AsyncInfo, signatures

export function construct(lib: Library, ip: Interp, t: RtType, args: unknown[], at: Pos): unknown {
  const k = t.key.replace(/^system\./, '');
  if (k === 'asyncoptions') {
    if (args.length) return lib.u(ip, `new AsyncOptions(${args.length} args)`, at);
    const d: JobOptions = { maxDepth: null, minDelay: null, signature: null };
    return new HostObj(rt('system.asyncoptions', 'System.AsyncOptions'), 'asyncoptions', d);
  }
  if (k === 'queueableduplicatesignature.builder') {
    if (args.length) return lib.u(ip, 'new QueueableDuplicateSignature.Builder(args)', at);
    return new HostObj(
      rt(
        'system.queueableduplicatesignature.builder',
        'System.QueueableDuplicateSignature.Builder'
      ),
      'signaturebuilder',
      { parts: [] as string[] }
    );
  }
  return NOT_MINE;
}

const OPTION_FIELDS: Record<string, keyof JobOptions> = {
  maximumqueueablestackdepth: 'maxDepth',
  minimumqueueabledelayinminutes: 'minDelay',
  duplicatesignature: 'signature'
};

export function field(_lib: Library, _ip: Interp, h: HostObj, key: string, _at: Pos): unknown {
  if (h.kind === 'asyncoptions' && OPTION_FIELDS[key]) {
    const v = (h.d as JobOptions)[OPTION_FIELDS[key]];
    if (key === 'duplicatesignature')
      return v === null
        ? null
        : new HostObj(
            rt('system.queueableduplicatesignature', 'System.QueueableDuplicateSignature'),
            'signature',
            { key: v }
          );
    return v;
  }
  return NOT_MINE;
}

export function fieldSet(
  lib: Library,
  ip: Interp,
  h: HostObj,
  key: string,
  v: unknown,
  at: Pos
): unknown {
  if (h.kind === 'asyncoptions' && OPTION_FIELDS[key]) {
    const d = h.d as JobOptions;
    if (key === 'duplicatesignature') {
      if (v !== null && !(v instanceof HostObj && v.kind === 'signature'))
        return lib.u(ip, 'AsyncOptions.DuplicateSignature of this type', at);
      d.signature = v === null ? null : (v.d.key as string);
    } else if (key === 'maximumqueueablestackdepth') d.maxDepth = v as number | null;
    else d.minDelay = v as number | null;
    return v;
  }
  return NOT_MINE;
}

export function callInstance(
  lib: Library,
  ip: Interp,
  h: HostObj,
  m: string,
  args: unknown[],
  at: Pos
): unknown {
  if (h.kind === 'signaturebuilder') {
    const parts = h.d.parts as string[];
    switch (m) {
      case 'addid':
      case 'addinteger':
      case 'addstring':
        if (args[0] === null || args[0] === undefined) return lib.npe(ip, at);
        parts.push(`${m.slice(3)}:${String(args[0])}`);
        return h;
      case 'build':
        return new HostObj(
          rt('system.queueableduplicatesignature', 'System.QueueableDuplicateSignature'),
          'signature',
          { key: parts.join('\u0000') }
        );
    }
    return lib.u(ip, `QueueableDuplicateSignature.Builder.${m}`, at);
  }
  return NOT_MINE;
}

export function callStatic(
  lib: Library,
  ip: Interp,
  sig: string,
  _args: unknown[],
  at: Pos
): unknown {
  const org = lib.org;
  const p = lib.platform;
  const job = org.running && !org.running.inFinalizer ? p.async.jobs.get(org.running.id) : null;
  switch (sig) {
    // "AsyncInfo Class"; outside a running Queueable no maximum depth is set for it
    case 'asyncinfo.hasmaxstackdepth':
      if (org.running?.inFinalizer) return lib.u(ip, 'AsyncInfo inside a Finalizer', at);
      return !!job && job.options.maxDepth !== null;
    case 'asyncinfo.getcurrentqueueablestackdepth':
      if (!job)
        return lib.u(ip, 'the queueable stack depth outside a running Queueable (AsyncInfo)', at);
      return job.depth;
    case 'asyncinfo.getmaximumqueueablestackdepth':
      if (!job || job.options.maxDepth === null)
        return lib.u(ip, 'the maximum queueable stack depth when none is set (AsyncInfo)', at);
      return job.options.maxDepth;
    case 'asyncinfo.getminimumqueueabledelayinminutes':
      // "Returns null if no delay is defined."
      if (org.running?.inFinalizer) return lib.u(ip, 'AsyncInfo inside a Finalizer', at);
      return job?.options.minDelay ?? null;
  }
  if (sig.startsWith('asyncinfo.')) return lib.u(ip, `${sig}`, at);
  return NOT_MINE;
}
