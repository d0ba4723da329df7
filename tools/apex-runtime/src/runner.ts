/** The test runner: builds the org, runs @IsTest methods, collects outcomes and coverage. */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { MethodDecl } from './ast';
import { Database, type TriggerRt } from './db';
import { ApexThrow, Uncatchable, Unsupported } from './errors';
import { Interp, exceptionToString, type ClassRt } from './interp';
import { loadProject, type ProjectFiles } from './project';
import { SObj } from './sobject';
import { Security } from './platform/security';
import { loadPlatformMetadata, type PlatformOptions } from './platform/index';
import { Library, type OrgState } from './stdlib';
import { ABlob, ADecimal, ADatetime, type AObj } from './values';

export interface TestResult {
  class: string;
  method: string;
  outcome: 'pass' | 'fail' | 'unsupported';
  message: string;
  stack: string;
  durationMs: number;
  internal?: boolean;
}

export interface RunOptions {
  root: string;
  packageDirs: string[];
  filters: string[]; // Class or Class.method
  timezone?: string;
  onResult?: (r: TestResult) => void;
}

export interface RunReport {
  tests: TestResult[];
  coverage: Record<string, number>;
  coverageLines: Record<string, { covered: number; total: number; uncovered: number[] }>;
  statements: number;
  parseMs: number;
  runMs: number;
}

export class Runtime {
  ip: Interp;
  db: Database;
  lib: Library;
  org: OrgState;
  base!: ReturnType<Database['snapshot']>;
  security: Security;

  constructor(
    readonly project: ProjectFiles,
    timezone?: string,
    platformOptions: PlatformOptions = {}
  ) {
    this.db = new Database(project.schema);
    this.org = {
      schema: project.schema,
      db: this.db,
      labels: project.labels,
      language: project.scratch.language,
      locale: project.scratch.locale,
      timezone: timezone ?? project.scratch.timezone,
      userId: '',
      orgId: '',
      profileId: '',
      userName: 'admin@example.com',
      orgName: project.scratch.orgName,
      inTest: true,
      startTestCalled: false,
      stopTestCalled: false,
      limits: { queries: 0, dml: 0, rows: 0, dmlRows: 0, queueable: 0 },
      clock: () => Date.now(),
      httpMock: null,
      uncommittedWork: false,
      callouts: 0,
      rest: { request: null, response: null },
      jobs: [],
      scheduled: [],
      runningScheduled: false,
      batches: [],
      runningBatch: false,
      events: [],
      publishImmediate: 0,
      running: null,
      savedLimits: null
    };
    this.lib = new Library(this.org);
    this.security = new Security(project.security, project.schema, this.db, this.org);
    this.lib.security = this.security;
    this.db.security = this.security;
    this.lib.platform.configure(loadPlatformMetadata(project.files), platformOptions);
    this.ip = new Interp(project.classes);
    this.ip.host = this.lib;
    this.ip.db = this.db;
    for (const t of project.triggers) {
      const cls: ClassRt = {
        decl: t,
        name: t.name,
        key: `<trigger>.${t.key}`,
        outer: null,
        superCls: null,
        ifaces: [],
        methods: new Map(),
        fields: new Map(),
        statics: new Map(),
        inner: new Map(),
        isTest: false,
        isException: false
      };
      const rtT: TriggerRt = {
        decl: t,
        cls,
        object: t.trigger!.object.toLowerCase(),
        events: new Set(t.trigger!.events)
      };
      if (!project.schema.get(rtT.object))
        throw new Error(`${t.file}: trigger on unknown object ${t.trigger!.object}`);
      this.db.triggers.push(rtT);
    }
    this.seed();
    // count DML and SOQL statements for Limits
    const origDml = this.db.dmlStatement.bind(this.db);
    this.db.dmlStatement = (ip, op, v, ext, at) => {
      this.org.limits.dml++;
      this.org.uncommittedWork = true;
      this.org.limits.dmlRows += v && (v as any).a ? ((v as any).a as unknown[]).length : 1;
      this.lib.checkLimits(ip, at);
      return origDml(ip, op, v, ext, at);
    };
    const origQuery = this.db.runQuery.bind(this.db);
    this.db.runQuery = (ip, q, scope, at) => {
      this.org.limits.queries++;
      const r = origQuery(ip, q, scope, at);
      this.org.limits.rows += r && (r as any).a ? ((r as any).a as unknown[]).length : 1;
      this.lib.checkLimits(ip, at);
      return r;
    };
    // single-row SOQL assignment
    const coerce = this.ip.coerce.bind(this.ip);
    this.ip.coerce = (v, t, at) => {
      if (v && (v as any).soql && t.key !== 'list' && t.key !== 'object') {
        const list = (v as any).a as unknown[];
        if (t.key === 'integer' && typeof v === 'number') return v;
        if (list.length === 0)
          this.ip.throwEx(
            'System.QueryException',
            'List has no rows for assignment to SObject',
            at
          );
        if (list.length > 1)
          this.ip.throwEx(
            'System.QueryException',
            'List has more than 1 row for assignment to SObject',
            at
          );
        return list[0];
      }
      return coerce(v, t, at);
    };
    const getField = this.ip.getField.bind(this.ip);
    this.ip.getField = (o, id, key, at) => {
      if (o && (o as any).soql)
        return getField(
          this.ip.coerce(o, { key: 'sobject', name: 'SObject', args: [] }, at),
          id,
          key,
          at
        );
      return getField(o, id, key, at);
    };
  }

  seed(): void {
    const db = this.db;
    const s = this.project.schema;
    this.org.orgId = db.seed('Organization', {
      Name: this.project.scratch.orgName,
      IsSandbox: false,
      OrganizationType: 'Developer Edition',
      LanguageLocaleKey: this.org.language,
      DefaultLocaleSidKey: this.org.locale,
      TimeZoneSidKey: this.org.timezone
    });
    const admin = this.security.seed();
    this.org.profileId = admin;
    this.org.userId = db.newId(s.get('User')!);
    db.userId = this.org.userId;
    db.seed('User', {
      Id: this.org.userId,
      Username: this.org.userName,
      LastName: 'User',
      FirstName: 'User',
      Name: 'User User',
      Email: 'admin@example.com',
      Alias: 'admin',
      TimeZoneSidKey: this.org.timezone,
      LocaleSidKey: this.org.locale,
      LanguageLocaleKey: this.org.language,
      EmailEncodingKey: 'UTF-8',
      ProfileId: admin,
      IsActive: true,
      UserType: 'Standard',
      CreatedById: this.org.userId,
      LastModifiedById: this.org.userId
    });
    for (const r of this.project.staticResources)
      db.seed('StaticResource', {
        Name: r.name,
        Body: new ABlob(r.body),
        ContentType: r.contentType,
        BodyLength: r.body.length
      });
    for (const r of this.project.mdtRecords) {
      const o = s.get(r.type);
      if (!o) continue;
      const values: Record<string, unknown> = {
        DeveloperName: r.developerName,
        MasterLabel: r.label,
        Label: r.label,
        QualifiedApiName: r.developerName
      };
      for (const [k, v] of Object.entries(r.values)) {
        const f = o.fields.get(k.toLowerCase());
        if (!f) continue;
        values[f.name] = convertMeta(f.type, v);
      }
      db.seed(o.name, values);
    }
    this.base = db.snapshot();
  }

  resetStatics(): void {
    for (const c of this.ip.classes.values()) if (!c.builtin) c.statics = null;
  }

  resetTransaction(): void {
    this.org.startTestCalled = false;
    this.org.stopTestCalled = false;
    this.org.httpMock = null;
    this.org.uncommittedWork = false;
    this.org.callouts = 0;
    this.org.rest = { request: null, response: null };
    this.org.jobs = [];
    this.org.scheduled = [];
    this.org.runningScheduled = false;
    this.org.batches = [];
    this.org.runningBatch = false;
    this.org.events = [];
    this.org.publishImmediate = 0;
    this.org.running = null;
    this.org.savedLimits = null;
    this.org.limits = { queries: 0, dml: 0, rows: 0, dmlRows: 0, queueable: 0 };
    this.security.resetTransaction();
    (this.ip as any).triggerCtx = null;
    this.ip.frames = [];
    this.lib.platform.reset();
  }

  /** Runs one static method as a test transaction; returns the failure (or null). */
  runMethod(cls: ClassRt, m: MethodDecl): Omit<TestResult, 'class' | 'method' | 'durationMs'> {
    this.resetTransaction();
    try {
      this.ip.invoke(cls, m, null, [], null);
      return { outcome: 'pass', message: '', stack: '' };
    } catch (e) {
      return this.describeError(e);
    } finally {
      this.ip.frames = [];
    }
  }

  describeError(e: unknown): Omit<TestResult, 'class' | 'method' | 'durationMs'> {
    if (e instanceof ApexThrow || e instanceof Uncatchable) {
      const ex: AObj = e.ex;
      return {
        outcome: 'fail',
        message: exceptionToString(ex),
        stack: String(ex.host?.stack ?? '')
      };
    }
    if (e instanceof Unsupported)
      return { outcome: 'unsupported', message: `unsupported: ${e.what} at ${e.where}`, stack: '' };
    const err = e as Error;
    const apexStack = this.ip.stackTrace().split('\n').slice(0, 4).join('\n');
    return {
      outcome: 'fail',
      message: `runtime internal error: ${err?.message ?? String(e)}`,
      stack:
        apexStack +
        '\n' +
        String(err?.stack ?? '')
          .split('\n')
          .slice(0, 6)
          .join('\n'),
      internal: true
    };
  }

  testClasses(): ClassRt[] {
    return this.project.classes
      .map((d) => this.ip.classes.get(d.key)!)
      .filter((c) => c.isTest)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  run(opts: RunOptions): RunReport {
    const started = Date.now();
    const results: TestResult[] = [];
    const stmt0 = this.ip.statements;
    const wanted = opts.filters.map((f) => f.toLowerCase());
    for (const cls of this.testClasses()) {
      const methods = cls.decl.methods.filter(
        (m) => m.mods.annotations.some((a) => a.name === 'istest') || m.mods.set.has('testmethod')
      );
      const selected = methods.filter(
        (m) => !wanted.length || wanted.includes(cls.key) || wanted.includes(`${cls.key}.${m.key}`)
      );
      if (!selected.length) continue;
      const setups = cls.decl.methods.filter((m) =>
        m.mods.annotations.some((a) => a.name === 'testsetup')
      );
      this.db.restore(this.base);
      let setupSnap = this.base;
      let setupFailure: Omit<TestResult, 'class' | 'method' | 'durationMs'> | null = null;
      if (setups.length) {
        this.resetStatics();
        for (const s of setups) {
          const r = this.runMethod(cls, s);
          if (r.outcome !== 'pass') {
            setupFailure = { ...r, message: `@TestSetup ${s.name}: ${r.message}` };
            break;
          }
        }
        setupSnap = this.db.snapshot();
      }
      for (const m of selected) {
        const t0 = Date.now();
        let r: Omit<TestResult, 'class' | 'method' | 'durationMs'>;
        const seeAll = [...m.mods.annotations, ...cls.decl.mods.annotations].some(
          (a) => a.name === 'istest' && String(a.params.seealldata ?? '').toLowerCase() === 'true'
        );
        if (seeAll)
          r = {
            outcome: 'unsupported',
            message: `unsupported: @IsTest(SeeAllData=true) (org data is not modelled) at ${cls.decl.file}:${m.line}`,
            stack: ''
          };
        else if (setupFailure) r = setupFailure;
        else {
          this.db.restore(setupSnap);
          this.resetStatics();
          r = this.runMethod(cls, m);
        }
        const res: TestResult = {
          class: cls.name,
          method: m.name,
          ...r,
          durationMs: Date.now() - t0
        };
        results.push(res);
        opts.onResult?.(res);
      }
    }
    const { coverage, lines } = this.coverage();
    return {
      tests: results,
      coverage,
      coverageLines: lines,
      statements: this.ip.statements - stmt0,
      parseMs: this.project.parseMs,
      runMs: Date.now() - started
    };
  }

  coverage(): {
    coverage: Record<string, number>;
    lines: Record<string, { covered: number; total: number; uncovered: number[] }>;
  } {
    const coverage: Record<string, number> = {};
    const lines: Record<string, { covered: number; total: number; uncovered: number[] }> = {};
    const units = [
      ...this.project.classes.filter((d) => !this.ip.classes.get(d.key)?.isTest),
      ...this.project.triggers
    ];
    for (const d of units) {
      const total = d.lines.size;
      if (!total) continue;
      const hit = this.ip.covered.get(d.file);
      const uncovered = [...d.lines].filter((l) => !hit?.has(l)).sort((a, b) => a - b);
      const covered = total - uncovered.length;
      coverage[d.name] = Math.round((covered / total) * 1000) / 10;
      lines[d.name] = { covered, total, uncovered };
    }
    return { coverage, lines };
  }
}

function convertMeta(type: string, v: unknown): unknown {
  if (v === null || v === undefined) return type === 'checkbox' ? false : null;
  const s = String(v);
  switch (type) {
    case 'checkbox':
      return s === 'true';
    case 'number':
    case 'percent':
    case 'currency':
      return ADecimal.parse(s);
    case 'datetime':
      return new ADatetime(Date.parse(s));
    default:
      return s;
  }
}

export function createRuntime(
  root: string,
  packageDirs: string[],
  timezone?: string,
  platformOptions: PlatformOptions = {}
): Runtime {
  return new Runtime(loadProject(root, packageDirs), timezone, platformOptions);
}

export { SObj };
