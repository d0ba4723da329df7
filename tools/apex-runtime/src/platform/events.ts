/**
 * Platform events in Apex tests: the test event bus, delivery to Apex trigger subscribers,
 * retries, resume checkpoints, publish callbacks. Every rule cites its page in the Platform Events
 * Developer Guide (PEDG) or the Apex Reference (see docs/apex-runtime.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import crypto from 'node:crypto';
import type { Pos } from '../ast';
import type { TriggerRt } from '../db';
import { ApexThrow } from '../errors';
import { Scope, T_STRING, rt, type Interp } from '../interp';
import type { ObjMeta } from '../schema';
import { SObj } from '../sobject';
import { HostObj, type Library } from '../stdlib';
import { ADatetime, AEnum, AList, AObj } from '../values';
import { runTransaction } from './tx';

/** PEDG "Event and Event Bus Properties in Test Context": 500 test event messages per test method. */
export const TEST_PUBLISH_LIMIT = 500;
/** PEDG "Retry Event Triggers with EventBus.RetryableException": the initial run plus 9 retries. */
export const MAX_RETRIES = 9;
/** PEDG "Configure the User and Batch Size for Your Platform Event Trigger": default 2,000. */
export const DEFAULT_BATCH_SIZE = 2000;

export interface BusEvent {
  seq: number;
  obj: ObjMeta;
  event: SObj;
  uuid: string;
  afterCommit: boolean;
  callback: AObj | null;
  replayId: number;
}

interface Subscriber {
  trigger: TriggerRt;
  queue: BusEvent[];
  retries: number;
  lastError: string | null;
  position: number;
  status: 'Running' | 'Error';
}

export interface SubscriberConfig {
  user: string | null;
  batchSize: number | null;
}

export class TestEventBus {
  /** published in the test and not yet delivered ("EventBus.publish() enqueues the publish operation") */
  pending: BusEvent[] = [];
  seq = 0;
  replay = 0;
  published = 0;
  subs = new Map<TriggerRt, Subscriber>();
  delivering = false;
  /** Hosting (src/host): told of every batch of events as it is published, replay IDs set. */
  onPublished: ((events: BusEvent[]) => void) | null = null;

  reset(): void {
    this.pending = [];
    this.seq = 0;
    this.replay = 0;
    this.published = 0;
    this.subs = new Map();
    this.delivering = false;
  }

  mark(): number {
    return this.seq;
  }

  /**
   * PEDG "Platform Event Fields" (Publish Behavior): a publish-after-commit message "isn't
   * published if the transaction fails"; a publish-immediately one is published regardless.
   */
  discardAfterCommit(mark: number): void {
    this.pending = this.pending.filter((e) => !(e.afterCommit && e.seq > mark));
  }
}

export function newUuid(): string {
  return crypto.randomUUID();
}

/**
 * EventBus.publish / publishWithAccessLevel ("EventBus Class"; PEDG "Publish Event Messages
 * with Apex", "Event and Event Bus Properties in Test Context"). Returns one SaveResult per event.
 */
export function publish(
  lib: Library,
  ip: Interp,
  arg: unknown,
  callback: unknown,
  at: Pos,
  denied = false
): unknown {
  const org = lib.org;
  const bus = lib.platform.bus;
  if (arg === null || arg === undefined) return lib.npe(ip, at);
  const single = !(arg instanceof AList);
  const events = (single ? [arg] : (arg as AList).a) as unknown[];
  const srType = rt('database.saveresult', 'Database.SaveResult');
  if (!events.length) return new AList(srType, []);
  const first = events[0];
  if (!(first instanceof SObj)) return lib.npe(ip, at);
  const o = org.schema.get(first.type);
  if (!o || o.kind !== 'event') return lib.u(ip, `EventBus.publish of ${first.type}`, at);
  if (callback !== null && callback !== undefined) {
    if (!(callback instanceof AObj)) return lib.u(ip, 'EventBus.publish with this callback', at);
    const fail = lib.implementsStd(ip, callback, 'eventbus.eventpublishfailurecallback');
    const ok = lib.implementsStd(ip, callback, 'eventbus.eventpublishsuccesscallback');
    if (!fail && !ok) return lib.u(ip, 'EventBus.publish with a callback of no callback type', at);
    if (lib.platform.callbackDepth >= 10)
      return lib.u(ip, 'EventBus.publish with a callback nested more than 10 times', at);
  }
  // "Apex DML Limits for Publishing Events": each EventBus.publish call is a DML statement;
  // "Limits Class": publish-immediately calls count against getPublishImmediateDML instead.
  const afterCommit = o.publishBehavior !== 'PublishImmediately';
  if (!afterCommit) org.publishImmediate++;
  else {
    org.limits.dml++;
    org.limits.dmlRows += events.length;
  }
  if (org.publishImmediate > lib.platform.limits().publishImmediate)
    lib.platform.overLimit(ip, `Too many immediate DML: ${org.publishImmediate}`, at);
  lib.checkLimits(ip, at);
  const results = events.map((e) => {
    if (!(e instanceof SObj) || e.type !== first.type)
      return lib.u(ip, 'EventBus.publish of mixed event types', at);
    const errors: HostObj[] = [];
    for (const f of o.fields.values()) {
      const v = e.f.get(f.key);
      if (f.required && f.createable && (v === null || v === undefined || v === ''))
        errors.push(
          lib.dbError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${f.name}]`, [
            f.name
          ])
        );
      else if (typeof v === 'string' && f.length !== undefined && v.length > f.length)
        errors.push(
          lib.dbError(
            'STRING_TOO_LONG',
            `${f.label}: data value too large: ${v.slice(0, 100)} (max length=${f.length})`,
            [f.name]
          )
        );
    }
    if (denied)
      errors.push(
        lib.dbError(
          'INSUFFICIENT_ACCESS_OR_READONLY',
          `insufficient access rights on ${o.name}`,
          []
        )
      );
    if (!errors.length && org.inTest && bus.published >= TEST_PUBLISH_LIMIT)
      errors.push(
        lib.dbError(
          'LIMIT_EXCEEDED',
          `You have exceeded the limit of ${TEST_PUBLISH_LIMIT} event messages published in a test`,
          []
        )
      );
    if (!errors.length) {
      bus.published++;
      const copy = e.clone();
      const uuid = (copy.f.get('eventuuid') as string | undefined) ?? newUuid();
      copy.put('eventuuid', 'EventUuid', uuid);
      bus.pending.push({
        seq: ++bus.seq,
        obj: o,
        event: copy,
        uuid,
        afterCommit,
        callback: (callback as AObj | null | undefined) ?? null,
        replayId: 0
      });
    }
    return lib.dbResult('database.saveresult', {
      id: errors.length ? null : org.db.newId(o),
      success: !errors.length,
      created: false,
      errors
    });
  });
  return single ? results[0] : new AList(srType, results);
}

function uuidResult(kind: 'success' | 'failure', uuids: string[]): HostObj {
  const name = kind === 'success' ? 'EventBus.SuccessResult' : 'EventBus.FailureResult';
  return new HostObj(rt(name.toLowerCase(), name), 'eventbusresult', { uuids });
}

/** Runs each callback's method once with the UUIDs of its events, each in its own transaction. */
function runCallbacks(
  lib: Library,
  ip: Interp,
  events: BusEvent[],
  kind: 'success' | 'failure',
  at: Pos
): void {
  const byCallback = new Map<AObj, string[]>();
  for (const e of events) {
    if (!e.callback) continue;
    const iface =
      kind === 'success'
        ? 'eventbus.eventpublishsuccesscallback'
        : 'eventbus.eventpublishfailurecallback';
    if (!lib.implementsStd(ip, e.callback, iface)) continue;
    byCallback.set(e.callback, [...(byCallback.get(e.callback) ?? []), e.uuid]);
  }
  for (const [cb, uuids] of byCallback) {
    // PEDG "Callback Running User and Debug Logs": callbacks run as the Automated Process user.
    const p = lib.platform;
    p.callbackDepth++;
    const res = runTransaction(
      lib,
      ip,
      'callback',
      () =>
        void ip.callMethod(
          cb,
          kind === 'success' ? 'onsuccess' : 'onfailure',
          [uuidResult(kind, uuids)],
          at
        ),
      { userId: p.automatedProcessUser() }
    );
    p.callbackDepth--;
    if (res.error)
      lib.u(
        ip,
        `what a test sees of an exception thrown by a publish callback (${res.error.ex.cls.name}: ${String(res.error.ex.host?.message ?? '')})`,
        at
      );
  }
}

/**
 * Test.getEventBus().fail() ("TestBroker Class"; PEDG "Test Apex Publish Callbacks"): the queued
 * events fail to publish, are removed from the test event bus, reach no trigger, and each
 * failure callback's onFailure runs.
 */
export function failEvents(lib: Library, ip: Interp, at: Pos): void {
  const bus = lib.platform.bus;
  const failed = bus.pending;
  bus.pending = [];
  runCallbacks(lib, ip, failed, 'failure', at);
}

/**
 * Test.stopTest() / Test.getEventBus().deliver() (PEDG "Deliver Test Event Messages", "Test
 * Retried Event Messages"): the queued events are published (success callbacks run), then each
 * Apex trigger subscriber processes its queue in batches, each batch its own transaction, as the
 * subscriber's running user. Retried batches wait for the next deliver().
 */
export function deliverEvents(lib: Library, ip: Interp, at: Pos): void {
  const p = lib.platform;
  const bus = p.bus;
  if (bus.delivering) return lib.u(ip, 'Test.getEventBus().deliver() during a delivery', at);
  bus.delivering = true;
  try {
    let rounds = 0;
    const retried = new Set<Subscriber>();
    do {
      const batch = bus.pending;
      bus.pending = [];
      if (++rounds > 50)
        return lib.u(ip, 'more than 50 rounds of events published from event triggers', at);
      // PEDG "Event and Event Bus Properties in Test Context": replay IDs start from 1.
      for (const e of batch) {
        e.replayId = ++bus.replay;
        e.event.put('replayid', 'ReplayId', String(e.replayId));
        e.event.put('createddate', 'CreatedDate', new ADatetime(lib.org.clock()));
        e.event.put('createdbyid', 'CreatedById', lib.org.userId);
      }
      if (batch.length) bus.onPublished?.(batch);
      runCallbacks(lib, ip, batch, 'success', at);
      for (const t of lib.org.db.triggers) {
        const sub = subscriber(lib, t);
        // PEDG "Retry Event Triggers": events sent while the trigger is in the error state
        // aren't resent to it.
        if (sub?.status === 'Running')
          sub.queue.push(...batch.filter((e) => e.obj.key === t.object));
      }
      for (const sub of bus.subs.values()) {
        if (retried.has(sub) || !sub.queue.length || sub.status !== 'Running') continue;
        if (!process(lib, ip, sub, at)) retried.add(sub);
      }
    } while (bus.pending.length);
  } finally {
    bus.delivering = false;
  }
}

function subscriber(lib: Library, t: TriggerRt): Subscriber | null {
  const o = lib.org.schema.get(t.object);
  if (!o || o.kind !== 'event' || !t.events.has('after insert')) return null;
  const bus = lib.platform.bus;
  let s = bus.subs.get(t);
  if (!s) {
    s = { trigger: t, queue: [], retries: 0, lastError: null, position: 0, status: 'Running' };
    bus.subs.set(t, s);
  }
  return s;
}

/** Processes a subscriber's queue; false when a batch asked to be retried. */
function process(lib: Library, ip: Interp, sub: Subscriber, at: Pos): boolean {
  const p = lib.platform;
  const cfg = p.subscriberConfig(sub.trigger.decl.name);
  const size = cfg.batchSize ?? DEFAULT_BATCH_SIZE;
  const userId = p.eventTriggerUser(cfg);
  while (sub.queue.length) {
    const batch = sub.queue.slice(0, size);
    const ctx = new HostObj(
      rt('eventbus.triggercontext', 'EventBus.TriggerContext'),
      'eventtriggercontext',
      { retries: sub.retries, lastError: sub.lastError, checkpoint: null as string | null }
    );
    const res = runTransaction(
      lib,
      ip,
      'event',
      () => {
        p.triggerContext = ctx;
        try {
          runTrigger(lib, ip, sub.trigger, batch);
        } finally {
          p.triggerContext = null;
        }
      },
      { userId }
    );
    if (!res.error) {
      sub.queue.splice(0, batch.length);
      sub.position = batch[batch.length - 1]!.replayId;
      sub.retries = 0;
      continue;
    }
    const ex = res.error.ex;
    const message = ex.host?.message === null ? null : String(ex.host?.message ?? '');
    if (
      res.error instanceof ApexThrow &&
      ex.cls.name.toLowerCase() === 'eventbus.retryableexception'
    ) {
      // "Retry Event Triggers with EventBus.RetryableException": DML is rolled back and the whole
      // batch is resent; after 9 retries the trigger moves to the error state.
      sub.lastError = message;
      if (sub.retries >= MAX_RETRIES) {
        sub.status = 'Error';
        sub.queue = [];
        return true;
      }
      sub.retries++;
      return false;
    }
    const checkpoint = ctx.d.checkpoint as string | null;
    if (checkpoint !== null) {
      // "TriggerContext Class", setResumeCheckpoint: after an uncaught exception or limit
      // exception the trigger resumes with the event after the checkpoint in a new execution.
      const idx = batch.findIndex((e) => String(e.replayId) === checkpoint);
      if (idx < 0)
        lib.u(ip, `setResumeCheckpoint with a replay ID not in the batch (${checkpoint})`, at);
      sub.queue.splice(0, idx + 1);
      sub.position = batch[idx]!.replayId;
      sub.retries = 0;
      continue;
    }
    return lib.u(
      ip,
      `what a test sees of an uncaught exception in platform-event trigger ${sub.trigger.decl.name} (${ex.cls.name}: ${String(message)})`,
      at
    );
  }
  return true;
}

function runTrigger(lib: Library, ip: Interp, t: TriggerRt, batch: BusEvent[]): void {
  const o = lib.org.schema.get(t.object)!;
  const et = rt(o.key, o.name);
  const list = new AList(
    et,
    batch.map((e) => e.event.clone())
  );
  // "Subscribe to Platform Event Notifications with Apex Triggers": only after insert.
  const ctx = {
    new: list,
    old: null,
    newmap: null,
    oldmap: null,
    isbefore: false,
    isafter: true,
    isinsert: true,
    isupdate: false,
    isdelete: false,
    isundelete: false,
    isexecuting: true,
    size: batch.length,
    operationtype: new AEnum(
      'System.TriggerOperation',
      'system.triggeroperation',
      'AFTER_INSERT',
      3
    )
  };
  (ip as any).triggerCtx = ctx;
  ip.frames.push({ cls: t.cls, self: null, method: '', line: t.decl.line, col: 1 } as any);
  const depth = ip.frames.length;
  try {
    ip.exec(t.decl.trigger!.body, new Scope(null));
  } finally {
    ip.frames.length = depth - 1;
    (ip as any).triggerCtx = null;
  }
}

/** EventBus.TriggerContext members ("TriggerContext Class"). */
export function triggerContextMember(
  lib: Library,
  ip: Interp,
  h: HostObj,
  m: string,
  args: unknown[],
  at: Pos
): unknown {
  switch (m) {
    case 'setresumecheckpoint': {
      const id = args[0];
      if (id === null || id === undefined) return lib.npe(ip, at);
      h.d.checkpoint = String(id);
      return null;
    }
    case 'getresumecheckpoint':
      return h.d.checkpoint;
  }
  return lib.u(ip, `EventBus.TriggerContext.${m}`, at);
}

export function triggerContextField(
  lib: Library,
  ip: Interp,
  h: HostObj,
  key: string,
  at: Pos
): unknown {
  if (key === 'retries') return h.d.retries;
  if (key === 'lasterror') return h.d.lastError;
  return lib.u(ip, `EventBus.TriggerContext.${key}`, at);
}

/** SuccessResult / FailureResult ("EventBus.SuccessResult", "EventBus.FailureResult"). */
export function resultMember(lib: Library, ip: Interp, h: HostObj, m: string, at: Pos): unknown {
  if (m === 'geteventuuids') return new AList(T_STRING, [...(h.d.uuids as string[])]);
  return lib.u(ip, `${h.$type.name}.${m}`, at);
}

/** EventBusSubscriber rows for the running test (PEDG "Test Retried Event Messages"). */
export function subscriberRows(lib: Library): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of lib.platform.bus.subs.values())
    rows.push({
      Name: s.trigger.decl.name,
      Topic: lib.org.schema.get(s.trigger.object)!.name,
      Type: 'ApexTrigger',
      Position: s.position,
      Tip: lib.platform.bus.replay,
      Retries: s.retries,
      LastError: s.lastError,
      Status: s.status
    });
  return rows;
}
