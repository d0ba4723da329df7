/**
 * Part 2 platform model: transactions and limits, async Apex, platform events, Platform Cache and
 * named credentials. The Library (src/stdlib.ts) delegates these members here; each returns
 * NOT_MINE when a call is not one of its own.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Pos } from '../ast';
import { Uncatchable } from '../errors';
import type { Interp } from '../interp';
import { HostObj as HostObjClass, type HostObj, type Library } from '../stdlib';
import { rt } from '../interp';
import { SObj } from '../sobject';
import { AList, type RtType } from '../values';
import * as asyncApex from './async';
import * as cache from './cache';
import * as callouts from './callouts';
import * as events from './events';
import { NOT_MINE, limitValues, type LimitValues, type TxKind } from './tx';

export { NOT_MINE };

export interface PlatformOptions {
  /** username the event triggers without a PlatformEventSubscriberConfig run as */
  eventUser?: string;
  /** batch size for event triggers without a PlatformEventSubscriberConfig */
  eventBatchSize?: number;
}

export interface PlatformMetadata {
  subscriberConfigs: Map<string, events.SubscriberConfig>;
  partitions: Map<string, cache.PartitionMeta>;
  /** Named Credentials and External Credentials (src/platform/callouts.ts) */
  credentials: callouts.CredentialMeta;
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'platformCachePartitionTypes'
});

function readXml(file: string): Record<string, any> {
  const doc = xml.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  const key = Object.keys(doc).find((k) => !k.startsWith('?'));
  return (key ? doc[key] : {}) as Record<string, any>;
}

/** Reads the metadata this module needs from the project's files. */
export function loadPlatformMetadata(files: string[]): PlatformMetadata {
  const md: PlatformMetadata = {
    subscriberConfigs: new Map(),
    partitions: new Map(),
    credentials: callouts.loadCredentials(files)
  };
  for (const f of files) {
    const base = path.basename(f);
    if (base.endsWith('.platformEventSubscriberConfig-meta.xml')) {
      const x = readXml(f);
      const size = x.batchSize === undefined ? null : Number(x.batchSize);
      md.subscriberConfigs.set(String(x.platformEventConsumer ?? '').toLowerCase(), {
        user: x.user === undefined ? null : String(x.user),
        batchSize: size
      });
    } else if (base.endsWith('.cachePartition-meta.xml')) {
      const name = base.replace(/\.cachePartition-meta\.xml$/, '');
      md.partitions.set(name.toLowerCase(), cache.partitionMeta(name, readXml(f)));
    }
  }
  return md;
}

const STATIC_TYPES = new Set([
  'asyncinfo',
  'system.asyncinfo',
  'cache.org',
  'cache.session',
  'eventbus.triggercontext',
  'eventbus'
]);

export class Platform {
  bus = new events.TestEventBus();
  txStack: TxKind[] = [];
  cpuStart = process.cpuUsage();
  triggerContext: HostObj | null = null;
  callbackDepth = 0;
  cache = new cache.OrgCache();
  async = new asyncApex.AsyncState();
  md: PlatformMetadata = {
    subscriberConfigs: new Map(),
    partitions: new Map(),
    credentials: { named: new Map(), external: new Map() }
  };
  options: PlatformOptions = {};
  private autoProcId: string | null = null;

  constructor(readonly lib: Library) {}

  configure(md: PlatformMetadata, options: PlatformOptions): void {
    this.md = md;
    this.options = options;
  }

  /** A new test method: a new test event bus, empty cache, no running async work. */
  reset(): void {
    this.bus.reset();
    this.txStack = [];
    this.cpuStart = process.cpuUsage();
    this.triggerContext = null;
    this.callbackDepth = 0;
    this.cache.reset();
    this.async.reset();
    this.autoProcId = null;
  }

  kind(): TxKind {
    return this.txStack[this.txStack.length - 1] ?? 'test';
  }

  limits(): LimitValues {
    return limitValues(this.kind());
  }

  overLimit(ip: Interp, msg: string, at: Pos): never {
    throw new Uncatchable(ip.makeException('System.LimitException', msg, at));
  }

  /** CPU time of this transaction in ms, from the process's CPU clock (an approximation). */
  cpuTime(): number {
    const u = process.cpuUsage(this.cpuStart);
    return Math.round((u.user + u.system) / 1000);
  }

  /** PEDG: event triggers run as the Automated Process entity unless a config names a user. */
  automatedProcessUser(): string {
    if (this.autoProcId) return this.autoProcId;
    const db = this.lib.org.db;
    for (const [id, r] of db.table('user'))
      if (r.get('usertype') === 'AutomatedProcess') return (this.autoProcId = id);
    this.autoProcId = db.seed('User', {
      Username: `autoproc@${this.lib.org.orgId.toLowerCase()}.example.com`,
      LastName: 'Process',
      FirstName: 'Automated',
      Name: 'Automated Process',
      Alias: 'autoproc',
      UserType: 'AutomatedProcess',
      IsActive: true,
      TimeZoneSidKey: this.lib.org.timezone,
      LocaleSidKey: this.lib.org.locale,
      LanguageLocaleKey: this.lib.org.language,
      EmailEncodingKey: 'UTF-8'
    });
    return this.autoProcId;
  }

  subscriberConfig(triggerName: string): events.SubscriberConfig {
    const c = this.md.subscriberConfigs.get(triggerName.toLowerCase());
    if (c) return c;
    return {
      user: this.options.eventUser ?? null,
      batchSize: this.options.eventBatchSize ?? null
    };
  }

  /** The user an event trigger runs as: the configured username (a User row), else Automated Process. */
  eventTriggerUser(cfg: events.SubscriberConfig): string {
    if (!cfg.user) return this.automatedProcessUser();
    const db = this.lib.org.db;
    for (const [id, r] of db.table('user'))
      if (String(r.get('username') ?? '').toLowerCase() === cfg.user.toLowerCase()) return id;
    const profile = [...db.table('profile').entries()].find(
      ([, r]) => r.get('name') === 'Standard User'
    )?.[0];
    return db.seed('User', {
      Username: cfg.user,
      LastName: cfg.user.split('@')[0],
      Name: cfg.user.split('@')[0],
      Alias: cfg.user.slice(0, 8),
      Email: cfg.user,
      UserType: 'Standard',
      IsActive: true,
      ProfileId: profile ?? this.lib.org.profileId,
      TimeZoneSidKey: this.lib.org.timezone,
      LocaleSidKey: this.lib.org.locale,
      LanguageLocaleKey: this.lib.org.language,
      EmailEncodingKey: 'UTF-8'
    });
  }

  /** One object of each host kind this module adds, for the inventory's instance probes. */
  inventorySamples(): HostObj[] {
    const mk = (key: string, name: string, kind: string, d: unknown): HostObj =>
      new HostObjClass(rt(key, name), kind, d);
    return [
      mk('eventbus.failureresult', 'EventBus.FailureResult', 'eventbusresult', { uuids: [] }),
      mk('eventbus.triggercontext', 'EventBus.TriggerContext', 'eventtriggercontext', {
        retries: 0,
        lastError: null,
        checkpoint: null
      }),
      mk('cache.orgpartition', 'Cache.OrgPartition', 'orgpartition', {
        name: 'probe',
        isDefault: false,
        orgCapacity: 0
      }),
      mk(
        'system.queueableduplicatesignature.builder',
        'System.QueueableDuplicateSignature.Builder',
        'signaturebuilder',
        { parts: [] }
      )
    ];
  }

  hasStaticType(key: string): boolean {
    return STATIC_TYPES.has(key);
  }

  // ------------------------------------------------------------ dispatch from the Library

  callStatic(ip: Interp, sig: string, args: unknown[], at: Pos): unknown {
    const lib = this.lib;
    switch (sig) {
      case 'eventbus.publish':
        return events.publish(lib, ip, args[0], args.length > 1 ? args[1] : null, at);
      case 'eventbus.publishwithaccesslevel':
        return this.publishWithAccessLevel(ip, args, at);
      case 'eventbus.triggercontext.currentcontext':
        if (!this.triggerContext)
          return lib.u(
            ip,
            'the trigger context outside a platform-event trigger (the documentation does not say what EventBus.TriggerContext returns there)',
            at
          );
        return this.triggerContext;
    }
    const c = cache.callStatic(lib, ip, sig, args, at);
    if (c !== NOT_MINE) return c;
    return asyncApex.callStatic(lib, ip, sig, args, at);
  }

  /**
   * "EventBus Class", publishWithAccessLevel(events, accessLevel) and (events, callback,
   * accessLevel). System mode publishes as EventBus.publish does. In user mode the running user
   * needs Create on the event object ("Set an Access Mode for Database Operations"); field-level
   * security does not apply to event fields (PEDG "Considerations for Defining and Publishing
   * Platform Events"). Without Create every event fails in its SaveResult, since publish "doesn't
   * throw an exception due to an unsuccessful publish operation" (the status code is a choice).
   */
  publishWithAccessLevel(ip: Interp, args: unknown[], at: Pos): unknown {
    const lib = this.lib;
    const mode = args[args.length - 1] as any;
    if (mode === null || mode === undefined) return lib.npe(ip, at);
    if (args.length !== 2 && args.length !== 3)
      return lib.u(ip, `EventBus.publishWithAccessLevel(${args.length} args)`, at);
    let denied = false;
    if (mode?.name === 'USER_MODE') {
      const first = args[0] instanceof AList ? args[0].a[0] : args[0];
      const o = first instanceof SObj ? lib.org.schema.get(first.type) : undefined;
      if (o) denied = !lib.security.objPerm(lib.security.current(), o).create;
    }
    return events.publish(lib, ip, args[0], args.length === 3 ? args[1] : null, at, denied);
  }

  /** Instance members of this module's host objects; NOT_MINE otherwise. */
  callInstance(ip: Interp, h: HostObj, m: string, args: unknown[], at: Pos): unknown {
    const lib = this.lib;
    switch (h.kind) {
      case 'eventtriggercontext':
        return events.triggerContextMember(lib, ip, h, m, args, at);
      case 'eventbusresult':
        return events.resultMember(lib, ip, h, m, at);
      case 'testbroker':
        if (m === 'deliver') return (events.deliverEvents(lib, ip, at), null);
        if (m === 'fail') return (events.failEvents(lib, ip, at), null);
        return lib.u(ip, `Test.getEventBus().${m}`, at);
      case 'orgpartition':
        return cache.partitionMember(lib, ip, h, m, args, at);
    }
    return asyncApex.callInstance(lib, ip, h, m, args, at);
  }

  field(ip: Interp, h: HostObj, key: string, at: Pos): unknown {
    if (h.kind === 'eventtriggercontext')
      return events.triggerContextField(this.lib, ip, h, key, at);
    return asyncApex.field(this.lib, ip, h, key, at);
  }

  fieldSet(ip: Interp, h: HostObj, key: string, v: unknown, at: Pos): unknown {
    return asyncApex.fieldSet(this.lib, ip, h, key, v, at);
  }

  construct(ip: Interp, t: RtType, args: unknown[], at: Pos): unknown {
    return asyncApex.construct(this.lib, ip, t, args, at);
  }
}
