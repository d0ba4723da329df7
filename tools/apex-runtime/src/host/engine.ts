/**
 * The local org itself: the project loaded into one Runtime that is never reset between
 * requests, run outside any test. Every request (Site REST call, @AuraEnabled call) is one
 * transaction; the async work they leave behind (platform events, Queueables with their
 * delays, finalizers, batches, schedules) is run by `pump()` on the org's clock. The state is
 * written to one file after each committed change. Runs inside the worker thread of
 * src/host/index.ts, where blocking on a callout does not block the process's HTTP servers.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import fs from 'node:fs';
import path from 'node:path';
import { parseApex, parseSoql, type Pos, type TypeDecl } from '../ast';
import { ApexThrow, Uncatchable, Unsupported } from '../errors';
import { exceptionToString, rt, type ClassRt } from '../interp';
import { loadProject } from '../project';
import { Runtime } from '../runner';
import { SObj } from '../sobject';
import { HostObj } from '../stdlib';
import { dispatchRest } from '../platform/rest';
import { loadSecurityMeta, STANDARD_PROFILES, type UserContext } from '../platform/security';
import * as asyncApex from '../platform/async';
import * as events from '../platform/events';
import {
  markTransaction,
  rollBackTo,
  runTransaction,
  type TxKind,
  type TxMark
} from '../platform/tx';
import { nextFireTime } from '../stdlib';
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
  ATime
} from '../values';
import { pack, unpack } from './codec';
import {
  GUEST_PROFILE_NAME,
  generateWebhookSecret,
  sha256Hex,
  LOOKUP_SECRET_SETTING,
  SAMPLE_DATA_PLAN,
  SAMPLE_PERMISSION_SET,
  SECRET_HASH_FIELD,
  SECRET_SETTING,
  SEED_USERS,
  SUBSCRIBER_BATCH_SIZE,
  TRIGGER_NAME,
  readSampleRecords,
  samplePermissionSetXml,
  type SeedUser
} from './seed';

export interface EngineConfig {
  root: string;
  packageDirs: string[];
  stateDir: string;
  reset: boolean;
  speed: number;
  namedCredentialUrls: Record<string, string>;
  credentialSecrets: Record<string, string>;
  /** where the parse cache lives; `<stateDir>/cache` unless given */
  cacheDir?: string;
}

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  timeoutMs: number;
}

export type OutboundResponse =
  | { status: number; statusText: string; headers: Record<string, string>; body: Uint8Array }
  | { error: string };

export interface EventMessage {
  channel: string;
  data: { payload: Record<string, unknown>; event: { replayId: number } };
}

export interface EngineHooks {
  /** makes the HTTP request and returns when it is answered (blocks the thread) */
  callout(req: OutboundRequest): OutboundResponse;
  log(line: string): void;
  event(msg: EventMessage): void;
  commit(info: { kind: string; objects: string[] }): void;
}

export interface LocalUser {
  id: string;
  username: string;
  name: string;
  rinkelUserId?: string | null;
}

export interface StartInfo {
  users: { admin: LocalUser; agent: LocalUser; integration: LocalUser; guest: LocalUser };
  secrets: { webhookSecret: string; lookupToken: string; generatedNow: boolean };
  timings: { totalMs: number; parseMs: number; loadMs: number; fromCache: boolean };
  weborders: { id: string; name: string; phone: string; e164: string | null; status?: string }[];
  stateFile: string;
}

export interface RestRequestIn {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  remoteAddress?: string;
}

export interface RestResponseOut {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface OrgStatus {
  /** Queueables and batches waiting to run */
  queued: number;
  /** the same, each with its class and when it may run (org time) */
  jobs: { id: string; name: string; runAt: string }[];
  scheduled: { name: string; nextRun: string }[];
  eventsPending: number;
  /** the org's clock */
  clock: string;
}

export type AuraResult =
  | { ok: true; value: unknown }
  | { ok: false; error: { message: string; exceptionType: string; status: number } };

const STATE_VERSION = 1;
const CACHE_VERSION = 1;
/** a retried event batch is offered again after this long (org time) times its retry count */
const EVENT_RETRY_MS = 5000;
const HOST_POS: Pos = { line: 1, col: 1 } as Pos;

interface Schedule {
  id: string;
  job: AObj;
}

interface StoredState {
  version: number;
  clock: number;
  tables: Map<string, Map<string, Map<string, unknown>>>;
  counter: number;
  auto: Map<string, number>;
  replay: number;
  jobs: {
    id: string;
    job: AObj;
    depth: number;
    options: asyncApex.JobOptions;
    enqueuedAt: number;
    enqueuedBy?: string;
  }[];
  schedules: Schedule[];
  events: { type: string; event: SObj; uuid: string }[];
  secrets: { webhookSecret: string; lookupToken: string };
}

function writeAtomic(file: string, data: Buffer | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Plain JSON of a runtime value, as the pages and tests read it. Datetimes in the ISO form
 * JSON.serialize writes. `obj` decides what an Apex object becomes.
 */
export function toJson(v: unknown, obj?: (o: AObj) => unknown): unknown {
  const rec = (x: unknown): unknown => toJson(x, obj);
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof ADecimal) return Number(v.toString());
  if (v instanceof ADouble) return v.v;
  if (v instanceof ADatetime) return new Date(v.ms).toISOString();
  if (v instanceof ADate) return new Date(v.days * 86400000).toISOString().slice(0, 10);
  if (v instanceof ATime) return new Date(v.ms).toISOString().slice(11, 23) + 'Z';
  if (v instanceof ABlob) return v.b.toString('base64');
  if (v instanceof AEnum) return v.name;
  if (v instanceof AList) return v.a.map(rec);
  if (v instanceof ASet) return [...v.m.values()].map(rec);
  if (v instanceof AMap) {
    const o: Record<string, unknown> = {};
    for (const [, [k, x]] of v.m) o[String(k)] = rec(x);
    return o;
  }
  if (v instanceof SObj) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.f) {
      const name = v.names.get(k) ?? k;
      if (x instanceof AList) o[name] = { totalSize: x.a.length, done: true, records: rec(x) };
      else o[name] = rec(x);
    }
    return o;
  }
  if (v instanceof AObj) {
    if (obj) return obj(v);
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.f) o[(v.cls as ClassRt).fields?.get(k)?.name ?? k] = rec(x);
    return o;
  }
  return String(v);
}

export class Engine {
  rtm!: Runtime;
  private clockBase = Date.now();
  private realBase = Date.now();
  private touched = new Set<string>();
  /** events published during the current delivery, by event object */
  private published = new Map<string, number>();
  private dirty = false;
  private retryAt = 0;
  private schedules: Schedule[] = [];
  private secrets = { webhookSecret: '', lookupToken: '' };
  private users = new Map<SeedUser['key'], LocalUser>();
  private closed = false;
  readonly stateFile: string;
  readonly cacheFile: string;

  constructor(
    readonly cfg: EngineConfig,
    readonly hooks: EngineHooks
  ) {
    this.stateFile = path.join(cfg.stateDir, 'org-state.bin');
    this.cacheFile = path.join(cfg.cacheDir ?? path.join(cfg.stateDir, 'cache'), 'apex-ast.bin');
  }

  /** The org's clock: real time since start, times the speed, from where the org last stopped. */
  now(): number {
    return this.clockBase + (Date.now() - this.realBase) * this.cfg.speed;
  }

  // ------------------------------------------------------------------ start

  start(): StartInfo {
    const t0 = Date.now();
    const { project, fromCache, parseMs } = this.loadProject();
    const loadMs = Date.now() - t0;
    if (this.cfg.reset) fs.rmSync(this.stateFile, { force: true });
    this.rtm = new Runtime(project);
    this.configure();
    const stored = fs.existsSync(this.stateFile) ? this.readState() : null;
    // the org's clock never runs backwards across a restart
    if (stored) this.clockBase = Math.max(stored.clock, Date.now());
    this.realBase = Date.now();
    let generatedNow = false;
    if (stored) this.restore(stored);
    else {
      this.seed();
      generatedNow = true;
    }
    this.save();
    const totalMs = Date.now() - t0;
    const u = (k: SeedUser['key']): LocalUser => this.users.get(k)!;
    return {
      users: {
        admin: u('admin'),
        agent: u('agent'),
        integration: u('integration'),
        guest: u('guest')
      },
      secrets: { ...this.secrets, generatedNow },
      timings: { totalMs, parseMs, loadMs, fromCache },
      weborders: this.weborders(),
      stateFile: this.stateFile
    };
  }

  /** Parses the project, reusing the syntax trees of unchanged files (keyed on their content). */
  private loadProject(): {
    project: ReturnType<typeof loadProject>;
    fromCache: boolean;
    parseMs: number;
  } {
    let cache = new Map<string, TypeDecl>();
    try {
      const b = fs.readFileSync(this.cacheFile);
      const c = unpack(b) as { version: number; decls: Map<string, TypeDecl> };
      if (c.version === CACHE_VERSION) cache = c.decls;
    } catch {
      // no cache or an unreadable one: parse everything
    }
    const used = new Map<string, TypeDecl>();
    let misses = 0;
    const t0 = Date.now();
    const project = loadProject(this.cfg.root, this.cfg.packageDirs, {
      parse: (source, file) => {
        const key = sha256Hex(`${file}\u0000${source}`);
        let d = cache.get(key);
        if (!d) {
          d = parseApex(source, file);
          misses++;
        }
        used.set(key, d);
        return d;
      }
    });
    const parseMs = Date.now() - t0;
    if (misses || used.size !== cache.size) {
      try {
        writeAtomic(this.cacheFile, pack({ version: CACHE_VERSION, decls: used }));
      } catch (e) {
        this.hooks.log(`parse cache not written: ${(e as Error).message}`);
      }
    }
    // setup generates this permission set in scratch orgs only (scripts/setup/project.ts)
    const gen = path.join(
      this.cfg.stateDir,
      'cache',
      `${SAMPLE_PERMISSION_SET}.permissionset-meta.xml`
    );
    fs.mkdirSync(path.dirname(gen), { recursive: true });
    fs.writeFileSync(gen, samplePermissionSetXml());
    project.security.permissionSets.push(...loadSecurityMeta(this.cfg.root, [gen]).permissionSets);
    return { project, fromCache: misses === 0, parseMs };
  }

  /** Hosting: no test context, the org's clock, real callouts, events reported as published. */
  private configure(): void {
    const rtm = this.rtm;
    const org = rtm.org;
    org.inTest = false;
    org.clock = () => this.now();
    rtm.db.now = () => this.now();
    org.hostCallout = (ip, req, at) => this.callout(ip, req, at);
    // setEventProcessingUser: the webhook trigger runs as the integration user, 200 a batch
    rtm.lib.platform.md.subscriberConfigs.set(TRIGGER_NAME.toLowerCase(), {
      user: SEED_USERS.find((u) => u.key === 'integration')!.username,
      batchSize: SUBSCRIBER_BATCH_SIZE
    });
    // the objects a transaction writes, for onCommit (statements and Database methods)
    const dml = rtm.db.dml.bind(rtm.db);
    rtm.db.dml = (ip, op, v, ext, allOrNone, at, mode) => {
      const first = v instanceof AList ? v.a[0] : v;
      if (first instanceof SObj)
        this.touched.add(rtm.project.schema.get(first.type)?.name ?? first.type);
      return dml(ip, op, v, ext, allOrNone, at, mode);
    };
    rtm.lib.platform.bus.onPublished = (batch) => {
      for (const e of batch)
        this.published.set(e.obj.name, (this.published.get(e.obj.name) ?? 0) + 1);
      for (const e of batch)
        this.hooks.event({
          channel: `/event/${e.obj.name}`,
          data: {
            payload: toJson(e.event) as Record<string, unknown>,
            event: { replayId: e.replayId }
          }
        });
    };
  }

  // ------------------------------------------------------------------ seed and state

  private userRow(username: string): Map<string, unknown> | undefined {
    for (const r of this.rtm.db.table('user').values())
      if (String(r.get('username') ?? '').toLowerCase() === username.toLowerCase()) return r;
    return undefined;
  }

  private profileIds(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [id, r] of this.rtm.db.table('profile')) m.set(String(r.get('name')), id);
    return m;
  }

  private permsetIds(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [id, r] of this.rtm.db.table('permissionset')) m.set(String(r.get('name')), id);
    return m;
  }

  /** A fresh org, as `npm run setup` leaves a scratch org. */
  private seed(): void {
    const rtm = this.rtm;
    const db = rtm.db;
    const guestProfile = db.seed('Profile', {
      Name: GUEST_PROFILE_NAME,
      UserType: 'Guest',
      PermissionsModifyAllData: false,
      PermissionsViewAllData: false,
      PermissionsEditTask: false
    });
    rtm.security.profiles.set(guestProfile, 'minimum');
    const profiles = this.profileIds();
    const permsets = this.permsetIds();
    for (const u of SEED_USERS) {
      let row = this.userRow(u.username);
      if (!row) {
        const id = db.seed('User', {
          Username: u.username,
          FirstName: u.firstName,
          LastName: u.lastName,
          Name: `${u.firstName} ${u.lastName}`,
          Email: u.username,
          Alias: u.username.slice(0, 8),
          TimeZoneSidKey: 'Europe/Amsterdam',
          LocaleSidKey: 'nl_NL',
          LanguageLocaleKey: rtm.org.language,
          EmailEncodingKey: 'UTF-8',
          ProfileId: u.profile === 'guest' ? guestProfile : profiles.get(u.profile),
          IsActive: true,
          UserType: u.profile === 'guest' ? 'Guest' : 'Standard',
          CreatedById: rtm.org.userId,
          LastModifiedById: rtm.org.userId
        });
        row = db.table('user').get(id)!;
      }
      if (u.rinkelUserId) row.set('rinkel_user_id__c', u.rinkelUserId);
      for (const ps of u.permissionSets) {
        const psId = permsets.get(ps);
        if (!psId)
          throw new Error(`permission set ${ps} is not in the project (seed of ${u.username})`);
        db.seed('PermissionSetAssignment', { AssigneeId: row.get('id'), PermissionSetId: psId });
      }
    }
    this.rememberUsers();
    // ensureWebhookSecret / ensureLookupToken: the org keeps only the SHA-256
    this.secrets = {
      webhookSecret: generateWebhookSecret(),
      lookupToken: generateWebhookSecret()
    };
    const admin = this.users.get('admin')!.id;
    this.transaction('seed', admin, () => {
      this.insert(SECRET_SETTING, [
        { SetupOwnerId: rtm.org.orgId, [SECRET_HASH_FIELD]: sha256Hex(this.secrets.webhookSecret) }
      ]);
      this.insert(LOOKUP_SECRET_SETTING, [
        { SetupOwnerId: rtm.org.orgId, [SECRET_HASH_FIELD]: sha256Hex(this.secrets.lookupToken) }
      ]);
    });
    // loadSampleData: the records of the sample plan, inserted with their triggers
    const { records } = readSampleRecords(path.join(this.cfg.root, SAMPLE_DATA_PLAN));
    this.transaction('seed', admin, () => {
      const byType = new Map<string, Record<string, unknown>[]>();
      for (const r of records) {
        const { attributes, ...fields } = r as Record<string, unknown> & {
          attributes?: { type?: string };
        };
        const type = attributes?.type ?? 'Weborder__c';
        byType.set(type, [...(byType.get(type) ?? []), fields]);
      }
      for (const [type, rows] of byType) this.insert(type, rows);
    });
    // scheduleJobs: the product's own Apex schedules its jobs (scripts/apex/schedule.apex)
    this.transaction('seed', admin, () => {
      const cls = rtm.ip.classes.get('rinkelschedules');
      if (!cls) throw new Error('RinkelSchedules is not in the project');
      const m = rtm.ip.findMethods(cls, 'ensurescheduled')[0];
      if (!m) throw new Error('RinkelSchedules.ensureScheduled() is not in the project');
      rtm.ip.invoke(m.cls, m.m, null, [], HOST_POS);
    });
  }

  private rememberUsers(): void {
    for (const u of SEED_USERS) {
      const row = this.userRow(u.username);
      if (!row) throw new Error(`the local org has no user ${u.username}`);
      this.users.set(u.key, {
        id: String(row.get('id')),
        username: u.username,
        name: String(row.get('name') ?? `${u.firstName} ${u.lastName}`),
        rinkelUserId: (row.get('rinkel_user_id__c') as string | null | undefined) ?? null
      });
    }
  }

  /** DML through the runtime (triggers, validation), as the running user of the transaction. */
  private insert(type: string, rows: Record<string, unknown>[]): void {
    const o = this.rtm.project.schema.get(type);
    if (!o) throw new Error(`no object ${type} in the project`);
    const list = rows.map((r) => {
      const s = new SObj(o.name);
      for (const [k, v] of Object.entries(r)) {
        const f = o.fields.get(k.toLowerCase());
        if (!f) throw new Error(`no field ${type}.${k} in the project`);
        s.put(f.key, f.name, v);
      }
      return s;
    });
    this.rtm.db.dmlStatement(
      this.rtm.ip,
      'insert',
      new AList(rt(o.key, o.name), list),
      null,
      HOST_POS
    );
  }

  private readState(): StoredState {
    const classes = (k: string): ClassRt | undefined => this.rtm.ip.classes.get(k);
    let s: StoredState;
    try {
      s = unpack(fs.readFileSync(this.stateFile), classes) as StoredState;
    } catch (e) {
      throw new Error(
        `the local org's state file ${this.stateFile} cannot be read (${(e as Error).message}); start with --reset to begin again`
      );
    }
    if (s.version !== STATE_VERSION)
      throw new Error(
        `the local org's state file ${this.stateFile} is of another version (${String(s.version)}); start with --reset to begin again`
      );
    return s;
  }

  private restore(s: StoredState): void {
    const rtm = this.rtm;
    const db = rtm.db;
    const full = s;
    // Metadata-backed rows (custom metadata, static resources) come from the current project.
    const fresh = db.snapshot();
    const metaTables = new Set(
      [...rtm.project.schema.objects.values()]
        .filter((o: any) => o.kind === 'mdt')
        .map((o: any) => o.key as string)
    );
    metaTables.add('staticresource');
    for (const k of metaTables) full.tables.set(k, fresh.tables.get(k) ?? new Map());
    db.restore({
      tables: full.tables,
      counter: Math.max(full.counter, fresh.counter),
      auto: full.auto
    });
    db.journal = [];
    // permission sets and profiles are matched by name to the current project's metadata
    const sec = rtm.security;
    const metaByName = new Map(rtm.project.security.permissionSets.map((p) => [p.name, p]));
    sec.permsets.clear();
    for (const [id, r] of db.table('permissionset')) {
      const m = metaByName.get(String(r.get('name')));
      if (m) sec.permsets.set(id, m);
    }
    for (const m of metaByName.values())
      if (![...sec.permsets.values()].includes(m))
        sec.permsets.set(
          db.seed('PermissionSet', {
            Name: m.name,
            Label: m.label || m.name,
            IsOwnedByProfile: false
          }),
          m
        );
    sec.profiles.clear();
    for (const [id, r] of db.table('profile')) {
      const std = STANDARD_PROFILES.find((p) => p.name === r.get('name'));
      if (std) sec.profiles.set(id, std.kind);
      else if (r.get('name') === GUEST_PROFILE_NAME) sec.profiles.set(id, 'minimum');
    }
    const orgRow = [...db.table('organization').keys()][0];
    if (orgRow) rtm.org.orgId = orgRow;
    db.orgId = rtm.org.orgId;
    this.rememberUsers();
    const admin = this.users.get('admin')!;
    rtm.org.userId = admin.id;
    rtm.org.profileId = String(
      db.table('user').get(admin.id)?.get('profileid') ?? rtm.org.profileId
    );
    db.userId = admin.id;
    rtm.lib.platform.bus.replay = full.replay;
    const p = rtm.lib.platform;
    for (const j of full.jobs) {
      if (!(j.job instanceof AObj) || !db.rowById(j.id)) continue;
      p.async.jobs.set(j.id, {
        options: j.options,
        depth: j.depth,
        enqueuedAt: j.enqueuedAt,
        enqueuedBy: j.enqueuedBy
      });
      if (j.options.signature) p.async.signatures.add(j.options.signature);
      rtm.org.jobs.push({ id: j.id, job: j.job, afterStart: false, done: false });
    }
    this.schedules = full.schedules.filter((x) => x.job instanceof AObj && db.rowById(x.id));
    for (const e of full.events) {
      const o = rtm.project.schema.get(e.type);
      if (!o) continue;
      p.bus.pending.push({
        seq: ++p.bus.seq,
        obj: o,
        event: e.event,
        uuid: e.uuid,
        afterCommit: true,
        callback: null,
        replayId: 0
      });
    }
    this.secrets = full.secrets;
    this.hooks.log(
      `local org state restored from ${this.stateFile} (${full.jobs.length} queued jobs, ${full.events.length} undelivered events)`
    );
  }

  /** Writes the state file (rows, queued work, the clock, the secrets). */
  save(): void {
    const rtm = this.rtm;
    const snap = rtm.db.snapshot();
    const p = rtm.lib.platform;
    const jobs: StoredState['jobs'] = [];
    for (const j of rtm.org.jobs) {
      if (j.done) continue;
      const info = p.async.jobs.get(j.id);
      jobs.push({
        id: j.id,
        job: j.job,
        depth: info?.depth ?? 1,
        options: info?.options ?? { maxDepth: null, minDelay: null, signature: null },
        enqueuedAt: info?.enqueuedAt ?? this.now(),
        enqueuedBy: info?.enqueuedBy
      });
    }
    const state: StoredState = {
      version: STATE_VERSION,
      clock: this.now(),
      tables: snap.tables,
      counter: snap.counter,
      auto: snap.auto,
      replay: p.bus.replay,
      jobs: [],
      schedules: [],
      events: p.bus.pending.map((e) => ({ type: e.obj.name, event: e.event, uuid: e.uuid })),
      secrets: this.secrets
    };
    // an object the store cannot keep costs that one job, never the org's data
    for (const j of jobs) {
      try {
        pack(j);
        state.jobs.push(j);
      } catch (e) {
        this.hooks.log(`queued job ${j.id} is not kept across a restart: ${(e as Error).message}`);
      }
    }
    for (const s of this.schedules) {
      try {
        pack(s);
        state.schedules.push(s);
      } catch (e) {
        this.hooks.log(
          `scheduled job ${s.id} is not kept across a restart: ${(e as Error).message}`
        );
      }
    }
    writeAtomic(this.stateFile, pack(state));
    this.dirty = false;
  }

  saveIfDirty(): void {
    if (this.dirty) this.save();
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  // ------------------------------------------------------------------ transactions

  /** Per request: what Runtime.resetTransaction clears, minus the queued work the host keeps. */
  private begin(): void {
    const rtm = this.rtm;
    const org = rtm.org;
    org.startTestCalled = false;
    org.stopTestCalled = false;
    org.httpMock = null;
    org.uncommittedWork = false;
    org.callouts = 0;
    org.rest = { request: null, response: null };
    org.running = null;
    org.runningScheduled = false;
    org.runningBatch = false;
    org.savedLimits = null;
    org.publishImmediate = 0;
    org.limits = { queries: 0, dml: 0, rows: 0, dmlRows: 0, queueable: 0 };
    rtm.security.resetTransaction();
    (rtm.ip as any).triggerCtx = null;
    rtm.ip.frames = [];
    const p = rtm.lib.platform;
    p.txStack = [];
    p.triggerContext = null;
    p.callbackDepth = 0;
    rtm.resetStatics();
    this.touched.clear();
  }

  /** After a transaction: report what it changed, keep the state file up to date. */
  private end(kind: string): void {
    const rtm = this.rtm;
    const changed = rtm.db.journal.length > 0;
    rtm.db.journal = [];
    rtm.ip.frames = [];
    for (const j of rtm.org.jobs) if (j.done) rtm.lib.platform.async.jobs.delete(j.id);
    rtm.org.jobs = rtm.org.jobs.filter((j) => !j.done);
    for (const s of rtm.org.scheduled) if (!s.done) this.schedules.push({ id: s.id, job: s.job });
    rtm.org.scheduled = [];
    if (changed && this.touched.size)
      this.hooks.commit({ kind, objects: [...this.touched].sort() });
    this.touched.clear();
    this.dirty = true;
  }

  private userContext(userId: string): UserContext {
    const row = this.rtm.db.table('user').get(userId);
    if (!row) throw new Error(`no User ${userId} in the local org`);
    const sec = this.rtm.security;
    return sec.contextOf(userId, row, sec.running());
  }

  private asUser<T>(userId: string, fn: () => T): T {
    const sec = this.rtm.security;
    const saved = sec.running();
    sec.apply(this.userContext(userId));
    try {
      return fn();
    } finally {
      sec.apply(saved);
    }
  }

  /**
   * One host-started transaction as `userId`. An Apex exception rolls it back (returned); a
   * construct the runtime does not model rolls it back too and is thrown as an Error.
   */
  transaction(
    kind: string,
    userId: string,
    fn: () => void,
    tx: TxKind = 'request'
  ): ApexThrow | Uncatchable | null {
    this.begin();
    const db = this.rtm.db;
    const mark = db.mark();
    try {
      const r = this.asUser(userId, () => runTransaction(this.rtm.lib, this.rtm.ip, tx, fn));
      return r.error;
    } catch (e) {
      db.rollbackTo(mark);
      throw e;
    } finally {
      this.end(kind);
    }
  }

  // ------------------------------------------------------------------ requests

  rest(req: RestRequestIn): RestResponseOut {
    const guest = this.users.get('guest')!;
    this.begin();
    const mark = this.rtm.db.mark();
    try {
      const r = dispatchRest(this.rtm, {
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: Buffer.from(req.body),
        remoteAddress: req.remoteAddress,
        userId: guest.id,
        hosted: true
      });
      if (r.unsupported) {
        this.hooks.log(`unsupported in ${req.method} ${req.path.split('?')[0]}: ${r.unsupported}`);
        return {
          status: 500,
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(
            JSON.stringify([{ errorCode: 'UNSUPPORTED_IN_LOCAL_ORG', message: r.unsupported }])
          )
        };
      }
      return { status: r.statusCode, headers: r.headers, body: r.body };
    } catch (e) {
      // a runtime defect: the request's writes are undone, the caller gets the error
      this.rtm.db.rollbackTo(mark);
      throw e;
    } finally {
      this.end('rest');
    }
  }

  aura(
    username: string,
    className: string,
    method: string,
    params: Record<string, unknown>
  ): AuraResult {
    const rtm = this.rtm;
    const fail = (message: string, exceptionType: string, status: number): AuraResult => ({
      ok: false,
      error: { message, exceptionType, status }
    });
    const row = this.userRow(username);
    if (!row) return fail(`No user ${username} in the local org.`, 'LocalOrgError', 404);
    const cls = rtm.ip.classes.get(className.toLowerCase());
    if (!cls || cls.isTest) return fail(`No Apex class ${className}.`, 'LocalOrgError', 404);
    const found = cls.decl.methods.find(
      (m) =>
        m.key === method.toLowerCase() &&
        m.mods.set.has('static') &&
        m.mods.annotations.some((a) => a.name === 'auraenabled')
    );
    if (!found)
      return fail(
        `${cls.name}.${method} is not a static @AuraEnabled method.`,
        'LocalOrgError',
        404
      );
    const userId = String(row.get('id'));
    // Apex class access: a user runs a controller only through a profile or permission set
    const eff = this.asUser(userId, () => rtm.security.current());
    if (!eff.admin) {
      const granted = [...rtm.db.table('permissionsetassignment').values()].some(
        (a) =>
          a.get('assigneeid') === userId &&
          rtm.security.permsets.get(String(a.get('permissionsetid')))?.classes.has(cls.key)
      );
      if (!granted)
        return fail(
          `You do not have access to the Apex class named '${cls.name}'.`,
          'System.NoAccessException',
          403
        );
    }
    let value: unknown = null;
    let unsupported: Unsupported | null = null;
    let error: ApexThrow | Uncatchable | null;
    try {
      error = this.transaction('aura', userId, () => {
        const args = found.params.map((p) => {
          const given = Object.entries(params ?? {}).find(([k]) => k.toLowerCase() === p.key)?.[1];
          if (given === undefined || given === null) return null;
          const t = rtm.ip.resolveType(p.type, cls);
          const node = rtm.lib.parse(rtm.ip, JSON.stringify(given), HOST_POS);
          return rtm.lib.typed(rtm.ip, node, t, false, HOST_POS);
        });
        const ret = rtm.ip.invoke(cls, found, null, args, HOST_POS);
        value = found.ret === null ? null : this.auraJson(ret);
      });
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      unsupported = e;
      error = null;
    }
    if (unsupported) {
      this.hooks.log(
        `unsupported in ${cls.name}.${found.name}: ${unsupported.what} at ${unsupported.where}`
      );
      return fail(
        `unsupported in the local org: ${unsupported.what} at ${unsupported.where}`,
        'LocalOrgUnsupported',
        500
      );
    }
    if (error) {
      const ex = error.ex;
      return fail(
        String(ex.host?.message ?? exceptionToString(ex)),
        ex.cls.name,
        error instanceof Uncatchable ? 500 : 400
      );
    }
    return { ok: true, value };
  }

  /**
   * Lightning's serialization of a return value ("Returning Data from an Apex Server-Side
   * Controller"): of an Apex object "only the values of public instance properties and methods
   * annotated with @AuraEnabled are serialized and returned".
   */
  private auraJson(v: unknown): unknown {
    const ip = this.rtm.ip;
    return toJson(v, (o) => {
      const out: Record<string, unknown> = {};
      for (let c: ClassRt | null | undefined = o.cls as ClassRt; c; c = c.superCls)
        for (const f of c.fields.values()) {
          if (f.mods.set.has('static') || !f.mods.annotations.some((a) => a.name === 'auraenabled'))
            continue;
          if (f.name in out) continue;
          out[f.name] = this.auraJson(ip.getField(o, f.name, f.key, HOST_POS));
        }
      return out;
    });
  }

  query(soql: string): Record<string, unknown>[] {
    const rtm = this.rtm;
    const q = parseSoql(soql, '<local org query>');
    const frameCls = rtm.ip.classes.get('rinkelschedules') ?? [...rtm.ip.classes.values()][0]!;
    this.begin();
    rtm.ip.frames.push({ cls: frameCls, self: null, method: '<query>', line: 1, col: 1 });
    try {
      const r = rtm.db.query(
        rtm.ip,
        { ...q, withMode: q.withMode ?? 'SYSTEM_MODE' } as any,
        () => {
          throw new Error('binds are not available in the local org query API');
        },
        HOST_POS
      ) as AList | number;
      if (typeof r === 'number') return [{ expr0: r }];
      return r.a.map((x) => toJson(x) as Record<string, unknown>);
    } catch (e) {
      if (e instanceof Unsupported)
        throw new Error(`the local org cannot run this query (${e.what}): ${soql}`);
      if (e instanceof ApexThrow || e instanceof Uncatchable)
        throw new Error(`${exceptionToString(e.ex)} in the query: ${soql}`);
      throw e;
    } finally {
      rtm.ip.frames = [];
    }
  }

  weborders(): StartInfo['weborders'] {
    return this.query(
      'SELECT Id, Name, Phone__c, Rinkel_Phone_E164__c, Status__c FROM Weborder__c ORDER BY Name'
    ).map((r) => ({
      id: String(r.Id),
      name: String(r.Name),
      phone: String(r.Phone__c ?? ''),
      e164: (r.Rinkel_Phone_E164__c as string | null) ?? null,
      status: (r.Status__c as string | undefined) ?? undefined
    }));
  }

  // ------------------------------------------------------------------ callouts

  private callout(ip: any, req: HostObj, at: Pos): HostObj {
    const lib = this.rtm.lib;
    const d = req.d;
    const endpoint = String(d.endpoint ?? '');
    const m = /^callout:([^/?]+)(.*)$/i.exec(endpoint);
    if (!m)
      return lib.u(
        ip,
        `a callout to ${endpoint} (the local org calls out through named credentials only)`,
        at
      );
    const name = m[1]!;
    const nc = lib.platform.md.credentials.named.get(name.toLowerCase())!;
    const base =
      Object.entries(this.cfg.namedCredentialUrls).find(
        ([k]) => k.toLowerCase() === name.toLowerCase()
      )?.[1] ?? nc.url;
    if (!base) return lib.u(ip, `a callout to the named credential ${name}, which has no URL`, at);
    const headers: Record<string, string> = {};
    for (const [hk, hv] of d.headers.values() as Iterable<[string, string]>)
      if (hv !== null) headers[hk] = hv;
    for (const [hk, hv] of this.authHeaders(nc.externalCredential)) headers[hk] = hv;
    const body =
      d.body === null || d.body === undefined
        ? null
        : d.body instanceof ABlob
          ? new Uint8Array(d.body.b)
          : new Uint8Array(Buffer.from(String(d.body), 'utf8'));
    // "Callout Limits and Limitations": 10 s unless set, at most 120,000 ms
    const timeoutMs =
      typeof d.timeout === 'number' && d.timeout > 0 ? Math.min(d.timeout, 120000) : 10000;
    const r = this.hooks.callout({
      method: String(d.method ?? 'GET').toUpperCase(),
      url: base.replace(/\/+$/, '') + m[2],
      headers,
      body,
      timeoutMs
    });
    if ('error' in r) return ip.throwEx('System.CalloutException', r.error, at);
    const res = lib.httpObj('httpresponse');
    res.d.statusCode = r.status;
    res.d.status = r.statusText;
    for (const [k, v] of Object.entries(r.headers)) res.d.headers.set(k.toLowerCase(), [k, v]);
    res.d.body = new ABlob(Buffer.from(r.body));
    return res;
  }

  /** The custom headers of an External Credential, their {!$Credential.X.Y} merge fields filled in. */
  private authHeaders(externalCredential: string | null): [string, string][] {
    if (!externalCredential) return [];
    const file = this.rtm.project.files.find(
      (f) =>
        path.basename(f).toLowerCase() ===
        `${externalCredential.toLowerCase()}.externalcredential-meta.xml`
    );
    if (!file) return [];
    const xml = fs.readFileSync(file, 'utf8');
    const out: [string, string][] = [];
    for (const block of xml.match(
      /<externalCredentialParameters>[\s\S]*?<\/externalCredentialParameters>/g
    ) ?? []) {
      const tag = (t: string): string | undefined =>
        new RegExp(`<${t}>([\\s\\S]*?)</${t}>`).exec(block)?.[1]?.trim();
      if (tag('parameterType') !== 'AuthHeader') continue;
      const header = tag('parameterName');
      const value = tag('parameterValue') ?? '';
      if (!header) continue;
      out.push([
        header,
        value.replace(
          /\{!\$Credential\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\}/g,
          (_all, _ec, param: string) =>
            this.cfg.credentialSecrets[param] ??
            this.cfg.credentialSecrets[`${String(_ec)}.${param}`] ??
            ''
        )
      ]);
    }
    return out;
  }

  // ------------------------------------------------------------------ async work

  /** Runs one piece of due async work; false when nothing is due. */
  pumpOnce(): boolean {
    if (this.closed) return false;
    const rtm = this.rtm;
    const lib = rtm.lib;
    const p = lib.platform;
    const now = this.now();
    // 1. platform events: published ones, and retried batches once their wait is over
    const waiting = [...p.bus.subs.values()].some((s) => s.queue.length && s.status === 'Running');
    if (p.bus.pending.length || (waiting && now >= this.retryAt)) {
      this.begin();
      this.published.clear();
      const mark = markTransaction(this.rtm.lib);
      try {
        events.deliverEvents(lib, rtm.ip, HOST_POS);
        this.logDelivery();
      } catch (e) {
        // an event trigger failed in a way the runtime does not model: its batch is dropped
        for (const s of p.bus.subs.values()) s.queue = [];
        p.bus.delivering = false;
        this.hooks.log(`event delivery stopped: ${this.stopped(e, mark)}`);
      } finally {
        this.end('event');
      }
      const retried = [...p.bus.subs.values()].filter(
        (s) => s.queue.length && s.status === 'Running'
      );
      if (retried.length) {
        const n = Math.max(...retried.map((s) => s.retries));
        this.retryAt = this.now() + EVENT_RETRY_MS * n;
        this.hooks.log(
          `event trigger asked for a retry (${n}); next delivery in ${(EVENT_RETRY_MS * n) / 1000} s org time`
        );
      }
      return true;
    }
    // 2. Queueables, in the order enqueued, each once its delay is over
    const job = rtm.org.jobs.find((j) => !j.done && this.dueAt(j.id) <= now);
    if (job) {
      this.runQueueable(job);
      return true;
    }
    // 3. batches started by jobs
    const batch = rtm.org.batches.find((b) => !b.done);
    if (batch) {
      this.runBatch(batch);
      return true;
    }
    // 4. schedules whose next fire time has come
    for (const s of this.schedules) {
      const row = rtm.db.rowById(s.id)?.row;
      if (!row) continue;
      const next = row.get('nextfiretime');
      if (next instanceof ADatetime && next.ms <= now) {
        this.runSchedule(s, row);
        return true;
      }
    }
    this.schedules = this.schedules.filter((s) => rtm.db.rowById(s.id));
    return false;
  }

  /**
   * Async work that stopped on something the runtime does not model, or on a runtime defect: its
   * writes are undone (runTransaction rolls back only Apex exceptions), what it queued and
   * published after commit is dropped, and the reason is returned for the log. The org goes on
   * with the next piece of work.
   */
  private stopped(e: unknown, mark: TxMark): string {
    const rtm = this.rtm;
    rollBackTo(rtm.lib, mark);
    rtm.org.running = null;
    rtm.org.runningBatch = false;
    rtm.org.runningScheduled = false;
    rtm.ip.frames = [];
    if (e instanceof Unsupported) return `unsupported ${e.what} at ${e.where}`;
    const err = e as Error;
    return `a runtime error (${err?.message ?? String(e)}; ${
      String(err?.stack ?? '')
        .split('\n')[1]
        ?.trim() ?? ''
    })`;
  }

  /** One line per delivered event type: how many, to which triggers, as which user. */
  private logDelivery(): void {
    const rtm = this.rtm;
    const p = rtm.lib.platform;
    for (const [type, n] of this.published) {
      const o = rtm.project.schema.get(type);
      const to = rtm.db.triggers
        .filter((t) => t.object === o?.key && t.events.has('after insert'))
        .map((t) => {
          const user = p.subscriberConfig(t.decl.name).user ?? 'Automated Process';
          return `${t.decl.name} (as ${user})`;
        });
      this.hooks.log(
        `event ${type} ×${n} published` + (to.length ? `, delivered to ${to.join(', ')}` : '')
      );
    }
    this.published.clear();
  }

  /** When the job may run: its enqueue time plus its minimum delay. */
  private dueAt(id: string): number {
    const info = this.rtm.lib.platform.async.jobs.get(id);
    return (info?.enqueuedAt ?? 0) + (info?.options.minDelay ?? 0) * 60000;
  }

  /** When the next piece of async work is due (org time), or null when none is waiting. */
  nextDue(): number | null {
    const rtm = this.rtm;
    const p = rtm.lib.platform;
    const times: number[] = [];
    if (p.bus.pending.length) times.push(0);
    if ([...p.bus.subs.values()].some((s) => s.queue.length && s.status === 'Running'))
      times.push(this.retryAt);
    for (const j of rtm.org.jobs) if (!j.done) times.push(this.dueAt(j.id));
    if (rtm.org.batches.some((b) => !b.done)) times.push(0);
    for (const s of this.schedules) {
      const next = rtm.db.rowById(s.id)?.row.get('nextfiretime');
      if (next instanceof ADatetime) times.push(next.ms);
    }
    return times.length ? Math.min(...times) : null;
  }

  private jobName(job: AObj): string {
    return (job.cls as ClassRt).name;
  }

  private failure(e: ApexThrow | Uncatchable): string {
    const ex = e.ex;
    return `${ex.cls.name}: ${String(ex.host?.message ?? '')}`;
  }

  private runQueueable(j: { id: string; job: AObj; done: boolean }): void {
    const rtm = this.rtm;
    const name = this.jobName(j.job);
    const by = rtm.lib.platform.async.jobs.get(j.id)?.enqueuedBy;
    const userId = by && rtm.db.table('user').has(by) ? by : rtm.org.userId;
    this.begin();
    const t0 = Date.now();
    const mark = markTransaction(this.rtm.lib);
    try {
      // a Queueable runs as the user who enqueued it
      const { res, fr } = this.asUser(userId, () => asyncApex.runJob(rtm.lib, rtm.ip, j, HOST_POS));
      const ms = Date.now() - t0;
      this.hooks.log(
        `Queueable ${name} ${res.error ? `failed (${this.failure(res.error)})` : 'completed'} in ${ms} ms` +
          (fr ? `; finalizer ${fr.error ? `failed (${this.failure(fr.error)})` : 'ran'}` : '')
      );
    } catch (e) {
      j.done = true;
      const why = this.stopped(e, mark);
      const row = rtm.db.rowById(j.id)?.row;
      row?.set('status', 'Failed');
      row?.set('extendedstatus', `stopped in the local org: ${why}`.slice(0, 255));
      this.hooks.log(`Queueable ${name} stopped: ${why}`);
    } finally {
      this.end('queueable');
    }
  }

  private runBatch(b: { id: string; job: AObj; scope: number; done: boolean }): void {
    const rtm = this.rtm;
    const lib = rtm.lib;
    const ip = rtm.ip;
    b.done = true;
    const name = this.jobName(b.job);
    const row = rtm.db.rowById(b.id)?.row;
    const ctx = new HostObj(
      rt('database.batchablecontext', 'Database.BatchableContext'),
      'batchablecontext',
      {
        id: b.id
      }
    );
    const step = (kind: string, fn: () => void): boolean => {
      this.begin();
      const mark = markTransaction(this.rtm.lib);
      rtm.org.runningBatch = true;
      try {
        const r = runTransaction(lib, ip, 'batch', fn);
        if (r.error) this.hooks.log(`batch ${name} ${kind} failed: ${this.failure(r.error)}`);
        return !r.error;
      } catch (e) {
        this.hooks.log(`batch ${name} ${kind} stopped: ${this.stopped(e, mark)}`);
        return false;
      } finally {
        rtm.org.runningBatch = false;
        this.end('batch');
      }
    };
    let records: unknown[] = [];
    row?.set('status', 'Processing');
    const started = step('start', () => {
      const s = ip.callMethod(b.job, 'start', [ctx], HOST_POS);
      if (s instanceof HostObj && s.kind === 'querylocator') records = s.d.rows as unknown[];
      else if (s instanceof AList) records = s.a;
      else if (s !== null)
        lib.u(ip, 'Database.Batchable start returning a custom Iterable', HOST_POS);
    });
    let errors = started ? 0 : 1;
    const chunks: unknown[][] = [];
    for (let i = 0; i < records.length; i += b.scope) chunks.push(records.slice(i, i + b.scope));
    row?.set('totaljobitems', chunks.length);
    let done = 0;
    if (started)
      for (const c of chunks) {
        if (
          !step(
            'execute',
            () =>
              void ip.callMethod(
                b.job,
                'execute',
                [ctx, new AList(rt('sobject', 'SObject'), c)],
                HOST_POS
              )
          )
        )
          errors++;
        row?.set('jobitemsprocessed', ++done);
      }
    if (started) step('finish', () => void ip.callMethod(b.job, 'finish', [ctx], HOST_POS));
    row?.set('status', 'Completed');
    row?.set('numberoferrors', errors);
    row?.set('completeddate', new ADatetime(this.now()));
    rtm.org.batches = rtm.org.batches.filter((x) => !x.done);
    this.hooks.log(
      `batch ${name}: ${records.length} records in ${chunks.length} chunks, ${errors} failed`
    );
  }

  private runSchedule(s: Schedule, row: Map<string, unknown>): void {
    const rtm = this.rtm;
    const name = this.jobName(s.job);
    const ctx = new HostObj(
      rt('system.schedulablecontext', 'System.SchedulableContext'),
      'schedulablecontext',
      {
        id: s.id
      }
    );
    const fired = this.now();
    const owner = String(row.get('ownerid') ?? rtm.org.userId);
    row.set('previousfiretime', row.get('nextfiretime'));
    row.set('timestriggered', Number(row.get('timestriggered') ?? 0) + 1);
    const next = nextFireTime(
      String(row.get('cronexpression')),
      fired + 1000,
      String(row.get('timezonesidkey') ?? rtm.org.timezone)
    );
    row.set('nextfiretime', next === null ? null : new ADatetime(next));
    if (next === null) row.set('state', 'COMPLETE');
    this.begin();
    const mark = markTransaction(this.rtm.lib);
    rtm.org.runningScheduled = true;
    try {
      const r = this.asUser(rtm.db.table('user').has(owner) ? owner : rtm.org.userId, () =>
        runTransaction(
          rtm.lib,
          rtm.ip,
          'schedule',
          () => void rtm.ip.callMethod(s.job, 'execute', [ctx], HOST_POS)
        )
      );
      this.hooks.log(`scheduled ${name} ${r.error ? `failed (${this.failure(r.error)})` : 'ran'}`);
    } catch (e) {
      this.hooks.log(`scheduled ${name} stopped: ${this.stopped(e, mark)}`);
    } finally {
      rtm.org.runningScheduled = false;
      this.end('schedule');
    }
  }

  /** Everything due now, until nothing is left (a bound keeps a runaway chain from looping). */
  settle(): number {
    let n = 0;
    while (this.pumpOnce())
      if (++n > 10000) throw new Error('more than 10,000 async steps in one settle()');
    return n;
  }

  status(): OrgStatus {
    const rtm = this.rtm;
    const p = rtm.lib.platform;
    const scheduled: { name: string; nextRun: string }[] = [];
    for (const s of this.schedules) {
      const row = rtm.db.rowById(s.id)?.row;
      if (!row) continue;
      const detail = rtm.db.rowById(String(row.get('cronjobdetailid')))?.row;
      const next = row.get('nextfiretime');
      scheduled.push({
        name: String(detail?.get('name') ?? this.jobName(s.job)),
        nextRun: next instanceof ADatetime ? new Date(next.ms).toISOString() : ''
      });
    }
    const jobs = rtm.org.jobs
      .filter((j) => !j.done)
      .map((j) => ({
        id: j.id,
        name: this.jobName(j.job),
        runAt: new Date(this.dueAt(j.id)).toISOString()
      }));
    for (const b of rtm.org.batches)
      if (!b.done)
        jobs.push({
          id: b.id,
          name: this.jobName(b.job),
          runAt: new Date(this.now()).toISOString()
        });
    return {
      queued: jobs.length,
      jobs,
      scheduled,
      eventsPending:
        p.bus.pending.length + [...p.bus.subs.values()].reduce((n, s) => n + s.queue.length, 0),
      clock: new Date(this.now()).toISOString()
    };
  }

  close(): void {
    if (this.closed) return;
    this.save();
    this.closed = true;
  }
}
