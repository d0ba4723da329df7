/**
 * The Apex standard library, implemented from the Apex Reference Guide. Any member not listed
 * here raises an *unsupported* outcome.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import crypto from 'node:crypto';
import type { Pos, Stmt } from './ast';
import type { Database } from './db';
import { ApexThrow, Uncatchable } from './errors';
import {
  Interp,
  NOT_FOUND,
  T_BOOLEAN,
  T_DATE,
  T_DATETIME,
  T_DECIMAL,
  T_DOUBLE,
  T_ID,
  T_INTEGER,
  T_LONG,
  T_STRING,
  T_TIME,
  T_SOBJECT,
  exceptionToString,
  isNumeric,
  listOf,
  normalizeId,
  numCompare,
  numValue,
  rt,
  toDecimal,
  typeName,
  type Host,
  type Scope
} from './interp';
import { JsonError, parseJson, quote, type JNode } from './json';
import * as asyncApex from './platform/async';
import * as callouts from './platform/callouts';
import * as platformEvents from './platform/events';
import { NOT_MINE, Platform } from './platform/index';
import { type FieldMeta, type ObjMeta, type Schema, isLongText } from './schema';
import { SObj } from './sobject';
import type { Security } from './platform/security';
import { fromLocal, isValidTz, javaFormat, localParts, localePatterns, tzOffset } from './timeutil';
import {
  ABlob,
  ADate,
  ADatetime,
  ADecimal,
  ADouble,
  AEnum,
  AList,
  AMap,
  AObj,
  ASet,
  ATime,
  AType,
  T_OBJECT,
  javaDouble,
  type RoundingMode,
  type RtType
} from './values';

/** Instances of built-in classes (SaveResult, Pattern, describe results, …). */
export class HostObj {
  constructor(
    readonly $type: RtType,
    readonly kind: string,
    readonly d: any
  ) {}
}

export interface Label {
  name: string;
  value: string;
  translations: Map<string, string>;
}

export interface OrgState {
  schema: Schema;
  db: Database;
  labels: Map<string, Label>;
  language: string;
  locale: string;
  timezone: string;
  userId: string;
  orgId: string;
  profileId: string;
  userName: string;
  orgName: string;
  /** test context */
  inTest: boolean;
  startTestCalled: boolean;
  stopTestCalled: boolean;
  limits: { queries: number; dml: number; rows: number; dmlRows: number; queueable: number };
  clock: () => number;
  /** callouts (Testing HTTP Callouts by Implementing the HttpCalloutMock Interface) */
  httpMock: AObj | null;
  uncommittedWork: boolean;
  callouts: number;
  rest: { request: unknown; response: unknown };
  /** Queueable jobs of the test (Apex Developer Guide, "Queueable Apex", "Testing Queueable Jobs") */
  jobs: { id: string; job: AObj; afterStart: boolean; done: boolean }[];
  /** published platform events not yet delivered, by object key */
  events: { type: string; event: SObj }[];
  /** scheduled jobs (Apex Developer Guide, "Apex Scheduler", "Testing the Apex Scheduler") */
  scheduled: { id: string; job: AObj; afterStart: boolean; done: boolean }[];
  runningScheduled: boolean;
  batches: { id: string; job: AObj; scope: number; afterStart: boolean; done: boolean }[];
  runningBatch: boolean;
  publishImmediate: number;
  running: { id: string; job: AObj; finalizer: AObj | null; inFinalizer: boolean } | null;
  /**
   * Hosting (src/host): outside a test, a callout nobody mocks is made by this function, which
   * returns the HttpResponse. Never set while tests run.
   */
  hostCallout?: ((ip: Interp, req: HostObj, at: Pos) => HostObj) | null;
  /**
   * Hosting (src/host): told when a transaction is rolled back, with the lengths the async queues
   * had when it began, so the jobs it queued are not run ("Queueable Apex": "If an Apex
   * transaction rolls back, any queueable jobs queued for execution by the transaction aren't
   * processed"). Never set while tests run.
   */
  hostRollback?: ((marks: { jobs: number; scheduled: number; batches: number }) => void) | null;
  savedLimits: {
    queries: number;
    dml: number;
    rows: number;
    dmlRows: number;
    queueable: number;
    callouts: number;
    immediate: number;
  } | null;
}

const STATIC_TYPES = new Set([
  'system',
  'string',
  'integer',
  'long',
  'decimal',
  'double',
  'boolean',
  'math',
  'date',
  'datetime',
  'time',
  'timezone',
  'json',
  'blob',
  'encodingutil',
  'crypto',
  'pattern',
  'id',
  'type',
  'userinfo',
  'test',
  'assert',
  'database',
  'schema',
  'limits',
  'label',
  'system.label',
  'trigger',
  'roundingmode',
  'system.roundingmode',
  'logginglevel',
  'system.logginglevel',
  'statuscode',
  'system.statuscode',
  'triggeroperation',
  'system.triggeroperation',
  'accesslevel',
  'system.accesslevel',
  'schema.sobjecttype',
  'schema.displaytype',
  'displaytype',
  'schema.soaptype',
  'soaptype',
  'eventbus',
  'restcontext',
  'featuremanagement',
  'http',
  'url',
  'system.url',
  'system.test',
  'system.json',
  'system.math',
  'system.string',
  'database.dmloptions',
  'jsontoken',
  'system.jsontoken',
  'apexpages',
  'messaging',
  'cache',
  'site',
  'auth',
  'sobjecttype',
  'sobject',
  'sobjectdescribeoptions',
  'schema.sobjectdescribeoptions',
  'parentjobresult',
  'system.parentjobresult'
]);

const ROUNDING: RoundingMode[] = [
  'CEILING',
  'DOWN',
  'FLOOR',
  'HALF_DOWN',
  'HALF_EVEN',
  'HALF_UP',
  'UNNECESSARY',
  'UP'
];
const LOGGING = ['NONE', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'FINE', 'FINER', 'FINEST'];
const TRIGGER_OPS = [
  'BEFORE_INSERT',
  'BEFORE_UPDATE',
  'BEFORE_DELETE',
  'AFTER_INSERT',
  'AFTER_UPDATE',
  'AFTER_DELETE',
  'AFTER_UNDELETE'
];
/** Apex Reference, "DisplayType Enum". */
const DISPLAY_TYPES = [
  'ADDRESS',
  'ANYTYPE',
  'BASE64',
  'BOOLEAN',
  'COMBOBOX',
  'CURRENCY',
  'DATACATEGORYGROUPREFERENCE',
  'DATE',
  'DATETIME',
  'DOUBLE',
  'EMAIL',
  'ENCRYPTEDSTRING',
  'ID',
  'INTEGER',
  'LONG',
  'MULTIPICKLIST',
  'PERCENT',
  'PHONE',
  'PICKLIST',
  'REFERENCE',
  'STRING',
  'TEXTAREA',
  'TIME',
  'URL'
] as const;

/** Apex Reference, "SOAPType Enum". */
const SOAP_TYPES = [
  'ANYTYPE',
  'BASE64BINARY',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'DOUBLE',
  'ID',
  'INTEGER',
  'STRING',
  'TIME'
] as const;

export const STATUS_CODES = [
  'REQUIRED_FIELD_MISSING',
  'STRING_TOO_LONG',
  'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
  'DUPLICATE_VALUE',
  'DUPLICATE_EXTERNAL_ID',
  'INVALID_FIELD_FOR_INSERT_UPDATE',
  'FIELD_CUSTOM_VALIDATION_EXCEPTION',
  'MISSING_ARGUMENT',
  'INVALID_CROSS_REFERENCE_KEY',
  'ENTITY_IS_DELETED',
  'UNDELETE_FAILED',
  'INVALID_ID_FIELD',
  'INVALID_EMAIL_ADDRESS',
  'NUMBER_OUTSIDE_VALID_RANGE',
  'INVALID_FIELD',
  'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
  'UNABLE_TO_LOCK_ROW',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'INVALID_TYPE',
  'INVALID_TYPE_ON_FIELD_IN_RECORD',
  'FIELD_INTEGRITY_EXCEPTION',
  'MIXED_DML_OPERATION',
  // "Platform Event Error Status Codes"
  'LIMIT_EXCEEDED'
];

/** AccessLevel argument of a Database method: 'user_mode' | 'system_mode' | null. */
function accessLevelOf(v: unknown): string | null {
  if (v instanceof AEnum && v.type.toLowerCase().endsWith('accesslevel'))
    return v.name.toLowerCase();
  return null;
}

function enumOf(type: string, values: readonly string[], name: string): AEnum | undefined {
  const i = values.indexOf(name.toUpperCase());
  return i < 0 ? undefined : new AEnum(type, type.toLowerCase(), values[i]!, i);
}

const DAY = 86400000;
/** Java Character.isWhitespace (no-break spaces and the byte-order mark are not whitespace). */
const JAVA_WS_ONLY =
  /^[\t\n\u000B\f\r\u001C-\u001F \u1680\u2000-\u2006\u2008-\u200A\u2028\u2029\u205F\u3000]*$/;

export class Library implements Host {
  security!: Security;
  /** transactions, async Apex, platform events, Platform Cache (src/platform/) */
  readonly platform: Platform;
  constructor(readonly org: OrgState) {
    this.platform = new Platform(this);
  }

  copyValue<T>(v: T): T {
    return deepCopy(v);
  }

  runAs(ip: Interp, s: Extract<Stmt, { k: 'runas' }>, scope: Scope, body: () => number): number {
    return this.security.runAs(ip, s, scope, body);
  }

  hasStaticType(key: string): boolean {
    if (this.platform.hasStaticType(key)) return true;
    if (STATIC_TYPES.has(key)) return true;
    if (key.startsWith('database.') || key.startsWith('schema.') || key.startsWith('system.')) {
      const rest = key.slice(key.indexOf('.') + 1);
      if (key.startsWith('schema.') && this.org.schema.get(rest)) return true;
      return STATIC_TYPES.has(rest) || key.startsWith('database.');
    }
    return !!this.org.schema.get(key);
  }

  isSObjectType(key: string): string | undefined {
    if (key === 'aggregateresult') return 'AggregateResult';
    return this.org.schema.get(key)?.name;
  }

  /** The method name as the source writes it (for unsupported messages). */
  wm(ip: Interp, m: string): string {
    return ip.writtenMethod && ip.writtenMethod.toLowerCase() === m ? ip.writtenMethod : m;
  }

  u(ip: Interp, what: string, at: Pos): never {
    throw ip.unsupported(what, at);
  }

  // ------------------------------------------------------------ static properties

  staticProp(ip: Interp, path: string[], at: Pos): { v: unknown } | undefined {
    let p = path.map((x) => x.toLowerCase());
    if (p[0] === 'system' && p.length > 1) p = p.slice(1);
    if (p[0] === 'schema' && p.length > 1 && p[1] !== 'sobjecttype') p = p.slice(1);
    const [a, b, c] = p;
    if (a === 'label' && b) {
      return { v: this.label(ip, path[path.length - 1]!, at) };
    }
    if (a === 'trigger' && b) {
      const ctx = (ip as any).triggerCtx;
      if (!ctx) {
        if (b === 'isexecuting') return { v: false };
        return { v: null };
      }
      if (!(b in ctx)) this.u(ip, `Trigger.${b}`, at);
      return { v: ctx[b] };
    }
    if (a === 'parentjobresult' && b) {
      const e = enumOf('System.ParentJobResult', ['SUCCESS', 'UNHANDLED_EXCEPTION'], b);
      if (!e) this.u(ip, `ParentJobResult.${b}`, at);
      return { v: e };
    }
    if (a === 'sobjectdescribeoptions' && b) {
      const e = enumOf('Schema.SObjectDescribeOptions', ['DEFAULT', 'DEFERRED', 'FULL'], b);
      if (!e) this.u(ip, `SObjectDescribeOptions.${b}`, at);
      return { v: e };
    }
    if (
      (a === 'roundingmode' ||
        a === 'logginglevel' ||
        a === 'statuscode' ||
        a === 'triggeroperation' ||
        a === 'accesslevel' ||
        a === 'jsontoken' ||
        a === 'displaytype' ||
        a === 'soaptype') &&
      b
    ) {
      const table: Record<string, readonly string[]> = {
        roundingmode: ROUNDING,
        logginglevel: LOGGING,
        statuscode: STATUS_CODES,
        triggeroperation: TRIGGER_OPS,
        accesslevel: ['SYSTEM_MODE', 'USER_MODE'],
        jsontoken: [
          'END_ARRAY',
          'END_OBJECT',
          'FIELD_NAME',
          'NOT_AVAILABLE',
          'START_ARRAY',
          'START_OBJECT',
          'VALUE_EMBEDDED_OBJECT',
          'VALUE_FALSE',
          'VALUE_NULL',
          'VALUE_NUMBER_FLOAT',
          'VALUE_NUMBER_INT',
          'VALUE_STRING',
          'VALUE_TRUE'
        ],
        displaytype: DISPLAY_TYPES,
        soaptype: SOAP_TYPES
      };
      const names: Record<string, string> = {
        roundingmode: 'System.RoundingMode',
        logginglevel: 'System.LoggingLevel',
        statuscode: 'System.StatusCode',
        triggeroperation: 'System.TriggerOperation',
        accesslevel: 'System.AccessLevel',
        jsontoken: 'System.JSONToken',
        displaytype: 'Schema.DisplayType',
        soaptype: 'Schema.SOAPType'
      };
      const e = enumOf(names[a]!, table[a]!, b);
      if (!e) this.u(ip, `${names[a]}.${b}`, at);
      return { v: e };
    }
    if (a === 'schema' && b === 'sobjecttype' && c) {
      const o = this.org.schema.get(c);
      if (!o) this.u(ip, `Schema.SObjectType.${c}`, at);
      let v: unknown = this.describeObj(o);
      for (const rest of p.slice(3)) v = this.hostField(ip, v, rest, at);
      return { v };
    }
    if (a === 'restcontext' && (b === 'request' || b === 'response') && p.length === 2)
      return { v: this.org.rest[b] };
    if (a === 'restcontext') this.u(ip, `RestContext.${b ?? ''}`, at);
    const o = a ? this.org.schema.get(a) : undefined;
    if (o && b) {
      if (b === 'sobjecttype') {
        let v: unknown = this.sobjectType(o);
        for (const rest of p.slice(2)) v = this.hostField(ip, v, rest, at);
        return { v };
      }
      const f =
        o.fields.get(b) ??
        [...o.fields.values()].find((x) => x.relationshipName?.toLowerCase() === b);
      if (f) {
        let v: unknown = this.fieldToken(o, f);
        for (const rest of p.slice(2)) v = this.hostField(ip, v, rest, at);
        return { v };
      }
      this.u(ip, `${o.name}.${b}`, at);
    }
    if (a === '<instance>') return undefined;
    return undefined;
  }

  instanceField(ip: Interp, o: unknown, key: string, at: Pos): unknown {
    if (o instanceof HostObj) {
      const r = this.platform.field(ip, o, key, at);
      if (r !== NOT_MINE) return r;
    }
    if (o instanceof HostObj && (o.kind === 'restrequest' || o.kind === 'restresponse')) {
      if (!(key in o.d)) this.u(ip, `${o.$type.name}.${key}`, at);
      return o.d[key];
    }
    return this.hostField(ip, o, key, at);
  }

  instanceFieldSet(ip: Interp, o: unknown, key: string, v: unknown, at: Pos): unknown {
    if (o instanceof HostObj) {
      const r = this.platform.fieldSet(ip, o, key, v, at);
      if (r !== NOT_MINE) return r;
    }
    if (o instanceof HostObj && (o.kind === 'restrequest' || o.kind === 'restresponse')) {
      if (!(key in o.d)) this.u(ip, `${o.$type.name}.${key}`, at);
      o.d[key] = v;
      return v;
    }
    return this.u(ip, `assignment to ${typeName(ip.typeOf(o))}.${key}`, at);
  }

  staticSet(ip: Interp, path: string[], v: unknown, at: Pos): unknown {
    const p = path.map((x) => x.toLowerCase()).filter((x, i) => !(i === 0 && x === 'system'));
    if (p[0] === 'restcontext' && (p[1] === 'request' || p[1] === 'response') && p.length === 2) {
      this.org.rest[p[1]] = v;
      return v;
    }
    return this.u(ip, `assignment to ${path.join('.')}`, at);
  }

  /** java.net.URLDecoder: '+' is a space, %XX are UTF-8 bytes (malformed bytes become U+FFFD). */
  urlDecode(ip: Interp, s: string, at: Pos): string {
    const bytes: number[] = [];
    let out = '';
    const flush = (): void => {
      if (bytes.length)
        out += new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes));
      bytes.length = 0;
    };
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === '%') {
        if (i + 2 >= s.length + 0 && i + 2 > s.length - 1 + 0 && s.length - i < 3)
          ip.throwEx(
            'System.StringException',
            'URLDecoder: Incomplete trailing escape (%) pattern',
            at
          );
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex))
          ip.throwEx(
            'System.StringException',
            `URLDecoder: Illegal hex characters in escape (%) pattern - For input string: "${hex}"`,
            at
          );
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
      flush();
      out += c === '+' ? ' ' : c;
    }
    flush();
    return out;
  }

  restRequest(): HostObj {
    return new HostObj(rt('system.restrequest', 'System.RestRequest'), 'restrequest', {
      requesturi: null,
      resourcepath: null,
      httpmethod: null,
      requestbody: null,
      remoteaddress: null,
      headers: new AMap(T_STRING, T_STRING),
      params: new AMap(T_STRING, T_STRING)
    });
  }

  restResponse(): HostObj {
    return new HostObj(rt('system.restresponse', 'System.RestResponse'), 'restresponse', {
      statuscode: null,
      responsebody: null,
      headers: new AMap(T_STRING, T_STRING)
    });
  }

  /**
   * Http.send in a test: the mock set with Test.setMock answers, after the documented checks; it
   * sees the endpoint as written ("the callout is not made"). Without a mock the named credential
   * is resolved first (src/platform/callouts.ts).
   */
  httpSend(ip: Interp, req: unknown, at: Pos): unknown {
    if (!(req instanceof HostObj) || req.kind !== 'httprequest') return ip.npe(at);
    if ((ip as any).triggerCtx)
      ip.throwEx(
        'System.CalloutException',
        'Callout from triggers are currently not supported.',
        at
      );
    const job = this.org.running;
    if (job && !job.inFinalizer && !this.implementsStd(ip, job.job, 'database.allowscallouts'))
      ip.throwEx(
        'System.CalloutException',
        'Callout not allowed from this future method. Please enable callout by annotating the future method. eg: @Future(callout=true)',
        at
      );
    if (this.org.uncommittedWork)
      ip.throwEx(
        'System.CalloutException',
        'You have uncommitted work pending. Please commit or rollback before calling out',
        at
      );
    if (!this.org.httpMock) {
      // the callout would be made: its named credential is resolved first (platform/callouts.ts)
      callouts.checkNamedCredential(this, ip, req, at);
      if (this.org.inTest)
        ip.throwEx(
          'System.CalloutException',
          'Methods defined as TestMethod do not support Web service callouts',
          at
        );
      if (!this.org.hostCallout)
        return this.u(ip, 'a real HTTP callout (the runtime has no network access)', at);
    }
    this.org.callouts++;
    if (this.org.callouts > 100)
      throw new Uncatchable(
        ip.makeException('System.LimitException', 'Too many callouts: 101', at)
      );
    if (!this.org.httpMock) return this.org.hostCallout!(ip, req, at);
    return ip.callMethod(this.org.httpMock, 'respond', [req], at);
  }

  /**
   * EventBus.publish ("Publishing Platform Events"): one SaveResult per event. Publish-immediately
   * events count against Limits.getPublishImmediateDML, publish-after-commit ones against the DML
   * statement limit. Delivery to an Apex trigger subscriber is part 2 (unsupported at delivery).
   */
  publish(ip: Interp, arg: unknown, at: Pos): unknown {
    return platformEvents.publish(this, ip, arg, null, at);
  }

  /** Test.stopTest / Test.getEventBus().deliver() (src/platform/events.ts). */
  deliverEvents(ip: Interp, at: Pos): void {
    platformEvents.deliverEvents(this, ip, at);
  }

  schedule(ip: Interp, args: unknown[], at: Pos): unknown {
    const [name, cron, job] = args;
    if (name === null || cron === null || job === null || job === undefined)
      return this.npe(ip, at);
    if (!(job instanceof AObj) || !this.implementsStd(ip, job, 'schedulable'))
      return this.u(ip, 'System.schedule of a non-Schedulable', at);
    const db = this.org.db;
    const exists = [...db.table('cronjobdetail').values()].some((r) => r.get('name') === name);
    if (exists)
      ip.throwEx(
        'System.AsyncException',
        `The Apex job named "${String(name)}" is already scheduled for execution.`,
        at
      );
    const next = nextFireTime(String(cron), this.org.clock(), this.org.timezone);
    if (next === null)
      return this.u(
        ip,
        `System.schedule with the cron expression '${String(cron)}' (only numbers, lists, ranges, steps, * and ? are modelled)`,
        at
      );
    const detail = db.seed('CronJobDetail', { Name: name, JobType: '7' });
    const id = db.seed('CronTrigger', {
      CronExpression: cron,
      CronJobDetailId: detail,
      State: 'WAITING',
      TimesTriggered: 0,
      NextFireTime: new ADatetime(next),
      StartTime: new ADatetime(this.org.clock()),
      TimeZoneSidKey: this.org.timezone,
      OwnerId: this.org.userId
    });
    this.org.scheduled.push({ id, job, afterStart: this.org.startTestCalled, done: false });
    return id;
  }

  executeBatch(ip: Interp, args: unknown[], at: Pos): unknown {
    return asyncApex.executeBatch(this, ip, args, at);
  }

  runBatches(ip: Interp, at: Pos): void {
    asyncApex.runBatches(this, ip, at, deepCopy);
  }

  runScheduledJobs(ip: Interp, at: Pos): void {
    asyncApex.runScheduledJobs(this, ip, at);
  }

  implementsStd(ip: Interp, o: AObj, key: string): boolean {
    return ip.isInstance(o, rt(key, key));
  }

  enqueueJob(ip: Interp, args: unknown[], at: Pos): unknown {
    return asyncApex.enqueueJob(this, ip, args, at);
  }

  /** Test.stopTest: the queued jobs run synchronously, each in its own transaction. */
  runQueuedJobs(ip: Interp, at: Pos): void {
    asyncApex.runQueuedJobs(this, ip, at);
  }

  httpObj(kind: 'httprequest' | 'httpresponse'): HostObj {
    const name = kind === 'httprequest' ? 'System.HttpRequest' : 'System.HttpResponse';
    return new HostObj(rt(`system.${kind}`, name), kind, {
      method: null,
      endpoint: null,
      body: null as string | ABlob | null,
      headers: new Map<string, [string, string]>(),
      timeout: null,
      statusCode: null,
      status: null,
      compressed: false
    });
  }

  httpMethod(ip: Interp, h: HostObj, m: string, args: unknown[], at: Pos): unknown {
    const d = h.d;
    const a = args[0];
    switch (m) {
      case 'setmethod':
        d.method = a;
        return null;
      case 'getmethod':
        return d.method;
      case 'setendpoint':
        d.endpoint = a;
        return null;
      case 'getendpoint':
        return d.endpoint;
      case 'settimeout':
        d.timeout = a;
        return null;
      case 'setcompressed':
        d.compressed = a;
        return null;
      case 'getcompressed':
        return d.compressed;
      case 'setbody':
        d.body = a === null ? null : String(a);
        return null;
      case 'getbody':
        return d.body instanceof ABlob ? d.body.b.toString('utf8') : d.body;
      case 'setbodyasblob':
        d.body = a;
        return null;
      case 'getbodyasblob':
        return d.body === null
          ? null
          : d.body instanceof ABlob
            ? d.body
            : new ABlob(Buffer.from(String(d.body), 'utf8'));
      case 'setheader':
        if (a === null) ip.npe(at);
        d.headers.set(String(a).toLowerCase(), [
          String(a),
          args[1] === null ? null : String(args[1])
        ]);
        return null;
      case 'getheader':
        if (a === null) return null;
        return d.headers.get(String(a).toLowerCase())?.[1] ?? null;
      case 'getheaderkeys':
        return new AList(
          T_STRING,
          [...d.headers.values()].map((x: [string, string]) => x[0])
        );
      case 'setstatuscode':
        d.statusCode = a;
        return null;
      case 'getstatuscode':
        return d.statusCode ?? (h.kind === 'httpresponse' ? 0 : null);
      case 'setstatus':
        d.status = a;
        return null;
      case 'getstatus':
        return d.status;
      case 'tostring':
        return h.kind === 'httprequest'
          ? `System.HttpRequest[Endpoint=${String(d.endpoint)}, Method=${String(d.method)}]`
          : `System.HttpResponse[Status=${String(d.status)}, StatusCode=${String(d.statusCode ?? 0)}]`;
    }
    return this.u(ip, `${h.$type.name}.${this.wm(ip, m)}`, at);
  }

  hostField(ip: Interp, v: unknown, key: string, at: Pos): unknown {
    if (v instanceof HostObj) {
      if (v.kind === 'describeobj' && key === 'fields')
        return new HostObj(
          rt('schema.sobjecttypefields', 'Schema.SObjectTypeFields'),
          'fields',
          v.d
        );
      if (v.kind === 'sobjecttype' && key === 'fields')
        return new HostObj(
          rt('schema.sobjecttypefields', 'Schema.SObjectTypeFields'),
          'fields',
          v.d
        );
      if (v.kind === 'fields') {
        const o = v.d as ObjMeta;
        const f = o.fields.get(key);
        if (!f) this.u(ip, `field ${key} on ${o.name}`, at);
        return this.fieldToken(o, f);
      }
    }
    return this.u(ip, `${typeName(ip.typeOf(v))}.${key}`, at);
  }

  label(ip: Interp, name: string, at: Pos): string {
    const l = this.org.labels.get(name.toLowerCase());
    if (!l) this.u(ip, `label ${name} (not in the project)`, at);
    return l.translations.get(this.org.language) ?? l.value;
  }

  sobjectType(o: ObjMeta): HostObj {
    return new HostObj(rt('schema.sobjecttype', 'Schema.SObjectType'), 'sobjecttype', o);
  }
  describeObj(o: ObjMeta): HostObj {
    return new HostObj(
      rt('schema.describesobjectresult', 'Schema.DescribeSObjectResult'),
      'describeobj',
      o
    );
  }
  fieldToken(o: ObjMeta, f: FieldMeta): HostObj {
    const h = new HostObj(rt('schema.sobjectfield', 'Schema.SObjectField'), 'sobjectfield', {
      o,
      f
    });
    (h as any).$equals = (x: unknown) =>
      x instanceof HostObj && x.kind === 'sobjectfield' && x.d.f === f;
    (h as any).$str = () => f.name;
    return h;
  }

  // ------------------------------------------------------------ construction

  construct(ip: Interp, t: RtType, args: unknown[], at: Pos): unknown {
    const k = t.key.replace(/^system\./, '');
    const made = this.platform.construct(ip, t, args, at);
    if (made !== NOT_MINE) return made;
    switch (k) {
      case 'database.dmloptions':
        return new HostObj(rt('database.dmloptions', 'Database.DMLOptions'), 'dmloptions', {});
      case 'jsongenerator':
        return this.u(ip, 'new JSONGenerator', at);
      case 'httprequest':
      case 'httpresponse':
        return this.httpObj(k);
      case 'http':
        return new HostObj(rt('system.http', 'System.Http'), 'http', {});
      case 'restrequest':
        return this.restRequest();
      case 'restresponse':
        return this.restResponse();
      case 'object':
        return this.u(ip, 'new Object()', at);
    }
    return this.u(ip, `new ${t.name}`, at);
  }

  // ------------------------------------------------------------ static methods

  callStatic(ip: Interp, type: string, method: string, args: unknown[], at: Pos): unknown {
    let t = type;
    if (t.startsWith('system.') && t !== 'system.label') t = t.slice(7);
    const n = args.length;
    const a0 = args[0];
    const sig = `${t}.${method}`;
    const o = this.org.schema.get(t.replace(/^schema\./, ''));
    if (o) return this.sobjectStatic(ip, o, method, args, at);
    if (t.startsWith('eventbus') || t.startsWith('cache.') || t === 'asyncinfo') {
      const r = this.platform.callStatic(ip, sig, args, at);
      if (r !== NOT_MINE) return r;
    }
    switch (sig) {
      // ---- System
      case 'system.debug':
        return null;
      case 'system.now':
      case 'datetime.now':
        return new ADatetime(this.org.clock());
      case 'system.today':
      case 'date.today':
        return this.today();
      case 'system.currenttimemillis':
        return BigInt(this.org.clock());
      case 'system.assert':
      case 'system.assertequals':
      case 'system.assertnotequals':
        return this.systemAssert(ip, method, args, at);
      case 'system.istest':
        return this.org.inTest;
      case 'system.isqueueable':
        if (this.org.running?.inFinalizer)
          return this.u(ip, 'System.isQueueable inside a Finalizer', at);
        return this.org.running !== null;
      case 'system.isscheduled':
        return this.org.runningScheduled;
      case 'system.isbatch':
        return this.org.runningBatch;
      case 'system.isfuture':
        return false;
      case 'system.enqueuejob':
        return this.enqueueJob(ip, args, at);
      case 'system.schedule':
        return this.schedule(ip, args, at);
      case 'system.abortjob': {
        const id = String(a0);
        const r = this.org.db.rowById(id);
        if (!r || r.o.key !== 'crontrigger')
          return this.u(ip, 'System.abortJob of a non-scheduled job', at);
        this.org.db.table('crontrigger').delete(id);
        this.org.scheduled = this.org.scheduled.filter((j) => j.id !== id);
        return null;
      }
      case 'test.geteventbus':
        return new HostObj(rt('system.testbroker', 'System.TestBroker'), 'testbroker', {});
      case 'system.attachfinalizer': {
        const r = this.org.running;
        if (!r || r.inFinalizer)
          return this.u(ip, 'attachFinalizer outside a running Queueable', at);
        if (r.finalizer) return this.u(ip, 'a second attachFinalizer in one job', at);
        if (!(a0 instanceof AObj)) return this.npe(ip, at);
        r.finalizer = a0;
        return null;
      }
      case 'system.hashcode':
        return this.hashCode(ip, a0);
      case 'system.equals':
        return ip.equalsStrict(a0, args[1]);
      case 'system.requestversion':
        return this.u(ip, sig, at);
      // ---- Assert
      case 'assert.areequal':
      case 'assert.arenotequal':
      case 'assert.istrue':
      case 'assert.isfalse':
      case 'assert.isnull':
      case 'assert.isnotnull':
      case 'assert.fail':
      case 'assert.isinstanceoftype':
      case 'assert.isnotinstanceoftype':
        return this.assert(ip, method, args, at);
      // ---- String
      case 'string.isblank':
        return a0 === null || JAVA_WS_ONLY.test(String(a0));
      case 'string.isnotblank':
        return !(a0 === null || JAVA_WS_ONLY.test(String(a0)));
      case 'string.isempty':
        return a0 === null || a0 === '';
      case 'string.isnotempty':
        return !(a0 === null || a0 === '');
      case 'string.valueof':
        if (n === 1)
          return a0 === null
            ? this.u(
                ip,
                'String.valueOf(null) (the documentation does not say what it returns)',
                at
              )
            : a0 instanceof ADatetime
              ? this.dtString(a0, this.org.timezone)
              : ip.str(a0);
        break;
      case 'string.valueofgmt':
        return this.dtString(a0 as ADatetime, 'GMT');
      case 'string.join': {
        if (a0 === null) this.npe(ip, at);
        const items =
          a0 instanceof AList
            ? a0.a
            : a0 instanceof ASet
              ? [...a0.m.values()]
              : this.u(ip, 'String.join on non-iterable', at);
        return items.map((x) => ip.str(x)).join(args[1] === null ? 'null' : String(args[1]));
      }
      case 'string.format':
        return this.messageFormat(ip, String(a0), args[1] as AList);
      case 'string.escapesinglequotes':
        return String(a0).replace(/'/g, "\\'");
      case 'string.fromchararray':
        return String.fromCodePoint(...(a0 as AList).a.map((x) => x as number));
      // ---- numbers
      case 'integer.valueof':
        return this.integerValueOf(ip, a0, at);
      case 'long.valueof':
        if (typeof a0 === 'string') {
          if (!/^[+-]?\d+$/.test(a0.trim()))
            ip.throwEx('System.TypeException', `Invalid long: ${a0}`, at);
          return BigInt.asIntN(64, BigInt(a0.trim()));
        }
        if (a0 === null) this.npe(ip, at);
        return ip.cast(a0, T_LONG, at);
      case 'decimal.valueof':
        if (typeof a0 === 'string') {
          try {
            return ADecimal.parse(a0);
          } catch {
            ip.throwEx('System.TypeException', `Invalid decimal: ${a0}`, at);
          }
        }
        if (a0 === null) this.npe(ip, at);
        if (a0 instanceof ADouble) return ADecimal.fromDoubleValue(a0.v);
        return toDecimal(a0);
      case 'double.valueof':
        if (typeof a0 === 'string') {
          const v = Number(a0);
          if (a0.trim() === '' || Number.isNaN(v))
            ip.throwEx('System.TypeException', `Invalid double: ${a0}`, at);
          return new ADouble(v);
        }
        if (a0 === null) this.npe(ip, at);
        return new ADouble(numValue(a0));
      case 'boolean.valueof':
        if (typeof a0 === 'string') return a0.toLowerCase() === 'true';
        return a0;
      case 'id.valueof':
        if (a0 === null) return null;
        return ip.toId(String(a0), at);
      // ---- Math
      case 'math.abs':
      case 'math.max':
      case 'math.min':
      case 'math.mod':
      case 'math.ceil':
      case 'math.floor':
      case 'math.round':
      case 'math.roundtolong':
      case 'math.sqrt':
      case 'math.pow':
      case 'math.random':
      case 'math.signum':
      case 'math.exp':
      case 'math.log':
      case 'math.log10':
        return this.math(ip, method, args, at);
      // ---- Date / Datetime / Time
      case 'date.newinstance':
        return ADate.of(a0 as number, args[1] as number, args[2] as number);
      case 'date.valueof':
        return this.dateValueOf(ip, a0, at);
      case 'date.isleapyear': {
        const y = a0 as number;
        return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
      }
      case 'date.daysinmonth':
        return new Date(Date.UTC(a0 as number, args[1] as number, 0)).getUTCDate();
      case 'date.parse':
        return this.dateParse(ip, String(a0), at);
      case 'datetime.newinstance':
        return this.dtNewInstance(ip, args, this.org.timezone, at);
      case 'datetime.newinstancegmt':
        return this.dtNewInstance(ip, args, 'GMT', at);
      case 'datetime.valueof':
        return this.dtValueOf(ip, a0, this.org.timezone, at);
      case 'datetime.valueofgmt':
        return this.dtValueOf(ip, a0, 'GMT', at);
      case 'datetime.parse':
        return this.u(ip, 'Datetime.parse (locale format)', at);
      case 'time.newinstance':
        return ATime.of(a0 as number, args[1] as number, args[2] as number, args[3] as number);
      case 'timezone.gettimezone': {
        const id = String(a0);
        return this.timeZone(isValidTz(id) ? id : 'GMT');
      }
      // ---- JSON
      case 'json.serialize':
        return this.jsonSerialize(ip, a0, args[1] === true, false, at);
      case 'json.serializepretty':
        return this.jsonSerialize(ip, a0, args[1] === true, true, at);
      case 'json.deserializeuntyped':
        return this.untyped(ip, this.parse(ip, a0, at));
      case 'json.deserialize':
      case 'json.deserializestrict':
        return this.typed(
          ip,
          this.parse(ip, a0, at),
          (args[1] as AType).t,
          method === 'deserializestrict',
          at
        );
      case 'json.creategenerator':
      case 'json.createparser':
        return this.u(ip, `JSON.${this.wm(ip, method)}`, at);
      // ---- Blob / EncodingUtil / Crypto
      case 'blob.valueof':
        if (a0 === null) this.npe(ip, at);
        return new ABlob(Buffer.from(String(a0), 'utf8'));
      case 'blob.topdf':
        return this.u(ip, sig, at);
      case 'encodingutil.base64encode':
        return (a0 as ABlob).b.toString('base64');
      case 'encodingutil.base64decode':
        return new ABlob(Buffer.from(String(a0), 'base64'));
      case 'encodingutil.converttohex':
        return (a0 as ABlob).b.toString('hex');
      case 'encodingutil.convertfromhex':
        return new ABlob(Buffer.from(String(a0), 'hex'));
      case 'encodingutil.urlencode':
        return encodeURIComponent(String(a0))
          .replace(/%20/g, '+')
          .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
      case 'encodingutil.urldecode':
        return this.urlDecode(ip, String(a0), at);
      case 'crypto.generatedigest':
      case 'crypto.generatemac':
      case 'crypto.getrandominteger':
      case 'crypto.getrandomlong':
      case 'crypto.generateaeskey':
        return this.crypto(ip, method, args, at);
      // ---- Pattern
      case 'pattern.compile':
        return this.pattern(ip, String(a0), at);
      case 'pattern.matches':
        return this.matcherMatches(ip, this.pattern(ip, String(a0), at), String(args[1]));
      case 'pattern.quote':
        return String(a0).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      // ---- Type
      case 'type.forname': {
        const name = String(n >= 2 ? args[1] : a0);
        const ns = n === 2 ? a0 : null;
        if (ns) return null;
        const tr = ip.resolveType({ name, key: name.toLowerCase(), args: [], array: 0 }, null);
        const known =
          ip.classes.get(tr.key) ||
          this.org.schema.get(tr.key) ||
          [
            'integer',
            'string',
            'long',
            'decimal',
            'double',
            'boolean',
            'date',
            'datetime',
            'id'
          ].includes(tr.key);
        return known ? new AType(tr) : null;
      }
      // ---- UserInfo
      case 'userinfo.getuserid':
        return this.org.userId;
      case 'userinfo.getorganizationid':
        return this.org.orgId;
      case 'featuremanagement.checkpermission':
        return this.security.checkPermission(ip, a0, at);
      case 'userinfo.getprofileid':
        return this.org.profileId;
      case 'userinfo.getusername':
        return this.org.userName;
      case 'userinfo.getname':
        return this.security.userName();
      case 'userinfo.getlanguage':
        return this.org.language;
      case 'userinfo.getlocale':
        return this.org.locale;
      case 'userinfo.gettimezone':
        return this.timeZone(this.org.timezone);
      case 'userinfo.getorganizationname':
        return this.org.orgName;
      case 'userinfo.getusertype':
        return 'Standard';
      case 'userinfo.isMultiCurrencyOrganization':
        return false;
      // ---- Test
      case 'test.isrunningtest':
        return this.org.inTest;
      case 'test.starttest':
        if (this.org.startTestCalled)
          ip.throwEx('System.FinalException', 'Testing already started', at);
        this.org.startTestCalled = true;
        // "Testing HTTP Callouts": DML before startTest does not block a callout after it
        this.org.uncommittedWork = false;
        // "Using Limits, startTest, and stopTest": fresh limits until stopTest, then the old ones
        this.org.savedLimits = {
          ...this.org.limits,
          callouts: this.org.callouts,
          immediate: this.org.publishImmediate
        };
        this.org.callouts = 0;
        this.org.publishImmediate = 0;
        this.org.limits = { queries: 0, dml: 0, rows: 0, dmlRows: 0, queueable: 0 };
        return null;
      case 'test.stoptest':
        if (this.org.stopTestCalled)
          ip.throwEx('System.FinalException', 'Testing has already been stopped', at);
        this.org.stopTestCalled = true;
        this.deliverEvents(ip, at);
        this.runScheduledJobs(ip, at);
        this.runBatches(ip, at);
        this.runQueuedJobs(ip, at);
        // events the async work published are delivered by the same stopTest
        if (this.platform.bus.pending.length) this.deliverEvents(ip, at);
        if (this.org.savedLimits) {
          const { callouts, immediate, ...rest } = this.org.savedLimits;
          this.org.limits = rest;
          this.org.callouts = callouts;
          this.org.publishImmediate = immediate;
          this.org.savedLimits = null;
        }
        return null;
      case 'test.setcreateddate': {
        const id = String(a0);
        const row = this.org.db.rowById(id);
        if (!row)
          ip.throwEx(
            'System.IllegalArgumentException',
            `The sObject with the ID ${id} isn't part of this transaction.`,
            at
          );
        row.row.set('createddate', args[1]);
        return null;
      }
      case 'test.setmock': {
        if (a0 === null || a0 === undefined) return this.npe(ip, at);
        const t = (a0 as AType | null)?.t.key.replace(/^system\./, '');
        if (t !== 'httpcalloutmock')
          return this.u(ip, `Test.setMock(${(a0 as AType | null)?.t.name ?? 'null'})`, at);
        if (!(args[1] instanceof AObj))
          ip.throwEx('System.NullPointerException', 'Attempt to de-reference a null object', at);
        this.org.httpMock = args[1] as AObj;
        return null;
      }
      case 'test.loaddata':
        return this.u(ip, sig, at);
      // ---- Database
      case 'database.insert':
      case 'database.update':
      case 'database.upsert':
      case 'database.delete':
      case 'database.undelete':
        return this.databaseDml(ip, method, args, at);
      case 'database.query':
      case 'database.querywithbinds': {
        this.org.limits.queries++;
        const r = this.org.db.dynamicQuery(
          ip,
          String(a0),
          method === 'query' ? null : (args[1] as AMap),
          at,
          accessLevelOf(args[method === 'query' ? 1 : 2])
        );
        this.org.limits.rows += r instanceof AList ? r.a.length : 1;
        this.checkLimits(ip, at);
        return r;
      }
      case 'database.countquery':
      case 'database.countquerywithbinds': {
        // "Database Class": countQuery(query[, accessLevel]) and countQueryWithBinds(query,
        // bindMap, accessLevel) return the number of records a dynamic COUNT() query returns.
        this.org.limits.queries++;
        const binds = method === 'countquerywithbinds' ? (args[1] as AMap | null) : null;
        if (method === 'countquerywithbinds' && !(binds instanceof AMap))
          ip.throwEx('System.NullPointerException', 'Attempt to de-reference a null object', at);
        const r = this.org.db.dynamicQuery(ip, String(a0), binds, at);
        if (typeof r !== 'number') return this.u(ip, `${sig} of a query without COUNT()`, at);
        this.checkLimits(ip, at);
        return r;
      }
      case 'database.setsavepoint': {
        const sp = new HostObj(
          rt('system.savepoint', 'System.Savepoint'),
          'savepoint',
          this.org.db.mark()
        );
        (sp as any).eventMark = this.platform.bus.mark();
        return sp;
      }
      case 'database.rollback':
        if (a0 === null || a0 === undefined) return this.npe(ip, at);
        this.org.db.rollbackTo((a0 as HostObj).d as number);
        // publish-after-commit events published after the savepoint are rolled back with it
        this.platform.bus.discardAfterCommit((a0 as any).eventMark as number);
        return null;
      case 'database.emptyrecyclebin': {
        // "Database Class": permanently deletes records that are in the Recycle Bin
        const recs = a0 instanceof AList ? a0.a : [a0];
        const results: HostObj[] = [];
        for (const r of recs) {
          const id = r instanceof SObj ? (r.f.get('id') as string) : String(r);
          const row = this.org.db.rowById(id);
          const ok = !!row && row.row.get('isdeleted') === true;
          if (ok) this.org.db.table(row.o.key).delete(id);
          results.push(
            this.dbResult('database.emptyrecyclebinresult', {
              id,
              success: ok,
              created: false,
              errors: ok
                ? []
                : [this.dbError('ENTITY_IS_DELETED', 'entity is not in the recycle bin', [])]
            })
          );
        }
        return a0 instanceof AList
          ? new AList(
              rt('database.emptyrecyclebinresult', 'Database.EmptyRecycleBinResult'),
              results
            )
          : results[0];
      }
      case 'database.executebatch':
        return this.executeBatch(ip, args, at);
      case 'database.getquerylocator': {
        if (a0 instanceof AList)
          return new HostObj(rt('database.querylocator', 'Database.QueryLocator'), 'querylocator', {
            rows: a0.a
          });
        if (typeof a0 === 'string') {
          const r = this.org.db.dynamicQuery(ip, a0, null, at) as AList;
          return new HostObj(rt('database.querylocator', 'Database.QueryLocator'), 'querylocator', {
            rows: r.a
          });
        }
        return this.npe(ip, at);
      }
      // ---- Limits
      case 'limits.getqueries':
        return this.org.limits.queries;
      case 'limits.getlimitqueries':
        return this.platform.limits().queries;
      case 'limits.getdmlstatements':
        return this.org.limits.dml;
      case 'limits.getlimitdmlstatements':
        return 150;
      case 'limits.getqueryrows':
        return this.org.limits.rows;
      case 'limits.getlimitqueryrows':
        return 50000;
      case 'limits.getdmlrows':
        return this.org.limits.dmlRows;
      case 'limits.getlimitdmlrows':
        return 10000;
      case 'limits.getqueueablejobs':
        return this.org.limits.queueable;
      case 'limits.getlimitqueueablejobs':
        return this.platform.limits().queueable;
      // "Limits Class"; CPU time is the process's CPU clock for this transaction (approximate,
      // not enforced), heap size is not modelled
      case 'limits.getcputime':
        return this.platform.cpuTime();
      case 'limits.getlimitcputime':
        return this.platform.limits().cpu;
      case 'limits.getlimitheapsize':
        return this.platform.limits().heap;
      case 'limits.getpublishimmediatedml':
        return this.org.publishImmediate;
      case 'limits.getlimitpublishimmediatedml':
        return 150;
      case 'limits.getcallouts':
        return this.org.callouts;
      case 'limits.getlimitcallouts':
        return 100;
      // ---- Schema
      case 'schema.getglobaldescribe': {
        const m = new AMap(T_STRING, rt('schema.sobjecttype', 'Schema.SObjectType'));
        for (const ob of this.org.schema.objects.values())
          ip.mapPut(m, ob.name.toLowerCase(), this.sobjectType(ob));
        (m as any).ci = true;
        return m;
      }
      case 'schema.describesobjects': {
        const names = (a0 as AList).a.map(String);
        return new AList(
          rt('schema.describesobjectresult', 'Schema.DescribeSObjectResult'),
          names.map((nm) => {
            const ob = this.org.schema.get(nm);
            if (!ob)
              ip.throwEx(
                'System.InvalidParameterValueException',
                `In describeSObjects(), the SObject type ${nm} is invalid.`,
                at
              );
            return this.describeObj(ob);
          })
        );
      }
      // ---- Labels
      case 'system.label.get':
      case 'label.get': {
        const ns = n >= 2 ? String(a0 ?? '') : '';
        if (ns)
          ip.throwEx(
            'System.NoSuchElementException',
            `Label not found: ${ns}.${String(args[1])}`,
            at
          );
        const name = String(n >= 2 ? args[1] : a0);
        const l = this.org.labels.get(name.toLowerCase());
        if (!l) ip.throwEx('System.NoSuchElementException', `Label not found: ${name}`, at);
        const lang = n === 3 && args[2] !== null ? String(args[2]) : this.org.language;
        return l.translations.get(lang) ?? l.value;
      }
      case 'system.label.exists':
      case 'label.exists':
        return this.org.labels.has(String(args[n - 1]).toLowerCase());
    }
    if (
      t === 'roundingmode' ||
      t === 'statuscode' ||
      t === 'triggeroperation' ||
      t === 'logginglevel'
    ) {
      if (method === 'values') {
        const table = {
          roundingmode: ROUNDING,
          statuscode: STATUS_CODES,
          triggeroperation: TRIGGER_OPS,
          logginglevel: LOGGING
        }[t];
        const tn = `System.${t === 'roundingmode' ? 'RoundingMode' : t === 'statuscode' ? 'StatusCode' : t === 'triggeroperation' ? 'TriggerOperation' : 'LoggingLevel'}`;
        return new AList(
          rt(`system.${t}`, tn),
          table.map((x, i) => new AEnum(tn, `system.${t}`, x, i))
        );
      }
    }
    return this.u(ip, `${ip.writtenCall ?? type + '.' + method}(${n} args)`, at);
  }

  /** "Execution Governors and Limits": synchronous limits; exceeding one is uncatchable. */
  checkLimits(ip: Interp, at: Pos): void {
    const l = this.org.limits;
    const max = this.platform.limits();
    const over = (msg: string): never => {
      throw new Uncatchable(ip.makeException('System.LimitException', msg, at));
    };
    if (l.queries > max.queries) over(`Too many SOQL queries: ${l.queries}`);
    if (l.dml > max.dml) over(`Too many DML statements: ${l.dml}`);
    if (l.rows > max.rows) over(`Too many query rows: ${l.rows}`);
    if (l.dmlRows > max.dmlRows) over(`Too many DML rows: ${l.dmlRows}`);
  }

  npe(ip: Interp, at: Pos): never {
    return ip.npe(at);
  }

  today(): ADate {
    const p = localParts(this.org.clock(), this.org.timezone);
    return ADate.of(p.y, p.m, p.d);
  }

  hashCode(ip: Interp, v: unknown): number {
    if (typeof v === 'string') {
      let h = 0;
      for (let i = 0; i < v.length; i++) h = (Math.imul(31, h) + v.charCodeAt(i)) | 0;
      return h;
    }
    if (typeof v === 'number') return v;
    return this.hashCode(ip, String(ip.keyOf(v)));
  }

  // ------------------------------------------------------------ asserts

  assertFail(ip: Interp, message: string, at: Pos): never {
    throw new Uncatchable(ip.makeException('System.AssertException', message, at));
  }

  assert(ip: Interp, method: string, args: unknown[], at: Pos): null {
    const msg = (i: number): string =>
      args.length > i && args[i] !== null ? `${ip.str(args[i])}` : '';
    const withMsg = (base: string, i: number): string =>
      args.length > i && args[i] !== null ? `${base}: ${msg(i)}` : base;
    switch (method) {
      case 'areequal':
        if (!ip.equalsStrict(args[0], args[1]) && !this.sameRef(args[0], args[1]))
          this.assertFail(
            ip,
            `Assertion Failed: ${args.length > 2 && args[2] !== null ? msg(2) + ': ' : ''}Expected: ${ip.str(args[0])}, Actual: ${ip.str(args[1])}`,
            at
          );
        return null;
      case 'arenotequal':
        if (ip.equalsStrict(args[0], args[1]))
          this.assertFail(
            ip,
            `Assertion Failed: ${args.length > 2 && args[2] !== null ? msg(2) + ': ' : ''}Expected: ${ip.str(args[0])}, Actual: ${ip.str(args[1])}`,
            at
          );
        return null;
      case 'istrue':
        if (args[0] !== true)
          this.assertFail(
            ip,
            withMsg('Assertion Failed', 1).replace(
              /^Assertion Failed$/,
              'Assertion Failed: Expected: true, Actual: ' + ip.str(args[0])
            ),
            at
          );
        return null;
      case 'isfalse':
        if (args[0] !== false)
          this.assertFail(
            ip,
            withMsg('Assertion Failed', 1).replace(
              /^Assertion Failed$/,
              'Assertion Failed: Expected: false, Actual: ' + ip.str(args[0])
            ),
            at
          );
        return null;
      case 'isnull':
        if (args[0] !== null && args[0] !== undefined)
          this.assertFail(
            ip,
            args.length > 1 && args[1] !== null
              ? `Assertion Failed: ${msg(1)}: Expected: null, Actual: ${ip.str(args[0])}`
              : `Assertion Failed: Expected: null, Actual: ${ip.str(args[0])}`,
            at
          );
        return null;
      case 'isnotnull':
        if (args[0] === null || args[0] === undefined)
          this.assertFail(
            ip,
            withMsg('Assertion Failed', 1).replace(
              /^Assertion Failed$/,
              'Assertion Failed: Expected: not null, Actual: null'
            ),
            at
          );
        return null;
      case 'fail':
        this.assertFail(ip, args.length ? `Assertion Failed: ${msg(0)}` : 'Assertion Failed', at);
        break;
      case 'isinstanceoftype':
      case 'isnotinstanceoftype': {
        const t = (args[1] as AType).t;
        const is = ip.isInstance(args[0], t);
        if (is !== (method === 'isinstanceoftype'))
          this.assertFail(
            ip,
            withMsg(
              `Assertion Failed: Expected${is ? ' not' : ''} instance of type: ${t.name}, Actual: ${args[0] === null ? 'null' : typeName(ip.typeOf(args[0]))}`,
              2
            ),
            at
          );
        return null;
      }
    }
    return null;
  }

  sameRef(a: unknown, b: unknown): boolean {
    return a === b;
  }

  systemAssert(ip: Interp, method: string, args: unknown[], at: Pos): null {
    const extra = (i: number): string => (args.length > i ? `: ${ip.str(args[i])}` : '');
    if (method === 'assert') {
      if (args[0] !== true) this.assertFail(ip, `Assertion Failed${extra(1)}`, at);
    } else if (method === 'assertequals') {
      if (!ip.equalsStrict(args[0], args[1]))
        this.assertFail(
          ip,
          `Assertion Failed: ${args.length > 2 ? ip.str(args[2]) + ': ' : ''}Expected: ${ip.str(args[0])}, Actual: ${ip.str(args[1])}`,
          at
        );
    } else if (ip.equalsStrict(args[0], args[1]))
      this.assertFail(
        ip,
        `Assertion Failed: ${args.length > 2 ? ip.str(args[2]) + ': ' : ''}Same value: ${ip.str(args[0])}`,
        at
      );
    return null;
  }

  // ------------------------------------------------------------ numbers

  integerValueOf(ip: Interp, v: unknown, at: Pos): unknown {
    if (v === null) return this.npe(ip, at);
    if (typeof v === 'string') {
      const s = v.trim();
      if (!/^[+-]?\d+$/.test(s)) ip.throwEx('System.TypeException', `Invalid integer: ${v}`, at);
      const n = Number(s);
      if (n > 2147483647 || n < -2147483648)
        ip.throwEx('System.TypeException', `Invalid integer: ${v}`, at);
      return n;
    }
    if (typeof v === 'number') return v;
    if (isNumeric(v)) return ip.cast(v, T_INTEGER, at);
    return ip.cast(v, T_INTEGER, at);
  }

  math(ip: Interp, m: string, args: unknown[], at: Pos): unknown {
    const [a, b] = args;
    if (m !== 'random' && (a === null || (args.length > 1 && b === null))) return this.npe(ip, at);
    switch (m) {
      case 'abs':
        if (typeof a === 'number') return Math.abs(a) | 0;
        if (typeof a === 'bigint') return a < 0n ? -a : a;
        if (a instanceof ADecimal) return a.abs();
        return new ADouble(Math.abs(numValue(a)));
      case 'max':
      case 'min': {
        const c = numCompare(a, b);
        const pick = m === 'max' ? (c >= 0 ? a : b) : c <= 0 ? a : b;
        if (typeof a === typeof b && a?.constructor === b?.constructor) return pick;
        // mixed: promote
        if (a instanceof ADouble || b instanceof ADouble) return new ADouble(numValue(pick));
        if (a instanceof ADecimal || b instanceof ADecimal) return toDecimal(pick);
        if (typeof a === 'bigint' || typeof b === 'bigint') return BigInt(pick as number);
        return pick;
      }
      case 'mod':
        if (typeof a === 'number' && typeof b === 'number') {
          if (b === 0) ip.throwEx('System.MathException', 'Divide by 0', at);
          return (a % b) | 0;
        }
        if (BigInt(b as number) === 0n) ip.throwEx('System.MathException', 'Divide by 0', at);
        return BigInt(a as number) % BigInt(b as number);
      case 'ceil':
      case 'floor':
        if (a instanceof ADecimal) return a.withScale(0, m === 'ceil' ? 'CEILING' : 'FLOOR');
        return new ADouble(m === 'ceil' ? Math.ceil(numValue(a)) : Math.floor(numValue(a)));
      case 'round':
        if (a instanceof ADecimal) return Number(a.withScale(0, 'HALF_EVEN').toBigInt());
        return Math.round(numValue(a)) | 0;
      case 'roundtolong':
        if (a instanceof ADecimal) return a.withScale(0, 'HALF_EVEN').toBigInt();
        return BigInt(Math.round(numValue(a)));
      case 'sqrt':
        return a instanceof ADecimal
          ? ADecimal.fromDoubleValue(Math.sqrt(a.toNumber()))
          : new ADouble(Math.sqrt(numValue(a)));
      case 'pow':
        return new ADouble(Math.pow(numValue(a), numValue(b)));
      case 'random':
        return new ADouble(Math.random());
      case 'signum':
        return a instanceof ADecimal
          ? new ADecimal(BigInt(a.sign()), 0)
          : new ADouble(Math.sign(numValue(a)));
      case 'exp':
        return new ADouble(Math.exp(numValue(a)));
      case 'log':
        return new ADouble(Math.log(numValue(a)));
      case 'log10':
        return new ADouble(Math.log10(numValue(a)));
    }
    return this.u(ip, `Math.${this.wm(ip, m)}`, at);
  }

  // ------------------------------------------------------------ dates

  dateValueOf(ip: Interp, v: unknown, at: Pos): ADate | null {
    if (v === null) return null;
    if (v instanceof ADatetime) {
      const p = localParts(v.ms, this.org.timezone);
      return ADate.of(p.y, p.m, p.d);
    }
    if (v instanceof ADate) return v;
    const s = String(v);
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$/.exec(s.trim());
    if (!m) ip.throwEx('System.TypeException', `Invalid date: ${s}`, at);
    return ADate.of(Number(m[1]), Number(m[2]), Number(m[3]));
  }

  dateParse(ip: Interp, s: string, at: Pos): ADate {
    const pat = localePatterns(this.org.locale).date;
    const sep = pat.replace(/[dMy]/g, '')[0] ?? '/';
    const parts = s.trim().split(sep);
    const order = pat.split(sep).map((x) => x[0]);
    const val: Record<string, number> = {};
    if (parts.length !== 3) ip.throwEx('System.TypeException', `Invalid date: ${s}`, at);
    order.forEach((k, i) => (val[k!] = Number(parts[i])));
    if (Number.isNaN(val.y! + val.M! + val.d!))
      ip.throwEx('System.TypeException', `Invalid date: ${s}`, at);
    return ADate.of(val.y!, val.M!, val.d!);
  }

  dtNewInstance(ip: Interp, args: unknown[], tz: string, at: Pos): ADatetime {
    if (args.length === 1) return new ADatetime(Number(args[0] as bigint));
    if (args.length === 2) {
      const d = args[0] as ADate;
      const t = args[1] as ATime;
      return new ADatetime(fromLocal(d.y, d.m, d.d, t.h, t.mi, t.s, t.milli, tz));
    }
    const [y, m, d, h = 0, mi = 0, s = 0] = args as number[];
    if (args.some((x) => x === null)) this.npe(ip, at);
    return new ADatetime(fromLocal(y!, m!, d!, h, mi, s, 0, tz));
  }

  dtValueOf(ip: Interp, v: unknown, tz: string, at: Pos): ADatetime | null {
    if (v === null) return null;
    if (typeof v === 'bigint' || typeof v === 'number') return new ADatetime(Number(v));
    const s = String(v);
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$/.exec(
      s.trim()
    );
    if (!m) ip.throwEx('System.TypeException', `Invalid date/time: ${s}`, at);
    return new ADatetime(
      fromLocal(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0, tz)
    );
  }

  dtString(v: ADatetime, tz: string): string {
    return javaFormat(v.ms, 'yyyy-MM-dd HH:mm:ss', tz);
  }

  timeZone(id: string): HostObj {
    const h = new HostObj(rt('system.timezone', 'System.TimeZone'), 'timezone', id);
    (h as any).$str = () => id;
    return h;
  }

  // ------------------------------------------------------------ strings

  messageFormat(ip: Interp, fmt: string, args: AList | null): string {
    let out = '';
    let i = 0;
    while (i < fmt.length) {
      const c = fmt[i]!;
      if (c === "'") {
        if (fmt[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        const end = fmt.indexOf("'", i + 1);
        out += fmt.slice(i + 1, end < 0 ? undefined : end);
        i = end < 0 ? fmt.length : end + 1;
        continue;
      }
      if (c === '{') {
        const end = fmt.indexOf('}', i);
        const idx = Number(fmt.slice(i + 1, end).split(',')[0]);
        const v = args?.a[idx];
        out +=
          v === undefined
            ? fmt.slice(i, end + 1)
            : v === null
              ? 'null'
              : typeof v === 'number'
                ? v.toLocaleString('en-US')
                : ip.str(v);
        i = end + 1;
        continue;
      }
      out += c;
      i++;
    }
    return out;
  }

  // ------------------------------------------------------------ regex

  pattern(ip: Interp, src: string, at: Pos): HostObj {
    let flags = '';
    let s = src;
    let m: RegExpExecArray | null;
    while ((m = /^\(\?([imsux]+)\)/.exec(s))) {
      for (const f of m[1]!) {
        if (f === 'i' || f === 'm' || f === 's') flags += f;
        else if (f === 'u') flags += '';
        else if (f === 'x') this.u(ip, 'regex COMMENTS flag', at);
      }
      s = s.slice(m[0].length);
    }
    s = s.replace(/\\Q([\s\S]*?)(\\E|$)/g, (_, q: string) =>
      q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    );
    s = s.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
    s = s
      .replace(/\\p\{Alpha\}/g, '[a-zA-Z]')
      .replace(/\\p\{Digit\}/g, '[0-9]')
      .replace(/\\p\{Alnum\}/g, '[a-zA-Z0-9]')
      .replace(/\\p\{Punct\}/g, '[!-\\/:-@\\[-`{-~]')
      .replace(/\\p\{Space\}/g, '\\s')
      .replace(/\\p\{Upper\}/g, '[A-Z]')
      .replace(/\\p\{Lower\}/g, '[a-z]');
    if (/[*+?}]\+/.test(s.replace(/\\./g, 'x'))) this.u(ip, 'regex possessive quantifier', at);
    if (/\(\?[a-z]/.test(s)) this.u(ip, 'regex inline flag inside pattern', at);
    const unicode = /\\p\{/.test(s);
    let re: RegExp;
    try {
      re = new RegExp(s, flags + (unicode ? 'u' : ''));
    } catch (e) {
      ip.throwEx('System.StringException', `Invalid regex: ${(e as Error).message}`, at);
    }
    return new HostObj(rt('system.pattern', 'System.Pattern'), 'pattern', { src, re });
  }

  matcherMatches(_ip: Interp, p: HostObj, s: string): boolean {
    const re = new RegExp(`^(?:${p.d.re.source})$`, p.d.re.flags);
    return re.test(s);
  }

  javaReplacement(rep: string): string {
    // Java: $n group, \x literal x; JS: $n group, $$ literal $
    let out = '';
    for (let i = 0; i < rep.length; i++) {
      const c = rep[i]!;
      if (c === '\\') {
        const n = rep[++i] ?? '';
        out += n === '$' ? '$$' : n;
      } else out += c;
    }
    return out;
  }

  javaSplit(s: string, re: RegExp, limit = 0): string[] {
    if (s === '') return [''];
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
    const out: string[] = [];
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = g.exec(s))) {
      if (m[0].length === 0) {
        if (m.index >= s.length) break;
        if (m.index === 0) {
          g.lastIndex++;
          continue;
        }
      }
      if (limit > 0 && out.length === limit - 1) break;
      out.push(s.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[0].length === 0) g.lastIndex++;
    }
    out.push(s.slice(last));
    if (limit === 0) while (out.length > 1 && out[out.length - 1] === '') out.pop();
    if (limit === 0 && out.length === 1 && out[0] === '' && s !== '') return [];
    return out;
  }

  // ------------------------------------------------------------ crypto

  crypto(ip: Interp, m: string, args: unknown[], at: Pos): unknown {
    const alg = (name: string): string => {
      const n = name.toUpperCase().replace(/^HMAC/, '');
      const map: Record<string, string> = {
        MD5: 'md5',
        SHA1: 'sha1',
        'SHA-1': 'sha1',
        SHA256: 'sha256',
        'SHA-256': 'sha256',
        SHA512: 'sha512',
        'SHA-512': 'sha512',
        SHA384: 'sha384',
        'SHA3-256': 'sha3-256'
      };
      const r = map[n];
      if (!r) ip.throwEx('System.InvalidParameterValueException', `Invalid algorithm: ${name}`, at);
      return r;
    };
    switch (m) {
      case 'generatedigest':
        return new ABlob(
          crypto
            .createHash(alg(String(args[0])))
            .update((args[1] as ABlob).b)
            .digest()
        );
      case 'generatemac':
        return new ABlob(
          crypto
            .createHmac(alg(String(args[0])), (args[2] as ABlob).b)
            .update((args[1] as ABlob).b)
            .digest()
        );
      case 'getrandominteger':
        return crypto.randomBytes(4).readInt32BE(0);
      case 'getrandomlong':
        return crypto.randomBytes(8).readBigInt64BE(0);
      case 'generateaeskey':
        return new ABlob(crypto.randomBytes(Number(args[0]) / 8));
    }
    return this.u(ip, `Crypto.${this.wm(ip, m)}`, at);
  }

  // ------------------------------------------------------------ JSON

  parse(ip: Interp, s: unknown, at: Pos): JNode {
    if (s === null) this.npe(ip, at);
    try {
      return parseJson(String(s));
    } catch (e) {
      if (e instanceof JsonError) ip.throwEx('System.JSONException', e.message, at);
      throw e;
    }
  }

  numberOf(text: string): unknown {
    if (/^-?\d+$/.test(text)) {
      const b = BigInt(text);
      if (b >= -2147483648n && b <= 2147483647n) return Number(b);
      if (b >= -(2n ** 63n) && b < 2n ** 63n) return b;
      return new ADecimal(b, 0);
    }
    return ADecimal.parse(text);
  }

  untyped(ip: Interp, n: JNode): unknown {
    switch (n.t) {
      case 'obj': {
        const m = new AMap(T_STRING, T_OBJECT);
        for (const [k, v] of n.entries) ip.mapPut(m, k, this.untyped(ip, v));
        return m;
      }
      case 'arr':
        return new AList(
          T_OBJECT,
          n.items.map((x) => this.untyped(ip, x))
        );
      case 'str':
        return n.v;
      case 'num':
        return this.numberOf(n.text);
      case 'bool':
        return n.v;
      case 'null':
        return null;
    }
  }

  typed(ip: Interp, n: JNode, t: RtType, strict: boolean, at: Pos): unknown {
    if (n.t === 'null') return null;
    const k = t.key;
    const fail = (): never =>
      ip.throwEx(
        'System.JSONException',
        `Cannot deserialize ${n.t === 'obj' ? 'instance' : 'value'} of ${t.name} from ${n.t === 'obj' ? 'START_OBJECT' : n.t === 'arr' ? 'START_ARRAY' : 'VALUE_' + n.t.toUpperCase()} value`,
        at
      );
    switch (k) {
      case 'string':
      case 'id':
        if (n.t === 'str') return k === 'id' ? ip.toId(n.v, at) : n.v;
        if (n.t === 'num') return n.text;
        if (n.t === 'bool') return String(n.v);
        return fail();
      case 'integer':
        if (n.t === 'num')
          return Number(BigInt.asIntN(32, BigInt(ADecimal.parse(n.text).toBigInt())));
        if (n.t === 'str') return this.integerValueOf(ip, n.v, at);
        return fail();
      case 'long':
        if (n.t === 'num') return ADecimal.parse(n.text).toBigInt();
        return fail();
      case 'decimal':
        if (n.t === 'num') return ADecimal.parse(n.text);
        if (n.t === 'str') return ADecimal.parse(n.v);
        return fail();
      case 'double':
        if (n.t === 'num') return new ADouble(Number(n.text));
        return fail();
      case 'boolean':
        if (n.t === 'bool') return n.v;
        if (n.t === 'str') return n.v.toLowerCase() === 'true';
        return fail();
      case 'date':
        if (n.t === 'str') return this.dateValueOf(ip, n.v.slice(0, 10), at);
        return fail();
      case 'datetime':
        if (n.t === 'str') {
          const ms = Date.parse(n.v);
          if (Number.isNaN(ms))
            ip.throwEx(
              'System.JSONException',
              `Cannot deserialize value of Datetime from ${n.v}`,
              at
            );
          return new ADatetime(ms);
        }
        return fail();
      case 'object':
        return this.untyped(ip, n);
      case 'blob':
        if (n.t === 'str') return new ABlob(Buffer.from(n.v, 'base64'));
        return fail();
      case 'list':
      case 'set': {
        if (n.t !== 'arr') return fail();
        const et = t.args[0] ?? T_OBJECT;
        const items = n.items.map((x) => this.typed(ip, x, et, strict, at));
        if (k === 'list') return new AList(et, items);
        const s = new ASet(et);
        for (const x of items) ip.setAdd(s, x);
        return s;
      }
      case 'map': {
        if (n.t !== 'obj') return fail();
        const m = new AMap(t.args[0] ?? T_STRING, t.args[1] ?? T_OBJECT);
        for (const [kk, v] of n.entries)
          ip.mapPut(m, ip.coerce(kk, m.kt, at), this.typed(ip, v, m.vt, strict, at));
        return m;
      }
      case 'database.saveresult':
      case 'database.upsertresult':
      case 'database.deleteresult':
      case 'database.undeleteresult':
      case 'database.error': {
        if (n.t !== 'obj') return fail();
        return this.resultFromJson(ip, k, n, at);
      }
    }
    // A generic SObject takes its concrete type from the serialized "attributes" (JSON Class:
    // sObjects serialize with attributes.type and url, and deserialize back from them).
    let sobjectKey = k;
    if (k === 'sobject' && n.t === 'obj') {
      const attrs = n.entries.find(([ek]) => ek === 'attributes')?.[1];
      const typeName =
        attrs?.t === 'obj' ? attrs.entries.find(([ek]) => ek === 'type')?.[1] : undefined;
      if (typeName?.t !== 'str' || !this.org.schema.get(typeName.v))
        return this.u(ip, 'JSON.deserialize into SObject without a known attributes.type', at);
      sobjectKey = typeName.v.toLowerCase();
    }
    const o = this.org.schema.get(sobjectKey);
    if (o) {
      if (n.t !== 'obj') return fail();
      const s = new SObj(o.name);
      for (const [fk, fv] of n.entries) {
        if (fk === 'attributes') continue;
        const f = o.fields.get(fk.toLowerCase());
        if (!f) {
          if (strict)
            ip.throwEx(
              'System.JSONException',
              `No such column '${fk}' on sobject of type ${o.name}`,
              at
            );
          continue;
        }
        s.put(f.key, f.name, this.typed(ip, fv, this.fieldType(f), strict, at));
      }
      return s;
    }
    const cls = ip.classes.get(k);
    if (cls && !cls.builtin) {
      if (n.t !== 'obj') return fail();
      if (cls.decl.kind === 'enum') return fail();
      const obj = new AObj(cls);
      for (let c: typeof cls | null = cls; c; c = ip.superOf(c))
        for (const f of c.decl.fields)
          if (!f.mods.set.has('static') && !obj.f.has(f.key)) obj.f.set(f.key, null);
      for (const [fk, fv] of n.entries) {
        const fd = ip.findField(cls, fk.toLowerCase());
        if (!fd || fd.f.mods.set.has('static')) {
          if (strict) ip.throwEx('System.JSONException', `Unknown field: ${cls.name}.${fk}`, at);
          continue;
        }
        obj.f.set(fd.f.key, this.typed(ip, fv, ip.resolveType(fd.f.type, fd.cls), strict, at));
      }
      return obj;
    }
    if (cls?.decl.kind === 'enum' || ip.classes.get(k)?.decl.kind === 'enum') {
      if (n.t !== 'str') return fail();
      return ip.classes.get(k)!.enumValues!.find((e) => e.name === n.v.toUpperCase()) ?? null;
    }
    return this.u(ip, `JSON.deserialize into ${t.name}`, at);
  }

  fieldType(f: FieldMeta): RtType {
    switch (f.type) {
      case 'checkbox':
        return T_BOOLEAN;
      case 'number':
      case 'currency':
      case 'percent':
        return T_DECIMAL;
      case 'int':
        return T_INTEGER;
      case 'double':
        return T_DOUBLE;
      case 'date':
        return T_DATE;
      case 'datetime':
        return T_DATETIME;
      case 'time':
        return T_TIME;
      case 'id':
      case 'reference':
      case 'lookup':
      case 'masterdetail':
        return T_ID;
      case 'base64':
        return rt('blob', 'Blob');
      default:
        return T_STRING;
    }
  }

  resultFromJson(ip: Interp, k: string, n: Extract<JNode, { t: 'obj' }>, at: Pos): HostObj {
    const get = (name: string): JNode | undefined =>
      n.entries.find(([x]) => x.toLowerCase() === name)?.[1];
    if (k === 'database.error') {
      const code = get('statuscode');
      const fields = get('fields');
      return this.dbError(
        code?.t === 'str' ? code.v : 'UNKNOWN_EXCEPTION',
        (get('message') as any)?.v ?? null,
        fields?.t === 'arr' ? fields.items.map((x) => (x as any).v as string) : []
      );
    }
    const errs = get('errors');
    const errors =
      errs?.t === 'arr'
        ? errs.items.map((e) => this.resultFromJson(ip, 'database.error', e as any, at))
        : [];
    const id = get('id');
    return this.dbResult(k, {
      id: id?.t === 'str' ? normalizeId(id.v) : null,
      success: (get('success') as any)?.v === true,
      created: (get('created') as any)?.v === true,
      errors
    });
  }

  jsonSerialize(ip: Interp, v: unknown, suppressNulls: boolean, pretty: boolean, at: Pos): string {
    const ser = (x: unknown, indent: string): string => {
      const nl = pretty ? `\n${indent}  ` : '';
      const end = pretty ? `\n${indent}` : '';
      const sep = pretty ? ' : ' : ':';
      const obj = (entries: [string, unknown][]): string => {
        const list = entries.filter(([, y]) => !(suppressNulls && (y === null || y === undefined)));
        if (!list.length) return '{ }'.replace(' ', pretty ? ' ' : '');
        return `{${nl}${list.map(([kk, y]) => `${quote(kk)}${sep}${ser(y, indent + '  ')}`).join(`,${nl}`)}${end}}`;
      };
      if (x === null || x === undefined) return 'null';
      if (typeof x === 'string') return quote(x);
      if (typeof x === 'number' || typeof x === 'bigint') return String(x);
      if (typeof x === 'boolean') return String(x);
      if (x instanceof ADecimal) return x.toString();
      if (x instanceof ADouble) return Number.isInteger(x.v) ? `${x.v}.0` : String(x.v);
      if (x instanceof ADate) return quote(x.toString());
      if (x instanceof ADatetime) return quote(new Date(x.ms).toISOString());
      if (x instanceof ATime) return quote(x.toString());
      if (x instanceof ABlob) return quote(x.b.toString('base64'));
      if (x instanceof AEnum) return quote(x.name);
      if (x instanceof AList)
        return `[${pretty && x.a.length ? nl : ''}${x.a.map((y) => ser(y, indent + '  ')).join(`,${nl}`)}${pretty && x.a.length ? end : ''}]`;
      if (x instanceof ASet) return ser(new AList(x.et, [...x.m.values()]), indent);
      if (x instanceof AMap) return obj([...x.m.values()].map(([kk, y]) => [ip.str(kk), y]));
      if (x instanceof SObj) {
        const o = this.org.schema.get(x.type);
        const entries: [string, unknown][] = [
          [
            'attributes',
            new AMapLike([
              ['type', x.type],
              ...(x.f.get('id')
                ? ([
                    ['url', `/services/data/v68.0/sobjects/${x.type}/${String(x.f.get('id'))}`]
                  ] as [string, unknown][])
                : [])
            ])
          ]
        ];
        for (const [fk, fv] of x.f) {
          if (o && !o.fields.has(fk) && !(fv instanceof SObj) && !(fv instanceof AList)) continue;
          if (fv instanceof AList) {
            entries.push([
              x.names.get(fk) ?? fk,
              new AMapLike([
                ['totalSize', fv.a.length],
                ['done', true],
                ['records', fv]
              ])
            ]);
            continue;
          }
          entries.push([x.names.get(fk) ?? fk, fv]);
        }
        return obj(entries.filter(([, y]) => !(y === null && false)));
      }
      if (x instanceof AMapLike) return obj(x.entries);
      if (x instanceof AObj) {
        if (ip.isExceptionClass(x.cls)) return this.u(ip, 'JSON.serialize of an exception', at);
        const entries: [string, unknown][] = [];
        for (const [fk, fv] of x.f) {
          const fd = ip.findField(x.cls, fk);
          if (fd?.f.mods.set.has('transient')) continue;
          entries.push([fd?.f.name ?? fk, fv]);
        }
        return obj(entries);
      }
      if (x instanceof HostObj) {
        if (x.kind === 'dbresult') {
          const d = x.d;
          const entries: [string, unknown][] = [
            ['id', d.id],
            ['success', d.success],
            ['errors', new AList(T_OBJECT, d.errors)]
          ];
          if (x.$type.key === 'database.upsertresult') entries.splice(2, 0, ['created', d.created]);
          return obj(entries);
        }
        if (x.kind === 'dberror')
          return obj([
            ['statusCode', x.d.code.name],
            ['message', x.d.msg],
            ['fields', new AList(T_STRING, x.d.fields)]
          ]);
      }
      return this.u(ip, `JSON.serialize of ${typeName(ip.typeOf(x))}`, at);
    };
    return ser(v, '');
  }

  // ------------------------------------------------------------ Database

  dbError(code: string, msg: string | null, fields: string[]): HostObj {
    const codeEnum =
      enumOf('System.StatusCode', STATUS_CODES, code) ??
      new AEnum('System.StatusCode', 'system.statuscode', code, -1);
    return new HostObj(rt('database.error', 'Database.Error'), 'dberror', {
      code: codeEnum,
      msg,
      fields
    });
  }

  dbResult(
    key: string,
    d: { id: string | null; success: boolean; created: boolean; errors: HostObj[] }
  ): HostObj {
    const names: Record<string, string> = {
      'database.saveresult': 'Database.SaveResult',
      'database.upsertresult': 'Database.UpsertResult',
      'database.deleteresult': 'Database.DeleteResult',
      'database.undeleteresult': 'Database.UndeleteResult'
    };
    return new HostObj(rt(key, names[key] ?? key), 'dbresult', d);
  }

  databaseDml(ip: Interp, method: string, args: unknown[], at: Pos): unknown {
    const [recs] = args;
    let allOrNone = true;
    let ext: string | null = null;
    let rest = args.slice(1);
    let mode: string | null = null;
    if (method === 'upsert' && rest[0] instanceof HostObj && rest[0].kind === 'sobjectfield') {
      ext = (rest[0].d.f as FieldMeta).name;
      rest = rest.slice(1);
    }
    if (typeof rest[0] === 'boolean') allOrNone = rest[0];
    else if (rest[0] instanceof HostObj && rest[0].kind === 'dmloptions')
      allOrNone = rest[0].d.optAllOrNone ?? true;
    else if (rest[0] instanceof AEnum) mode = accessLevelOf(rest[0]);
    else if (rest.length && rest[0] !== undefined) this.u(ip, `Database.${method} option`, at);
    this.org.limits.dml++;
    this.org.uncommittedWork = true;
    this.org.limits.dmlRows += recs instanceof AList ? recs.a.length : 1;
    this.checkLimits(ip, at);
    if (rest[1] instanceof AEnum) mode = accessLevelOf(rest[1]);
    const res = this.org.db.dml(ip, method, recs, ext, allOrNone, at, mode);
    const key =
      method === 'insert' || method === 'update'
        ? 'database.saveresult'
        : method === 'upsert'
          ? 'database.upsertresult'
          : method === 'delete'
            ? 'database.deleteresult'
            : 'database.undeleteresult';
    const results = res.map((r) =>
      this.dbResult(key, {
        id: r.id,
        success: r.success,
        created: r.created,
        errors: r.errors.map((e: any) => this.dbError(e.code, e.msg, e.fields))
      })
    );
    if (!(recs instanceof AList)) return results[0] ?? null;
    return new AList(rt(key, results[0]?.$type.name ?? key), results);
  }

  sobjectStatic(ip: Interp, o: ObjMeta, method: string, args: unknown[], at: Pos): unknown {
    const db = this.org.db;
    if (o.kind === 'mdt') {
      const rows = [...db.table(o.key).values()];
      const toRec = (r: Map<string, unknown>, cut: boolean): SObj => {
        const s = new SObj(o.name);
        for (const [k, f] of o.fields) {
          let v = db.readRowField(o, r, k);
          if (cut && typeof v === 'string' && f.type === 'longtextarea' && v.length > 255)
            v = v.slice(0, 255);
          s.put(k, f.name, v);
        }
        return s;
      };
      if (method === 'getall') {
        const m = new AMap(T_STRING, rt(o.key, o.name));
        for (const r of rows) ip.mapPut(m, r.get('developername'), toRec(r, false));
        return m;
      }
      if (method === 'getinstance') {
        const key = String(args[0]);
        const r = rows.find(
          (x) =>
            x.get('developername') === key ||
            x.get('id') === key ||
            String(x.get('qualifiedapiname')) === key
        );
        return r ? toRec(r, true) : null;
      }
    }
    if (o.kind === 'setting') {
      const rows = [...db.table(o.key).values()].filter((r) => r.get('isdeleted') !== true);
      const toRec = (r: Map<string, unknown> | undefined, owner: string | null): SObj => {
        const s = new SObj(o.name);
        if (r) for (const [k, f] of o.fields) s.put(k, f.name, db.readRowField(o, r, k));
        else {
          for (const f of o.fields.values()) {
            if (f.defaultValue !== null && f.defaultValue !== undefined) {
              const d = f.defaultValue;
              s.put(
                f.key,
                f.name,
                f.type === 'checkbox'
                  ? d === 'true'
                  : /^-?\d/.test(d)
                    ? ADecimal.parse(d)
                    : d.replace(/^"|"$/g, '')
              );
            } else if (f.type === 'checkbox') s.put(f.key, f.name, false);
          }
          if (owner) s.put('setupownerid', 'SetupOwnerId', owner);
        }
        return s;
      };
      const orgRow = rows.find((r) => r.get('setupownerid') === this.org.orgId);
      if (method === 'getorgdefaults') return toRec(orgRow, this.org.orgId);
      if (method === 'getinstance') {
        if (o.settingType === 'list') {
          const nm = String(args[0]);
          const r = rows.find((x) => x.get('name') === nm);
          return r ? toRec(r, null) : null;
        }
        const uid = args.length ? String(args[0]) : this.org.userId;
        const userRow = rows.find((r) => r.get('setupownerid') === uid);
        const profileRow = rows.find((r) => r.get('setupownerid') === this.org.profileId);
        if (userRow) return toRec(userRow, null);
        if (profileRow) return toRec(profileRow, null);
        if (orgRow) {
          const s = toRec(orgRow, null);
          s.f.delete('id');
          s.put('setupownerid', 'SetupOwnerId', uid);
          return s;
        }
        return toRec(undefined, uid);
      }
      if (method === 'getvalues') {
        const uid = String(args[0]);
        const r = rows.find((x) => x.get('setupownerid') === uid);
        return r ? toRec(r, null) : null;
      }
      if (method === 'getall' && o.settingType === 'list') {
        const m = new AMap(T_STRING, rt(o.key, o.name));
        for (const r of rows) ip.mapPut(m, r.get('name'), toRec(r, null));
        return m;
      }
    }
    return this.u(ip, `${o.name}.${this.wm(ip, method)}`, at);
  }

  // ------------------------------------------------------------ instance methods

  callInstance(ip: Interp, recv: unknown, method: string, args: unknown[], at: Pos): unknown {
    if (recv === null || recv === undefined) return ip.npe(at);
    if (typeof recv === 'string') return this.stringMethod(ip, recv, method, args, at);
    if (recv instanceof AList) return this.listMethod(ip, recv, method, args, at);
    if (recv instanceof AMap) return this.mapMethod(ip, recv, method, args, at);
    if (recv instanceof ASet) return this.setMethod(ip, recv, method, args, at);
    if (recv instanceof SObj) return this.sobjMethod(ip, recv, method, args, at);
    if (recv instanceof AObj) return this.exceptionMethod(ip, recv, method, args, at);
    if (
      typeof recv === 'number' ||
      typeof recv === 'bigint' ||
      recv instanceof ADecimal ||
      recv instanceof ADouble
    )
      return this.numberMethod(ip, recv, method, args, at);
    if (recv instanceof ADate) return this.dateMethod(ip, recv, method, args, at);
    if (recv instanceof ADatetime) return this.datetimeMethod(ip, recv, method, args, at);
    if (recv instanceof ATime) return this.timeMethod(ip, recv, method, args, at);
    if (recv instanceof ABlob) {
      if (method === 'tostring') {
        try {
          return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(recv.b);
        } catch {
          return ip.throwEx('System.StringException', 'BLOB is not a valid UTF-8 string', at);
        }
      }
      if (method === 'size') return recv.b.length;
    }
    if (typeof recv === 'boolean') {
      if (method === 'equals') return recv === args[0];
      if (method === 'hashcode') return recv ? 1231 : 1237;
    }
    if (recv instanceof AEnum) {
      if (method === 'name') return recv.name;
      if (method === 'ordinal') return recv.ordinal;
      if (method === 'equals')
        return (
          recv === args[0] ||
          (args[0] instanceof AEnum && args[0].key === recv.key && args[0].name === recv.name)
        );
      if (method === 'hashcode') return this.hashCode(ip, recv.name);
      if (method === 'tostring') return recv.name;
    }
    if (recv instanceof AType) {
      if (method === 'getname') return recv.t.name;
      if (method === 'tostring') return recv.t.name;
      if (method === 'newinstance') {
        const cls = ip.classes.get(recv.t.key);
        if (cls) return ip.instantiate(cls, [], at);
        const o = this.org.schema.get(recv.t.key);
        if (o) return new SObj(o.name);
        return this.u(ip, `newInstance() of ${recv.t.name}`, at);
      }
      if (method === 'equals') return args[0] instanceof AType && args[0].t.key === recv.t.key;
      if (method === 'hashcode') return this.hashCode(ip, recv.t.key);
      if (method === 'isassignablefrom') {
        const other = args[0] as AType;
        const a = ip.classes.get(recv.t.key);
        const b = ip.classes.get(other.t.key);
        if (a && b) return ip.isSubclass(b, a);
        return recv.t.key === other.t.key || recv.t.key === 'object';
      }
    }
    if (recv instanceof HostObj) {
      if (recv.kind === 'queueablecontext' && method === 'getjobid') return recv.d.id;
      if (recv.kind === 'schedulablecontext' && method === 'gettriggerid') return recv.d.id;
      if (recv.kind === 'batchablecontext' && method === 'getjobid') return recv.d.id;
      const mine = this.platform.callInstance(ip, recv, method, args, at);
      if (mine !== NOT_MINE) return mine;
      if (recv.kind === 'finalizercontext') {
        if (method === 'getresult') return recv.d.result;
        if (method === 'getexception') return recv.d.exception;
        if (method === 'getasyncapexjobid') return recv.d.id;
      }
      if (recv.kind === 'httprequest' || recv.kind === 'httpresponse')
        return this.httpMethod(ip, recv, method, args, at);
      if (recv.kind === 'http' && method === 'send') return this.httpSend(ip, args[0], at);
      if (recv.kind === 'restrequest' && method === 'addheader')
        return (ip.mapPut(recv.d.headers, args[0], args[1]), null);
      if (recv.kind === 'restrequest' && method === 'addparameter')
        return (ip.mapPut(recv.d.params, args[0], args[1]), null);
      if (recv.kind === 'restresponse' && method === 'addheader')
        return (ip.mapPut(recv.d.headers, args[0], args[1]), null);
      return this.hostMethod(ip, recv, method, args, at);
    }
    if (typeof recv === 'function') return this.u(ip, 'function value', at);
    return this.u(ip, `${typeName(ip.typeOf(recv))}.${this.wm(ip, method)}`, at);
  }

  exceptionMethod(ip: Interp, ex: AObj, m: string, args: unknown[], at: Pos): unknown {
    if (!ip.isExceptionClass(ex.cls)) return this.u(ip, `${ex.cls.name}.${this.wm(ip, m)}`, at);
    const h = ex.host;
    switch (m) {
      case 'getmessage':
        return h.message;
      case 'setmessage':
        h.message = args[0];
        return null;
      case 'getcause':
        return h.cause;
      case 'initcause':
        if (h.cause) ip.throwEx('System.IllegalArgumentException', "Can't overwrite cause", at);
        h.cause = args[0];
        return null;
      case 'gettypename':
        return ex.cls.name;
      case 'getlinenumber':
        return h.line;
      case 'getstacktracestring':
        return h.stack;
      case 'tostring':
        return exceptionToString(ex);
      case 'getnumdml':
        return h.dml?.length ?? 0;
      case 'getinaccessiblefields':
        return this.security.inaccessibleFields(ip, ex);
      case 'getdmlmessage':
      case 'getdmltype':
      case 'getdmlid':
      case 'getdmlindex':
      case 'getdmlfieldnames':
      case 'getdmlstatuscode': {
        const e = h.dml?.[args[0] as number];
        if (!e)
          ip.throwEx('System.ListException', `List index out of bounds: ${String(args[0])}`, at);
        if (m === 'getdmlmessage') return e.msg;
        if (m === 'getdmltype') return enumOf('System.StatusCode', STATUS_CODES, e.code);
        if (m === 'getdmlid') return e.id;
        if (m === 'getdmlindex') return e.index;
        if (m === 'getdmlstatuscode') return e.code;
        return new AList(T_STRING, e.fields);
      }
      case 'equals':
        return ex === args[0];
      case 'hashcode':
        return this.hashCode(ip, String(h.message));
    }
    return this.u(ip, `Exception.${this.wm(ip, m)}`, at);
  }

  stringMethod(ip: Interp, s: string, m: string, args: unknown[], at: Pos): unknown {
    const a = args[0];
    const b = args[1];
    const needStr = (v: unknown): string => {
      if (v === null || v === undefined) return ip.npe(at);
      return String(v);
    };
    const outOfRange = (i: number): never =>
      ip.throwEx('System.StringException', `Ending position out of bounds: ${i}`, at);
    switch (m) {
      case 'length':
        return s.length;
      case 'trim':
        // Java String.trim: characters up to U+0020 only (a byte-order mark stays)
        return s.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '');
      case 'touppercase':
        return s.toUpperCase();
      case 'tolowercase':
        return s.toLowerCase();
      case 'equals':
        return typeof a === 'string' && a === s;
      case 'equalsignorecase':
        return typeof a === 'string' && a.toLowerCase() === s.toLowerCase();
      case 'compareto': {
        const o = needStr(a);
        for (let i = 0; i < Math.min(s.length, o.length); i++)
          if (s[i] !== o[i]) return s.charCodeAt(i) - o.charCodeAt(i);
        return s.length - o.length;
      }
      case 'contains':
        return s.includes(needStr(a));
      case 'containsignorecase':
        return s.toLowerCase().includes(needStr(a).toLowerCase());
      case 'containsany':
        return [...needStr(a)].some((c) => s.includes(c));
      case 'containsnone':
        return a === null || ![...String(a)].some((c) => s.includes(c));
      case 'containsonly':
        return [...s].every((c) => needStr(a).includes(c));
      case 'containswhitespace':
        return /\s/.test(s);
      case 'startswith':
        return s.startsWith(needStr(a));
      case 'startswithignorecase':
        return s.toLowerCase().startsWith(needStr(a).toLowerCase());
      case 'endswith':
        return s.endsWith(needStr(a));
      case 'endswithignorecase':
        return s.toLowerCase().endsWith(needStr(a).toLowerCase());
      case 'indexof':
        return args.length === 2 ? s.indexOf(needStr(a), b as number) : s.indexOf(needStr(a));
      case 'indexofignorecase':
        return s.toLowerCase().indexOf(needStr(a).toLowerCase(), (b as number) ?? 0);
      case 'lastindexof':
        return args.length === 2
          ? s.lastIndexOf(needStr(a), b as number)
          : s.lastIndexOf(needStr(a));
      case 'indexofany':
        return [...s].findIndex((c) => needStr(a).includes(c));
      case 'substring': {
        const st = a as number;
        const en = args.length > 1 ? (b as number) : s.length;
        if (st < 0 || en > s.length || st > en) {
          if (en > s.length) outOfRange(en);
          ip.throwEx('System.StringException', `Starting position out of bounds: ${st}`, at);
        }
        return s.substring(st, en);
      }
      case 'charat':
        if ((a as number) < 0 || (a as number) >= s.length)
          ip.throwEx('System.StringException', `Char index out of bounds: ${String(a)}`, at);
        return s.charCodeAt(a as number);
      case 'codepointat':
        return s.codePointAt(a as number);
      case 'left':
        return s.slice(0, Math.max(0, a as number));
      case 'right':
        return (a as number) <= 0 ? '' : s.slice(-(a as number));
      case 'mid':
        return s.substr(Math.max(0, a as number), Math.max(0, b as number));
      case 'leftpad':
      case 'rightpad': {
        const len = a as number;
        const padStr = args.length > 1 ? String(b) : ' ';
        return m === 'leftpad' ? s.padStart(len, padStr) : s.padEnd(len, padStr);
      }
      case 'center': {
        const len = a as number;
        const p = args.length > 1 ? String(b) : ' ';
        if (len <= s.length) return s;
        const total = len - s.length;
        const left = Math.floor(total / 2);
        return ''.padStart(left, p) + s + ''.padEnd(total - left, p);
      }
      case 'repeat':
        if (args.length === 2) return new Array(b as number).fill(s).join(String(a));
        return s.repeat(a as number);
      case 'replace':
        return s.split(needStr(a)).join(needStr(b));
      case 'replaceall': {
        const p = this.pattern(ip, needStr(a), at).d.re as RegExp;
        return s.replace(new RegExp(p.source, p.flags + 'g'), this.javaReplacement(needStr(b)));
      }
      case 'replacefirst': {
        const p = this.pattern(ip, needStr(a), at).d.re as RegExp;
        return s.replace(p, this.javaReplacement(needStr(b)));
      }
      case 'split': {
        const p = this.pattern(ip, needStr(a), at).d.re as RegExp;
        return new AList(T_STRING, this.javaSplit(s, p, args.length > 1 ? (b as number) : 0));
      }
      case 'matches':
        return this.matcherMatches(ip, this.pattern(ip, needStr(a), at), s);
      case 'remove':
        return s.split(needStr(a)).join('');
      case 'removeend':
        return a && s.endsWith(String(a)) ? s.slice(0, -String(a).length) : s;
      case 'removeendignorecase':
        return a && s.toLowerCase().endsWith(String(a).toLowerCase())
          ? s.slice(0, -String(a).length)
          : s;
      case 'removestart':
        return a && s.startsWith(String(a)) ? s.slice(String(a).length) : s;
      case 'removestartignorecase':
        return a && s.toLowerCase().startsWith(String(a).toLowerCase())
          ? s.slice(String(a).length)
          : s;
      case 'reverse':
        return [...s].reverse().join('');
      case 'capitalize':
        return s.charAt(0).toUpperCase() + s.slice(1);
      case 'uncapitalize':
        return s.charAt(0).toLowerCase() + s.slice(1);
      case 'swapcase':
        return [...s]
          .map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()))
          .join('');
      case 'deletewhitespace':
        return s.replace(/\s+/g, '');
      case 'normalizespace':
        return s.trim().replace(/\s+/g, ' ');
      case 'isnumeric':
        return s.length > 0 && /^\p{Nd}+$/u.test(s);
      case 'isalpha':
        return s.length > 0 && /^\p{L}+$/u.test(s);
      case 'isalphaspace':
        return /^[\p{L} ]*$/u.test(s);
      case 'isalphanumeric':
        return s.length > 0 && /^[\p{L}\p{Nd}]+$/u.test(s);
      case 'isalphanumericspace':
        return /^[\p{L}\p{Nd} ]*$/u.test(s);
      case 'isnumericspace':
        return /^[\p{Nd} ]*$/u.test(s);
      case 'iswhitespace':
        return /^\s*$/.test(s);
      case 'isalluppercase':
        return s.length > 0 && s === s.toUpperCase() && /^\p{L}+$/u.test(s);
      case 'isalllowercase':
        return s.length > 0 && s === s.toLowerCase() && /^\p{L}+$/u.test(s);
      case 'countmatches': {
        const sub = needStr(a);
        if (!sub) return 0;
        return s.split(sub).length - 1;
      }
      case 'abbreviate': {
        const max = a as number;
        if (max < 4) ip.throwEx('System.StringException', 'Minimum abbreviation width is 4', at);
        if (s.length <= max) return s;
        return s.slice(0, max - 3) + '...';
      }
      case 'substringbefore': {
        if (a === null) return s;
        const i = s.indexOf(String(a));
        return i < 0 ? s : s.slice(0, i);
      }
      case 'substringbeforelast': {
        if (a === null || a === '') return s;
        const i = s.lastIndexOf(String(a));
        return i < 0 ? s : s.slice(0, i);
      }
      case 'substringafter': {
        if (a === null) return '';
        const i = s.indexOf(String(a));
        return i < 0 ? '' : s.slice(i + String(a).length);
      }
      case 'substringafterlast': {
        if (a === null || a === '') return '';
        const i = s.lastIndexOf(String(a));
        return i < 0 || i + String(a).length === s.length ? '' : s.slice(i + String(a).length);
      }
      case 'substringbetween': {
        const open = needStr(a);
        const close = args.length > 1 ? needStr(b) : open;
        const i = s.indexOf(open);
        if (i < 0) return null;
        const j = s.indexOf(close, i + open.length);
        return j < 0 ? null : s.slice(i + open.length, j);
      }
      case 'striphtmltags':
        return s.replace(/<[^>]*>/g, '');
      case 'escapehtml4':
        return s
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;');
      case 'unescapehtml4':
        return s
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&quot;/g, '"')
          .replace(/&#39;/g, "'")
          .replace(/&amp;/g, '&');
      case 'escapexml':
        return s
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;')
          .replace(/'/g, '&apos;');
      case 'escapesinglequotes':
        return s.replace(/'/g, "\\'");
      case 'escapejava':
        return s
          .replace(/\\/g, '\\\\')
          .replace(/"/g, '\\"')
          .replace(/\n/g, '\\n')
          .replace(/\t/g, '\\t')
          .replace(/\r/g, '\\r');
      case 'escapeecmascript':
        return s
          .replace(/\\/g, '\\\\')
          .replace(/"/g, '\\"')
          .replace(/'/g, "\\'")
          .replace(/\//g, '\\/')
          .replace(/\n/g, '\\n');
      case 'unescapejava':
        return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) =>
          c.length === 5
            ? String.fromCharCode(parseInt(c.slice(1), 16))
            : (({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[c] ?? c)
        );
      case 'hashcode':
        return this.hashCode(ip, s);
      case 'tostring':
        return s;
      case 'getchars':
        return new AList(
          T_INTEGER,
          [...s].map((c) => c.charCodeAt(0))
        );
      case 'format':
        return this.messageFormat(ip, s, a as AList);
      case 'getsobjecttype': {
        const o = this.org.schema.byPrefix.get(s.slice(0, 3));
        if (!o) return this.u(ip, `Id.getSObjectType for key prefix ${s.slice(0, 3)}`, at);
        return this.sobjectType(o);
      }
      case 'to15':
        return s.slice(0, 15);
      case 'stripstart':
      case 'stripend':
        return this.u(ip, `String.${this.wm(ip, m)}`, at);
    }
    return this.u(ip, `String.${this.wm(ip, m)}`, at);
  }

  numberMethod(ip: Interp, n: unknown, m: string, args: unknown[], at: Pos): unknown {
    switch (m) {
      case 'intvalue':
        return ip.cast(n, T_INTEGER, at);
      case 'longvalue':
        return ip.cast(n, T_LONG, at);
      case 'doublevalue':
        return new ADouble(numValue(n));
      case 'format':
        if (typeof n === 'number' || typeof n === 'bigint')
          return this.formatNumber(n.toString(), 0);
        if (n instanceof ADecimal) return this.formatNumber(n.toString(), n.s);
        return this.formatNumber(javaDouble((n as ADouble).v), 3);
      case 'tostring':
        return ip.str(n);
      case 'equals':
        return ip.equalsStrict(n, args[0]) && ip.typeOf(n).key === ip.typeOf(args[0]).key;
      case 'hashcode':
        return typeof n === 'number' ? n : this.hashCode(ip, ip.str(n));
    }
    if (n instanceof ADecimal) {
      switch (m) {
        case 'setscale': {
          const mode = args[1] instanceof AEnum ? (args[1].name as RoundingMode) : 'HALF_UP';
          try {
            return n.withScale(args[0] as number, mode);
          } catch {
            return ip.throwEx('System.MathException', 'Rounding necessary', at);
          }
        }
        case 'scale':
          return n.s;
        case 'precision':
          return n.u === 0n ? 1 : (n.u < 0n ? -n.u : n.u).toString().length;
        case 'round':
          return args.length
            ? n.withScale(0, (args[0] as AEnum).name as RoundingMode).toBigInt()
            : n.withScale(0, 'HALF_EVEN').toBigInt();
        case 'abs':
          return n.abs();
        case 'divide': {
          const mode = args[2] instanceof AEnum ? (args[2].name as RoundingMode) : 'HALF_UP';
          const d = toDecimal(args[0]);
          if (d.u === 0n) ip.throwEx('System.MathException', 'Divide by 0', at);
          return n.div(d, args[1] as number, mode);
        }
        case 'striptrailingzeros':
          return n.stripTrailingZeros();
        case 'toplainstring':
          return n.toString();
        case 'pow':
          return new ADecimal(n.u ** BigInt(args[0] as number), n.s * (args[0] as number));
        case 'signum':
          return n.sign();
        case 'intvalue':
          return Number(BigInt.asIntN(32, n.toBigInt()));
      }
    }
    if (n instanceof ADouble) {
      if (m === 'round') return BigInt(Math.round(n.v));
      if (m === 'intvalue') return Math.trunc(n.v) | 0;
    }
    return this.u(ip, `${typeName(ip.typeOf(n))}.${this.wm(ip, m)}`, at);
  }

  formatNumber(text: string, scale: number): string {
    const locale = this.org.locale.toLowerCase();
    const [intPart, frac = ''] = text.replace('-', '').split('.');
    const group = locale.startsWith('nl') || locale.startsWith('de') ? '.' : ',';
    const dec = group === '.' ? ',' : '.';
    const grouped = intPart!.replace(/\B(?=(\d{3})+(?!\d))/g, group);
    void scale;
    return (text.startsWith('-') ? '-' : '') + grouped + (frac ? dec + frac : '');
  }

  dateMethod(ip: Interp, d: ADate, m: string, args: unknown[], at: Pos): unknown {
    const a = args[0] as number;
    switch (m) {
      case 'adddays':
        return new ADate(d.days + a);
      case 'addmonths':
        return d.addMonths(a);
      case 'addyears':
        return d.addMonths(a * 12);
      case 'year':
        return d.y;
      case 'month':
        return d.m;
      case 'day':
        return d.d;
      case 'dayofyear':
        return d.days - ADate.of(d.y, 1, 1).days + 1;
      case 'daysbetween':
        return (args[0] as ADate).days - d.days;
      case 'monthsbetween': {
        const o = args[0] as ADate;
        return (o.y - d.y) * 12 + (o.m - d.m);
      }
      case 'issamedate':
        return (args[0] as ADate)?.days === d.days;
      case 'tostartofmonth':
        return ADate.of(d.y, d.m, 1);
      case 'tostartofweek':
        return new ADate(d.days - new Date(d.days * DAY).getUTCDay());
      case 'format':
        return javaFormat(d.days * DAY, localePatterns(this.org.locale).date, 'GMT');
      case 'equals':
        return args[0] instanceof ADate && args[0].days === d.days;
      case 'hashcode':
        return d.days;
      case 'tostring':
        return d.toString();
    }
    return this.u(ip, `Date.${this.wm(ip, m)}`, at);
  }

  datetimeMethod(ip: Interp, d: ADatetime, m: string, args: unknown[], at: Pos): unknown {
    const tz = this.org.timezone;
    const a = args[0] as number;
    const p = (): ReturnType<typeof localParts> => localParts(d.ms, tz);
    const g = (): ReturnType<typeof localParts> => localParts(d.ms, 'GMT');
    switch (m) {
      case '$gmtstring':
        return this.dtString(d, 'GMT');
      case '$local':
        return new Date(d.ms + tzOffset(d.ms, tz));
      case 'addseconds':
        return new ADatetime(d.ms + a * 1000);
      case 'addminutes':
        return new ADatetime(d.ms + a * 60000);
      case 'addhours':
        return new ADatetime(d.ms + a * 3600000);
      case 'adddays':
      case 'addmonths':
      case 'addyears': {
        const lp = p();
        let date = ADate.of(lp.y, lp.m, lp.d);
        date =
          m === 'adddays'
            ? new ADate(date.days + a)
            : date.addMonths(m === 'addmonths' ? a : a * 12);
        return new ADatetime(fromLocal(date.y, date.m, date.d, lp.h, lp.mi, lp.s, lp.ms, tz));
      }
      case 'gettime':
        return BigInt(d.ms);
      case 'date': {
        const lp = p();
        return ADate.of(lp.y, lp.m, lp.d);
      }
      case 'dategmt': {
        const lp = g();
        return ADate.of(lp.y, lp.m, lp.d);
      }
      case 'time': {
        const lp = p();
        return ATime.of(lp.h, lp.mi, lp.s, lp.ms);
      }
      case 'timegmt': {
        const lp = g();
        return ATime.of(lp.h, lp.mi, lp.s, lp.ms);
      }
      case 'year':
        return p().y;
      case 'month':
        return p().m;
      case 'day':
        return p().d;
      case 'hour':
        return p().h;
      case 'minute':
        return p().mi;
      case 'second':
        return p().s;
      case 'millisecond':
        return p().ms;
      case 'yeargmt':
        return g().y;
      case 'monthgmt':
        return g().m;
      case 'daygmt':
        return g().d;
      case 'hourgmt':
        return g().h;
      case 'minutegmt':
        return g().mi;
      case 'secondgmt':
        return g().s;
      case 'millisecondgmt':
        return g().ms;
      case 'format':
        try {
          if (args.length === 0) {
            const lp = localePatterns(this.org.locale);
            return javaFormat(d.ms, `${lp.date} ${lp.time}`, tz);
          }
          return javaFormat(d.ms, String(args[0]), args.length > 1 ? String(args[1]) : tz);
        } catch (e) {
          return ip.throwEx('System.StringException', (e as Error).message, at);
        }
      case 'formatgmt':
        try {
          return javaFormat(d.ms, String(args[0]), 'GMT');
        } catch (e) {
          return ip.throwEx('System.StringException', (e as Error).message, at);
        }
      case 'formatlong':
        return javaFormat(d.ms, `${localePatterns(this.org.locale).date} HH:mm:ss z`, tz);
      case 'issamedate': {
        const o = args[0] as ADatetime;
        const x = p();
        const y = localParts(o.ms, tz);
        return x.y === y.y && x.m === y.m && x.d === y.d;
      }
      case 'equals':
        return args[0] instanceof ADatetime && args[0].ms === d.ms;
      case 'hashcode':
        return d.ms | 0;
      case 'tostring':
        return this.dtString(d, 'GMT');
    }
    return this.u(ip, `Datetime.${this.wm(ip, m)}`, at);
  }

  timeMethod(ip: Interp, t: ATime, m: string, args: unknown[], at: Pos): unknown {
    const a = args[0] as number;
    switch (m) {
      case 'hour':
        return t.h;
      case 'minute':
        return t.mi;
      case 'second':
        return t.s;
      case 'millisecond':
        return t.milli;
      case 'addhours':
        return new ATime((((t.ms + a * 3600000) % DAY) + DAY) % DAY);
      case 'addminutes':
        return new ATime((((t.ms + a * 60000) % DAY) + DAY) % DAY);
      case 'addseconds':
        return new ATime((((t.ms + a * 1000) % DAY) + DAY) % DAY);
      case 'addmilliseconds':
        return new ATime((((t.ms + a) % DAY) + DAY) % DAY);
    }
    return this.u(ip, `Time.${this.wm(ip, m)}`, at);
  }

  listMethod(ip: Interp, l: AList, m: string, args: unknown[], at: Pos): unknown {
    const [a, b] = args;
    switch (m) {
      case 'size':
        return l.a.length;
      case 'isempty':
        return l.a.length === 0;
      case 'add':
        if (args.length === 2) {
          if ((a as number) < 0 || (a as number) > l.a.length)
            ip.throwEx('System.ListException', `List index out of bounds: ${String(a)}`, at);
          l.a.splice(a as number, 0, ip.coerce(b, l.et, at));
          return null;
        }
        l.a.push(ip.coerce(a, l.et, at));
        return null;
      case 'addall':
        if (a === null) ip.npe(at);
        if (a instanceof AList) l.a.push(...a.a.map((x) => ip.coerce(x, l.et, at)));
        else if (a instanceof ASet)
          l.a.push(...[...a.m.values()].map((x) => ip.coerce(x, l.et, at)));
        return null;
      case 'get':
        return ip.listGet(l, a, at);
      case 'set':
        ip.listSet(l, a, b, at);
        return null;
      case 'remove': {
        const i = a as number;
        if (i < 0 || i >= l.a.length)
          ip.throwEx('System.ListException', `List index out of bounds: ${i}`, at);
        return l.a.splice(i, 1)[0];
      }
      case 'clear':
        l.a.length = 0;
        return null;
      case 'contains':
        return l.a.some((x) => ip.equalsStrict(x, a));
      case 'indexof':
        return l.a.findIndex((x) => ip.equalsStrict(x, a));
      case 'clone':
      case 'deepclone': {
        const c = new AList(
          l.et,
          l.a.map((x) => (m === 'deepclone' && x instanceof SObj ? x.clone() : x))
        );
        return c;
      }
      case 'sort':
        this.sortList(ip, l, at);
        return null;
      case 'equals':
        return ip.equalsStrict(l, a);
      case 'hashcode':
        return this.hashCode(ip, String(ip.keyOf(l)));
      case 'tostring':
        return ip.str(l);
      case 'iterator':
        return this.u(ip, 'List.iterator', at);
      case 'getsobjecttype': {
        const o = this.org.schema.get(l.et.key);
        return o ? this.sobjectType(o) : null;
      }
    }
    return this.u(ip, `List.${this.wm(ip, m)}`, at);
  }

  sortList(ip: Interp, l: AList, at: Pos): void {
    const cmp = (x: unknown, y: unknown): number => {
      if (x === null || x === undefined) return y === null || y === undefined ? 0 : -1;
      if (y === null || y === undefined) return 1;
      if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
      if (x instanceof AEnum && y instanceof AEnum) return x.ordinal - y.ordinal;
      if (x instanceof AObj) {
        if (!ip.findMethods(x.cls, 'compareto').length)
          this.u(ip, `List.sort of ${x.cls.name} (no compareTo)`, at);
        return ip.callMethod(x, 'compareto', [y], at) as number;
      }
      if (x instanceof SObj) return this.u(ip, 'List.sort of SObjects', at);
      if (typeof x === 'boolean') return Number(x) - Number(y);
      return ip.compare(x, y, at);
    };
    // stable merge sort (Array.prototype.sort is stable in V8)
    l.a.sort(cmp);
  }

  setMethod(ip: Interp, s: ASet, m: string, args: unknown[], at: Pos): unknown {
    const [a] = args;
    const items = (v: unknown): unknown[] => {
      if (v === null) return ip.npe(at);
      if (v instanceof AList) return v.a;
      if (v instanceof ASet) return [...v.m.values()];
      return this.u(ip, 'Set argument', at);
    };
    switch (m) {
      case 'size':
        return s.m.size;
      case 'isempty':
        return s.m.size === 0;
      case 'add':
        return ip.setAdd(s, ip.coerce(a, s.et, at));
      case 'addall': {
        let changed = false;
        for (const x of items(a)) changed = ip.setAdd(s, ip.coerce(x, s.et, at)) || changed;
        return changed;
      }
      case 'contains':
        return s.m.has(ip.keyOf(ip.coerce(a, s.et, at)));
      case 'containsall':
        return items(a).every((x) => s.m.has(ip.keyOf(x)));
      case 'remove':
        return s.m.delete(ip.keyOf(a));
      case 'removeall': {
        let changed = false;
        for (const x of items(a)) changed = s.m.delete(ip.keyOf(x)) || changed;
        return changed;
      }
      case 'retainall': {
        const keep = new Set(items(a).map((x) => ip.keyOf(x)));
        let changed = false;
        for (const k of [...s.m.keys()])
          if (!keep.has(k)) {
            s.m.delete(k);
            changed = true;
          }
        return changed;
      }
      case 'clear':
        s.m.clear();
        return null;
      case 'clone': {
        const c = new ASet(s.et);
        for (const [k, v] of s.m) c.m.set(k, v);
        return c;
      }
      case 'equals':
        return ip.equalsStrict(s, a);
      case 'hashcode':
        return this.hashCode(ip, String(ip.keyOf(s)));
      case 'tostring':
        return ip.str(s);
    }
    return this.u(ip, `Set.${this.wm(ip, m)}`, at);
  }

  mapMethod(ip: Interp, mp: AMap, m: string, args: unknown[], at: Pos): unknown {
    const [a0, b] = args;
    // describe maps (getGlobalDescribe, fields.getMap) have case-insensitive keys
    const a = (mp as any).ci && typeof a0 === 'string' ? a0.toLowerCase() : a0;
    switch (m) {
      case 'size':
        return mp.m.size;
      case 'isempty':
        return mp.m.size === 0;
      case 'get':
        return ip.mapGet(mp, ip.coerce(a, mp.kt, at));
      case 'put':
        return ip.mapPut(mp, ip.coerce(a, mp.kt, at), ip.coerce(b, mp.vt, at));
      case 'putall':
        if (a instanceof AMap) for (const [, [k, v]] of a.m) ip.mapPut(mp, k, v);
        else if (a instanceof AList)
          for (const so of a.a) ip.mapPut(mp, (so as SObj).f.get('id'), so);
        return null;
      case 'containskey':
        return mp.m.has(ip.keyOf(ip.coerce(a, mp.kt, at)));
      case 'remove': {
        const k = ip.keyOf(ip.coerce(a, mp.kt, at));
        const old = mp.m.get(k);
        mp.m.delete(k);
        return old ? old[1] : null;
      }
      case 'keyset': {
        const s = new ASet(mp.kt);
        for (const [k, [orig]] of mp.m) s.m.set(k, orig);
        return s;
      }
      case 'values':
        return new AList(
          mp.vt,
          [...mp.m.values()].map((x) => x[1])
        );
      case 'clear':
        mp.m.clear();
        return null;
      case 'clone':
      case 'deepclone': {
        const c = new AMap(mp.kt, mp.vt);
        for (const [k, [kk, v]] of mp.m)
          c.m.set(k, [kk, m === 'deepclone' && v instanceof SObj ? v.clone() : v]);
        return c;
      }
      case 'equals':
        return ip.equalsStrict(mp, a);
      case 'hashcode':
        return this.hashCode(ip, ip.str(mp));
      case 'tostring':
        return ip.str(mp);
      case 'getsobjecttype': {
        const o = this.org.schema.get(mp.vt.key);
        return o ? this.sobjectType(o) : null;
      }
    }
    return this.u(ip, `Map.${this.wm(ip, m)}`, at);
  }

  sobjMethod(ip: Interp, s: SObj, m: string, args: unknown[], at: Pos): unknown {
    const [a, b] = args;
    const o = this.org.schema.get(s.type);
    const fieldName = (x: unknown): string =>
      x instanceof HostObj && x.kind === 'sobjectfield' ? (x.d.f as FieldMeta).name : String(x);
    switch (m) {
      case 'get': {
        const name = fieldName(a);
        if (s.type === 'AggregateResult') {
          const k = name.toLowerCase();
          if (!s.f.has(k))
            ip.throwEx('System.SObjectException', `Invalid field ${name} for AggregateResult`, at);
          return s.f.get(k);
        }
        return this.org.db.sobjGet(ip, s, name, at);
      }
      case 'put': {
        const name = fieldName(a);
        const old = s.f.get(name.toLowerCase()) ?? null;
        this.org.db.sobjPut(ip, s, name, b, at);
        return old;
      }
      case 'getsobject':
        return this.org.db.sobjGet(ip, s, fieldName(a), at);
      case 'putsobject':
        this.org.db.sobjPut(ip, s, fieldName(a), b, at);
        return null;
      case 'getsobjects':
        return this.org.db.sobjGet(ip, s, fieldName(a), at);
      case 'getsobjecttype':
        return o ? this.sobjectType(o) : null;
      case 'isset':
        return s.f.has(fieldName(a).toLowerCase());
      case 'getpopulatedfieldsasmap': {
        const mp = new AMap(T_STRING, T_OBJECT);
        for (const [k, v] of s.f) ip.mapPut(mp, s.names.get(k) ?? k, v);
        return mp;
      }
      case 'clone': {
        const c = s.clone(args[1] === true);
        c.queried = null;
        const preserveId = a === true;
        if (!preserveId) c.f.delete('id');
        if (args[2] !== true)
          for (const k of [
            'createddate',
            'createdbyid',
            'lastmodifieddate',
            'lastmodifiedbyid',
            'systemmodstamp'
          ])
            c.f.delete(k);
        return c;
      }
      case 'adderror': {
        if (args.length === 2) s.errors.push({ field: fieldName(a), msg: ip.str(b) });
        else
          s.errors.push({
            field: null,
            msg: a instanceof AObj ? String(a.host?.message) : ip.str(a)
          });
        if (!(ip as any).triggerCtx)
          ip.throwEx(
            'System.SObjectException',
            'SObject.addError can only be called on records in a trigger context',
            at
          );
        return null;
      }
      case 'haserrors':
        return s.errors.length > 0;
      case 'geterrors':
        return new AList(
          rt('database.error', 'Database.Error'),
          s.errors.map((e) =>
            this.dbError('FIELD_CUSTOM_VALIDATION_EXCEPTION', e.msg, e.field ? [e.field] : [])
          )
        );
      case 'equals':
        return ip.equalsStrict(s, a);
      case 'hashcode':
        return this.hashCode(ip, String(ip.keyOf(s)));
      case 'tostring':
        return ip.str(s);
    }
    return this.u(ip, `SObject.${this.wm(ip, m)}`, at);
  }

  hostMethod(ip: Interp, h: HostObj, m: string, args: unknown[], at: Pos): unknown {
    const d = h.d;
    const [a] = args;
    switch (h.kind) {
      case 'dbresult':
        switch (m) {
          case 'issuccess':
            return d.success;
          case 'getid':
            return d.id;
          case 'geterrors':
            return new AList(rt('database.error', 'Database.Error'), d.errors);
          case 'iscreated':
            return d.created;
        }
        break;
      case 'dberror':
        switch (m) {
          case 'getstatuscode':
            return d.code;
          case 'getmessage':
            return d.msg;
          case 'getfields':
            return new AList(T_STRING, d.fields);
        }
        break;
      case 'dmloptions':
        break;
      case 'pattern':
        if (m === 'matcher') return this.newMatcher(h, String(a));
        if (m === 'pattern') return d.src;
        if (m === 'split')
          return new AList(
            T_STRING,
            this.javaSplit(String(a), d.re as RegExp, (args[1] as number) ?? 0)
          );
        break;
      case 'matcher':
        return this.matcherMethod(ip, h, m, args, at);
      case 'timezone': {
        const id = d as string;
        if (m === 'getid') return id;
        if (m === 'getoffset') return tzOffset((a as ADatetime).ms, id);
        if (m === 'getdisplayname') {
          const off = tzOffset(this.org.clock(), id) / 60000;
          const sign = off < 0 ? '-' : '+';
          const abs = Math.abs(off);
          return `(GMT${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}) ${id}`;
        }
        if (m === 'tostring') return id;
        break;
      }
      case 'sobjecttype': {
        const o = d as ObjMeta;
        if (m === 'getdescribe') return this.describeObj(o);
        if (m === 'newsobject') {
          // "SObjectType Class": newSObject(id) makes a record with that Id (all other fields
          // null); newSObject(recordTypeId, loadDefaults) fills the default field values.
          if (args.length > 1) {
            if (a !== undefined && a !== null) return this.u(ip, 'newSObject(recordTypeId, …)', at);
            const s = new SObj(o.name);
            if (args[1] === true) this.org.db.applyDefaults(o, s);
            // "Test Apex Publish Callbacks": loadDefaults gives a platform event its EventUuid
            if (args[1] === true && o.kind === 'event')
              s.put('eventuuid', 'EventUuid', platformEvents.newUuid());
            return s;
          }
          const s = new SObj(o.name);
          if (a !== undefined && a !== null) s.put('id', 'Id', a);
          return s;
        }
        if (m === 'equals') return a instanceof HostObj && a.d === o;
        if (m === 'hashcode') return this.hashCode(ip, o.key);
        if (m === 'tostring') return o.name;
        break;
      }
      case 'describeobj': {
        const o = d as ObjMeta;
        switch (m) {
          case 'getname':
          case 'getlocalname':
            return o.name;
          case 'getlabel':
            return o.label;
          case 'getlabelplural':
            return o.labelPlural;
          case 'getkeyprefix':
            return o.keyPrefix;
          case 'getsobjecttype':
            return this.sobjectType(o);
          case 'iscustom':
            return o.kind !== 'standard';
          case 'iscustomsetting':
            return o.kind === 'setting';
          case 'isaccessible':
          case 'iscreateable':
          case 'isupdateable':
          case 'isdeletable':
          case 'isqueryable':
            return this.security.describeObject(o, m);
          case 'fields':
            return new HostObj(
              rt('schema.sobjecttypefields', 'Schema.SObjectTypeFields'),
              'fields',
              o
            );
        }
        break;
      }
      case 'fields': {
        const o = d as ObjMeta;
        if (m === 'getmap') {
          const mp = new AMap(T_STRING, rt('schema.sobjectfield', 'Schema.SObjectField'));
          for (const f of o.fields.values()) ip.mapPut(mp, f.key, this.fieldToken(o, f));
          (mp as any).ci = true;
          return mp;
        }
        break;
      }
      case 'sobjectfield': {
        const { o, f } = d as { o: ObjMeta; f: FieldMeta };
        if (m === 'getdescribe')
          return new HostObj(
            rt('schema.describefieldresult', 'Schema.DescribeFieldResult'),
            'describefield',
            { o, f }
          );
        if (m === 'equals') return a instanceof HostObj && a.kind === 'sobjectfield' && a.d.f === f;
        if (m === 'hashcode') return this.hashCode(ip, `${o.key}.${f.key}`);
        if (m === 'tostring') return f.name;
        break;
      }
      case 'describefield': {
        const { o, f } = d as { o: ObjMeta; f: FieldMeta };
        switch (m) {
          case 'getname':
          case 'getlocalname':
            return f.name;
          case 'getlabel':
            return f.label;
          case 'getlength':
            return [
              'text',
              'textarea',
              'longtextarea',
              'email',
              'phone',
              'url',
              'picklist',
              'combobox'
            ].includes(f.type)
              ? (f.length ?? 255)
              : 0;
          case 'gettype':
            return enumOf('Schema.DisplayType', DISPLAY_TYPES, displayType(f));
          case 'isexternalid':
            return !!f.externalId;
          case 'isunique':
            return !!f.unique;
          case 'iscasesensitive':
            return !!f.caseSensitive;
          case 'isnillable':
            return !f.required && f.type !== 'checkbox';
          case 'iscustom':
            return f.name.endsWith('__c');
          case 'isaccessible':
          case 'iscreateable':
          case 'isupdateable':
            return this.security.describeField(o, f, m);
          case 'isrestrictedpicklist':
            return !!f.picklist?.restricted;
          case 'isautonumber':
            // An auto-number Name is stored as read-only text; the object records its format.
            return f.type === 'autonumber' || (f.key === 'name' && !!o.nameAutoNumber);
          case 'issortable':
            // SOQL "ORDER BY": multi-select picklist, rich text area, long text area and
            // encrypted fields cannot be sorted on.
            return !isLongText(f) && !['multiselectpicklist', 'encryptedtext'].includes(f.type);
          case 'isnamefield': {
            const nameField = nameFieldOf(o);
            if (nameField === undefined)
              return this.u(ip, `Schema.DescribeFieldResult.isNameField on ${o.name}`, at);
            return f.key === nameField;
          }
          case 'getsoaptype':
            return enumOf('Schema.SOAPType', SOAP_TYPES, soapType(f));
          case 'getreferenceto':
            return new AList(
              rt('schema.sobjecttype', 'Schema.SObjectType'),
              (f.referenceTo ?? [])
                .map((r) => this.org.schema.get(r))
                .filter((x): x is ObjMeta => !!x)
                .map((x) => this.sobjectType(x))
            );
          case 'getrelationshipname':
            return f.relationshipName ?? null;
          case 'getsobjectfield':
            return this.fieldToken(o, f);
          case 'getdefaultvalue':
            return f.type === 'checkbox' ? f.defaultValue === 'true' : null;
          case 'getpicklistvalues':
            return new AList(
              rt('schema.picklistentry', 'Schema.PicklistEntry'),
              (f.picklist?.values ?? []).map(
                (v) =>
                  new HostObj(rt('schema.picklistentry', 'Schema.PicklistEntry'), 'picklistentry', {
                    v,
                    def: v === f.picklist?.default
                  })
              )
            );
          case 'getprecision':
            return f.precision ?? 0;
          case 'getscale':
            return f.scale ?? 0;
        }
        break;
      }
      case 'picklistentry':
        if (m === 'getvalue' || m === 'getlabel') return d.v;
        if (m === 'isactive') return true;
        if (m === 'isdefaultvalue') return d.def;
        break;
      case 'savepoint':
        break;
    }
    return this.u(ip, `${h.$type.name}.${this.wm(ip, m)}`, at);
  }

  newMatcher(p: HostObj, s: string): HostObj {
    return new HostObj(rt('system.matcher', 'System.Matcher'), 'matcher', {
      p,
      s,
      m: null as RegExpExecArray | null,
      pos: 0,
      re: p.d.re as RegExp
    });
  }

  matcherMethod(ip: Interp, h: HostObj, m: string, args: unknown[], at: Pos): unknown {
    const d = h.d;
    const re: RegExp = d.re;
    switch (m) {
      case 'matches': {
        const full = new RegExp(`^(?:${re.source})$`, re.flags);
        d.m = full.exec(d.s);
        return d.m !== null;
      }
      case 'find': {
        const g = new RegExp(re.source, re.flags + 'g');
        g.lastIndex = args.length ? (args[0] as number) : d.pos;
        d.m = g.exec(d.s);
        if (d.m) d.pos = d.m.index + Math.max(1, d.m[0].length);
        return d.m !== null;
      }
      case 'lookingat': {
        const st = new RegExp(`^(?:${re.source})`, re.flags);
        d.m = st.exec(d.s);
        return d.m !== null;
      }
      case 'group': {
        if (!d.m) ip.throwEx('System.StringException', 'No match found', at);
        const g = args.length ? (args[0] as number) : 0;
        if (typeof args[0] === 'string') return d.m.groups?.[args[0]] ?? null;
        if (g > d.m.length - 1) ip.throwEx('System.StringException', `No group ${g}`, at);
        return d.m[g] ?? null;
      }
      case 'groupcount':
        return new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1;
      case 'start':
        if (!d.m) ip.throwEx('System.StringException', 'No match available', at);
        return d.m.index;
      case 'end':
        if (!d.m) ip.throwEx('System.StringException', 'No match available', at);
        return d.m.index + d.m[0].length;
      case 'replaceall':
        return String(d.s).replace(
          new RegExp(re.source, re.flags + 'g'),
          this.javaReplacement(String(args[0]))
        );
      case 'replacefirst':
        return String(d.s).replace(re, this.javaReplacement(String(args[0])));
      case 'reset':
        d.pos = 0;
        d.m = null;
        if (args.length) d.s = String(args[0]);
        return h;
      case 'hitend':
        return this.u(ip, 'Matcher.hitEnd', at);
    }
    return this.u(ip, `Matcher.${this.wm(ip, m)}`, at);
  }
}

/** A copy of an Apex value graph (the state a non-Stateful batch starts each transaction with). */
function deepCopy<T>(v: T, seen = new Map<unknown, unknown>()): T {
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return seen.get(v) as T;
  if (v instanceof AList) {
    const c = new AList(v.et, []);
    seen.set(v, c);
    c.a = v.a.map((x) => deepCopy(x, seen));
    return c as T;
  }
  if (v instanceof ASet) {
    const c = new ASet(v.et);
    seen.set(v, c);
    for (const [k, x] of v.m) c.m.set(k, deepCopy(x, seen));
    return c as T;
  }
  if (v instanceof AMap) {
    const c = new AMap(v.kt, v.vt);
    seen.set(v, c);
    for (const [k, [kk, x]] of v.m) c.m.set(k, [kk, deepCopy(x, seen)]);
    return c as T;
  }
  if (v instanceof SObj) return v.clone() as T;
  if (v instanceof AObj) {
    const c = new AObj(v.cls);
    seen.set(v, c);
    c.host = v.host;
    for (const [k, x] of v.f) c.f.set(k, deepCopy(x, seen));
    return c as T;
  }
  return v;
}

/**
 * Next fire time of a Salesforce cron expression (Seconds Minutes Hours Day_of_month Month
 * Day_of_week [Year]) in the user's time zone; null when it uses L, W, # or names.
 */
export function nextFireTime(cron: string, now: number, tz: string): number | null {
  const parts = cron.trim().split(/\s+/);
  if (parts.length < 6 || parts.length > 7) return null;
  const ranges: [number, number][] = [
    [0, 59],
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [1, 7]
  ];
  const sets: (Set<number> | null)[] = [];
  for (let i = 0; i < 6; i++) {
    const p = parts[i]!;
    const [lo, hi] = ranges[i]!;
    if (p === '*' || p === '?') {
      sets.push(null);
      continue;
    }
    const set = new Set<number>();
    for (const item of p.split(',')) {
      const m = /^(\d+|\*)(?:-(\d+))?(?:\/(\d+))?$/.exec(item);
      if (!m) return null;
      const start = m[1] === '*' ? lo : Number(m[1]);
      const end =
        m[2] !== undefined ? Number(m[2]) : m[3] !== undefined || m[1] === '*' ? hi : start;
      const step = m[3] !== undefined ? Number(m[3]) : 1;
      if (start < lo || end > hi || step < 1) return null;
      for (let v = start; v <= end; v += step) set.add(v);
    }
    sets.push(set);
  }
  if (parts[6] !== undefined && parts[6] !== '*') return null;
  const ok = (i: number, v: number): boolean => sets[i] === null || sets[i]!.has(v);
  // scan forward second by second would be slow: scan minutes, then seconds
  let t = Math.floor(now / 1000) * 1000 + 1000;
  for (let guard = 0; guard < 366 * 24 * 60 * 2; guard++) {
    const p = localParts(t, tz);
    const toNextMinute = (60 - p.s) * 1000;
    if (!(ok(4, p.m) && ok(3, p.d) && ok(5, p.dow + 1))) {
      t += ((23 - p.h) * 60 + (59 - p.mi)) * 60000 + toNextMinute; // next day
      continue;
    }
    if (!ok(2, p.h)) {
      t += (59 - p.mi) * 60000 + toNextMinute; // next hour
      continue;
    }
    if (ok(1, p.mi))
      for (let sec = p.s; sec < 60; sec++) if (ok(0, sec)) return t + (sec - p.s) * 1000;
    t += toNextMinute;
  }
  return null;
}

class AMapLike {
  constructor(readonly entries: [string, unknown][]) {}
}

/**
 * The object's name field (SOAP API "Field": nameField, one per object): Subject on activities,
 * CaseNumber on Case, Name elsewhere. Custom metadata types and platform events are left
 * undefined (the runtime reports the call unsupported rather than guess).
 */
function nameFieldOf(o: ObjMeta): string | undefined {
  if (o.kind === 'mdt' || o.kind === 'event') return undefined;
  if (o.key === 'task' || o.key === 'event') return 'subject';
  if (o.key === 'case') return 'casenumber';
  return o.fields.has('name') ? 'name' : undefined;
}

/**
 * Apex Reference "SOAPType Enum": the SOAP type behind each display type (numbers of every kind
 * are xsd:double, references are IDs); everything textual is a String.
 */
const SOAP_OF_DISPLAY: Record<string, string> = {
  BOOLEAN: 'BOOLEAN',
  DOUBLE: 'DOUBLE',
  CURRENCY: 'DOUBLE',
  PERCENT: 'DOUBLE',
  INTEGER: 'INTEGER',
  DATE: 'DATE',
  DATETIME: 'DATETIME',
  TIME: 'TIME',
  ID: 'ID',
  REFERENCE: 'ID',
  BASE64: 'BASE64BINARY'
};

function soapType(f: FieldMeta): string {
  return SOAP_OF_DISPLAY[displayType(f)] ?? 'STRING';
}

function displayType(f: FieldMeta): string {
  switch (f.type) {
    case 'checkbox':
      return 'BOOLEAN';
    case 'number':
      return 'DOUBLE';
    case 'currency':
      return 'CURRENCY';
    case 'percent':
      return 'PERCENT';
    case 'int':
      return 'INTEGER';
    case 'double':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'datetime':
      return 'DATETIME';
    case 'time':
      return 'TIME';
    case 'email':
      return 'EMAIL';
    case 'phone':
      return 'PHONE';
    case 'url':
      return 'URL';
    case 'picklist':
      return 'PICKLIST';
    case 'multiselectpicklist':
      return 'MULTIPICKLIST';
    case 'combobox':
      return 'COMBOBOX';
    case 'id':
      return 'ID';
    case 'reference':
    case 'lookup':
    case 'masterdetail':
      return 'REFERENCE';
    case 'textarea':
    case 'longtextarea':
    case 'html':
      return 'TEXTAREA';
    case 'base64':
      return 'BASE64';
    default:
      return 'STRING';
  }
}

export { T_SOBJECT, listOf, ApexThrow, NOT_FOUND };
