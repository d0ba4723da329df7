/**
 * The tree-walking interpreter: classes, statements, expressions and Apex value semantics.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Expr, FieldDecl, MethodDecl, Pos, Stmt, TypeDecl, TypeRef } from './ast';
import { ApexThrow, Uncatchable, Unsupported } from './errors';
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
  identityOf,
  javaDouble,
  type RtType
} from './values';
import { SObj } from './sobject';

export interface ClassRt {
  decl: TypeDecl;
  name: string; // Outer.Inner
  key: string; // outer.inner
  outer: ClassRt | null;
  superCls: ClassRt | null | undefined; // undefined = not resolved yet
  ifaces: ClassRt[] | undefined;
  methods: Map<string, MethodDecl[]>;
  fields: Map<string, FieldDecl>;
  statics: Map<string, { v: unknown }> | null; // null until initialised
  inner: Map<string, ClassRt>;
  isTest: boolean;
  isException: boolean;
  builtin?: boolean; // System exception classes
  enumValues?: AEnum[];
}

export interface Var {
  v: unknown;
  t: RtType;
}

export class Scope {
  vars = new Map<string, Var>();
  constructor(readonly parent: Scope | null) {}
  lookup(key: string): Var | undefined {
    const v = this.vars.get(key);
    if (v) return v;
    let s = this.parent;
    while (s) {
      const w = s.vars.get(key);
      if (w) return w;
      s = s.parent;
    }
    return undefined;
  }
}

export interface Frame {
  cls: ClassRt;
  self: AObj | SObj | null;
  method: string; // as it appears in a stack trace (method name, <init>, <clinit>)
  line: number;
  col: number;
  /** query bind map for Database.queryWithBinds */
  binds?: AMap | null;
  scope?: Scope;
}

const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;

export const PRIMS = new Set([
  'integer',
  'long',
  'decimal',
  'double',
  'string',
  'boolean',
  'id',
  'date',
  'datetime',
  'time',
  'blob',
  'object',
  'sobject',
  'list',
  'set',
  'map',
  'void'
]);

export function rt(key: string, name: string, args: RtType[] = []): RtType {
  return { key, name, args };
}
export const T_INTEGER = rt('integer', 'Integer');
export const T_LONG = rt('long', 'Long');
export const T_DECIMAL = rt('decimal', 'Decimal');
export const T_DOUBLE = rt('double', 'Double');
export const T_STRING = rt('string', 'String');
export const T_BOOLEAN = rt('boolean', 'Boolean');
export const T_ID = rt('id', 'Id');
export const T_DATE = rt('date', 'Date');
export const T_DATETIME = rt('datetime', 'Datetime');
export const T_TIME = rt('time', 'Time');
export const T_BLOB = rt('blob', 'Blob');
export const T_SOBJECT = rt('sobject', 'SObject');

export function listOf(t: RtType): RtType {
  return rt('list', 'List', [t]);
}

export function typeName(t: RtType): string {
  if (t.key === 'list' || t.key === 'set') return `${t.name}<${t.args.map(typeName).join(',')}>`;
  if (t.key === 'map') return `Map<${t.args.map(typeName).join(',')}>`;
  return t.name;
}

/** Interface the interpreter needs from the library and database modules. */
export interface Host {
  callStatic(ip: Interp, type: string, method: string, args: unknown[], at: Pos): unknown;
  callInstance(ip: Interp, recv: unknown, method: string, args: unknown[], at: Pos): unknown;
  staticProp(ip: Interp, path: string[], at: Pos): { v: unknown } | undefined;
  construct(ip: Interp, t: RtType, args: unknown[], at: Pos): unknown;
  hasStaticType(key: string): boolean;
  instanceField(ip: Interp, o: unknown, key: string, at: Pos): unknown;
  instanceFieldSet(ip: Interp, o: unknown, key: string, v: unknown, at: Pos): unknown;
  staticSet(ip: Interp, path: string[], v: unknown, at: Pos): unknown;
  isSObjectType(key: string): string | undefined; // display name
  /** System.runAs (src/platform/security.ts) */
  runAs?(ip: Interp, s: Extract<Stmt, { k: 'runas' }>, scope: Scope, body: () => number): number;
}

export class Interp {
  classes = new Map<string, ClassRt>();
  frames: Frame[] = [];
  statements = 0;
  covered = new Map<string, Set<number>>(); // file -> lines
  host!: Host;
  db: any;
  testing = true;
  file = '';
  /** written names of the call being dispatched to the library (for unsupported messages) */
  writtenCall: string | null = null;
  writtenMethod: string | null = null;

  constructor(decls: TypeDecl[]) {
    for (const d of decls) if (d.kind !== 'trigger') this.register(d, null);
  }

  register(d: TypeDecl, outer: ClassRt | null): ClassRt {
    const name = outer ? `${outer.name}.${d.name}` : d.name;
    const c: ClassRt = {
      decl: d,
      name,
      key: name.toLowerCase(),
      outer,
      superCls: undefined,
      ifaces: undefined,
      methods: new Map(),
      fields: new Map(),
      statics: null,
      inner: new Map(),
      isTest: d.mods.annotations.some((a) => a.name === 'istest') || !!outer?.isTest,
      isException: false
    };
    for (const m of d.methods) {
      const list = c.methods.get(m.key) ?? [];
      list.push(m);
      c.methods.set(m.key, list);
    }
    for (const f of d.fields) c.fields.set(f.key, f);
    this.classes.set(c.key, c);
    for (const i of d.inner) c.inner.set(i.key, this.register(i, c));
    if (d.kind === 'enum')
      c.enumValues = d.enumValues.map((v, i) => new AEnum(name, c.key, v.toUpperCase(), i));
    return c;
  }

  // -------------------------------------------------------------- errors

  get top(): Frame {
    return this.frames[this.frames.length - 1]!;
  }

  unsupported(what: string, at?: Pos): Unsupported {
    const f = this.frames[this.frames.length - 1];
    return new Unsupported(what, f?.cls.decl.file ?? this.file, at?.line ?? f?.line ?? 0);
  }

  stackTrace(): string {
    const lines: string[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.cls.decl.kind === 'trigger')
        lines.push(`Trigger.${f.cls.name}: line ${f.line}, column ${f.col}`);
      else
        lines.push(
          `Class.${f.cls.name}${f.method ? `.${f.method}` : ''}: line ${f.line}, column ${f.col}`
        );
    }
    return lines.join('\n');
  }

  /** Creates a System exception object ready to be thrown. */
  makeException(type: string, message: string | null, at?: Pos): AObj {
    const cls = this.exceptionClass(type);
    const ex = new AObj(cls);
    const f = this.frames[this.frames.length - 1];
    if (at && f) {
      f.line = at.line;
      f.col = at.col;
    }
    ex.host = {
      message,
      cause: null,
      line: at?.line ?? f?.line ?? 0,
      col: at?.col ?? f?.col ?? 0,
      stack: this.stackTrace()
    };
    return ex;
  }

  throwEx(type: string, message: string | null, at?: Pos): never {
    throw new ApexThrow(this.makeException(type, message, at));
  }

  npe(at: Pos): never {
    this.throwEx('System.NullPointerException', 'Attempt to de-reference a null object', at);
  }

  exceptionClass(type: string): ClassRt {
    const key = type.toLowerCase().replace(/^system\./, '');
    const user = this.classes.get(key);
    if (user) return user;
    const sys = this.classes.get(`system.${key}`);
    if (sys) return sys;
    const name = type.includes('.') ? type : `System.${type}`;
    const simple = name.slice(name.lastIndexOf('.') + 1);
    const decl: TypeDecl = {
      kind: 'class',
      name: simple,
      key: simple.toLowerCase(),
      mods: { set: new Set(['virtual']), annotations: [] },
      ext: null,
      impl: [],
      fields: [],
      methods: [],
      ctors: [],
      inner: [],
      instInit: [],
      staticInit: [],
      enumValues: [],
      file: '<system>',
      line: 0,
      col: 0,
      lines: new Set()
    };
    const base = key === 'exception' ? null : this.exceptionClass('Exception');
    const c: ClassRt = {
      decl,
      name,
      // keyed like the lookups above and catchMatches: system.<name without System.>, so
      // Cache.InvalidParamException is system.cache.invalidparamexception
      key: `system.${name.toLowerCase().replace(/^system\./, '')}`,
      outer: null,
      superCls: base,
      ifaces: [],
      methods: new Map(),
      fields: new Map(),
      statics: new Map(),
      inner: new Map(),
      isTest: false,
      isException: true,
      builtin: true
    };
    if (name.toLowerCase() === 'system.exception') c.key = 'system.exception';
    this.classes.set(c.key, c);
    return c;
  }

  // -------------------------------------------------------------- classes

  superOf(c: ClassRt): ClassRt | null {
    if (c.superCls !== undefined) return c.superCls;
    const ext = c.decl.ext;
    if (!ext) {
      c.superCls = null;
      if (c.decl.key.endsWith('exception') && c.decl.kind === 'class' && !c.builtin) {
        // exception classes without extends are not legal Apex; treat as Exception
      }
      return null;
    }
    const parent = this.findClass(ext, c);
    if (!parent) {
      const k = ext.key.replace(/^system\./, '');
      if (k.endsWith('exception')) {
        c.superCls = this.exceptionClass(ext.name);
        c.isException = true;
        return c.superCls;
      }
      throw this.unsupported(`superclass ${ext.name}`, c.decl);
    }
    c.superCls = parent;
    if (parent.isException) c.isException = true;
    return parent;
  }

  isExceptionClass(c: ClassRt): boolean {
    for (let k: ClassRt | null = c; k; k = this.superOf(k)) if (k.isException) return true;
    return false;
  }

  ifacesOf(c: ClassRt): ClassRt[] {
    if (c.ifaces) return c.ifaces;
    c.ifaces = [];
    for (const i of c.decl.impl) {
      const ic = this.findClass(i, c);
      if (ic) c.ifaces.push(ic);
      else c.ifaces.push(this.stdInterface(i.name));
    }
    return c.ifaces;
  }

  stdInterface(name: string): ClassRt {
    const key = `<std>.${name.toLowerCase().replace(/^system\./, '')}`;
    const existing = this.classes.get(key);
    if (existing) return existing;
    const decl: TypeDecl = {
      kind: 'interface',
      name,
      key: name.toLowerCase(),
      mods: { set: new Set(), annotations: [] },
      ext: null,
      impl: [],
      fields: [],
      methods: [],
      ctors: [],
      inner: [],
      instInit: [],
      staticInit: [],
      enumValues: [],
      file: '<system>',
      line: 0,
      col: 0,
      lines: new Set()
    };
    const c: ClassRt = {
      decl,
      name,
      key,
      outer: null,
      superCls: null,
      ifaces: [],
      methods: new Map(),
      fields: new Map(),
      statics: new Map(),
      inner: new Map(),
      isTest: false,
      isException: false,
      builtin: true
    };
    this.classes.set(key, c);
    return c;
  }

  /** Is `c` the class `target` or a subclass/implementation of it? */
  isSubclass(c: ClassRt, target: ClassRt): boolean {
    for (let k: ClassRt | null = c; k; k = this.superOf(k)) {
      if (k === target) return true;
      for (const i of this.ifacesOf(k)) if (i === target || this.isSubclass(i, target)) return true;
    }
    return false;
  }

  /** Resolves a class name as written inside `ctx`. */
  findClass(t: { key: string }, ctx: ClassRt | null): ClassRt | undefined {
    const key = t.key;
    for (let c = ctx; c; c = c.outer) {
      const direct = c.inner.get(key);
      if (direct) return direct;
      // inherited inner classes
      for (let s = c.superCls ?? null; s; s = s.superCls ?? null) {
        const i = s.inner.get(key);
        if (i) return i;
      }
    }
    const top = this.classes.get(key);
    if (top && !top.key.startsWith('<std>')) return top;
    if (key.startsWith('system.')) return this.classes.get(key.slice(7));
    return undefined;
  }

  resolveType(t: TypeRef, ctx: ClassRt | null): RtType {
    const args = t.args.map((a) => this.resolveType(a, ctx));
    let key = t.key;
    if (key.startsWith('system.')) key = key.slice(7);
    if (PRIMS.has(key)) {
      const canon = CANON[key] ?? t.name;
      return { key, name: canon, args };
    }
    const cls = this.findClass({ key }, ctx);
    if (cls) return { key: cls.key, name: cls.name, args };
    const sobj = this.host.isSObjectType(key.replace(/^schema\./, ''));
    if (sobj) return { key: sobj.toLowerCase(), name: sobj, args };
    return { key, name: t.name, args };
  }

  staticsOf(c: ClassRt): Map<string, { v: unknown }> {
    if (c.statics) return c.statics;
    c.statics = new Map();
    const sup = this.superOf(c);
    if (sup && !sup.builtin) this.staticsOf(sup);
    for (const f of c.decl.fields)
      if (f.mods.set.has('static'))
        c.statics.set(f.key, { v: defaultValue(this.resolveType(f.type, c)) });
    if (c.decl.staticInit.length) {
      this.frames.push({ cls: c, self: null, method: '<clinit>', line: c.decl.line, col: 1 });
      try {
        const scope = new Scope(null);
        for (const init of c.decl.staticInit) {
          if ('field' in init) {
            const f = init.field;
            if (f.init) {
              this.cover(c, f);
              c.statics.get(f.key)!.v = this.coerce(
                this.eval(f.init, scope),
                this.resolveType(f.type, c),
                f.init
              );
            }
          } else this.exec(init.block, scope);
        }
      } finally {
        this.frames.pop();
      }
    }
    return c.statics;
  }

  /** Finds the field (static or instance) named `key` visible from class `c`. */
  findField(c: ClassRt, key: string): { cls: ClassRt; f: FieldDecl } | undefined {
    for (let k: ClassRt | null = c; k; k = this.superOf(k)) {
      const f = k.fields.get(key);
      if (f) return { cls: k, f };
    }
    return undefined;
  }

  findMethods(c: ClassRt, key: string): { cls: ClassRt; m: MethodDecl }[] {
    const out: { cls: ClassRt; m: MethodDecl }[] = [];
    for (let k: ClassRt | null = c; k; k = this.superOf(k)) {
      for (const m of k.methods.get(key) ?? []) {
        if (!out.some((o) => sameSig(o.m, m))) out.push({ cls: k, m });
      }
    }
    return out;
  }

  pickMethod(
    cands: { cls: ClassRt; m: MethodDecl }[],
    args: unknown[],
    at: Pos
  ): { cls: ClassRt; m: MethodDecl } | undefined {
    const byArity = cands.filter((c) => c.m.params.length === args.length);
    if (byArity.length <= 1) return byArity[0];
    let best: { cls: ClassRt; m: MethodDecl } | undefined;
    let bestScore = -1;
    for (const c of byArity) {
      let score = 0;
      let ok = true;
      c.m.params.forEach((p, i) => {
        const s = this.matchScore(args[i], this.resolveType(p.type, c.cls));
        if (s < 0) ok = false;
        score += s;
      });
      if (ok && score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (!best) throw this.unsupported(`overload resolution for ${cands[0]?.m.name}`, at);
    return best;
  }

  matchScore(v: unknown, t: RtType): number {
    if (v === null || v === undefined) return 1;
    if (t.key === 'object') return 1;
    const vt = this.typeOf(v);
    if (vt.key === t.key) return 3;
    if (this.isInstance(v, t)) return 2;
    if (typeof v === 'number' && ['long', 'decimal', 'double'].includes(t.key)) return 1;
    if (typeof v === 'bigint' && ['decimal', 'double'].includes(t.key)) return 1;
    if (typeof v === 'string' && t.key === 'id') return 1;
    return -1;
  }

  // -------------------------------------------------------------- types

  typeOf(v: unknown): RtType {
    if (v === null || v === undefined) return T_OBJECT;
    switch (typeof v) {
      case 'number':
        return T_INTEGER;
      case 'bigint':
        return T_LONG;
      case 'string':
        return T_STRING;
      case 'boolean':
        return T_BOOLEAN;
    }
    if (v instanceof ADecimal) return T_DECIMAL;
    if (v instanceof ADouble) return T_DOUBLE;
    if (v instanceof SObj) return rt(v.type.toLowerCase(), v.type);
    if (v instanceof AObj) return rt(v.cls.key, v.cls.name);
    if (v instanceof AList) return rt('list', 'List', [v.et]);
    if (v instanceof ASet) return rt('set', 'Set', [v.et]);
    if (v instanceof AMap) return rt('map', 'Map', [v.kt, v.vt]);
    if (v instanceof ADate) return T_DATE;
    if (v instanceof ADatetime) return T_DATETIME;
    if (v instanceof ATime) return T_TIME;
    if (v instanceof ABlob) return T_BLOB;
    if (v instanceof AEnum) return rt(v.key, v.type);
    if (v instanceof AType) return rt('type', 'System.Type');
    const hostType = (v as any).$type as RtType | undefined;
    if (hostType) return hostType;
    return T_OBJECT;
  }

  isInstance(v: unknown, t: RtType): boolean {
    if (v === null || v === undefined) return false;
    const k = t.key;
    if (k === 'object') return true;
    switch (typeof v) {
      case 'number':
        return k === 'integer';
      case 'bigint':
        return k === 'long';
      case 'string':
        return k === 'string' || (k === 'id' && isIdLike(v));
      case 'boolean':
        return k === 'boolean';
    }
    if (v instanceof SObj) return k === 'sobject' || k === v.type.toLowerCase();
    if (v instanceof AObj) {
      const target = this.classes.get(k) ?? this.classes.get(`system.${k}`);
      if (target) return this.isSubclass(v.cls, target);
      const std = k.replace(/^(system|database)\./, '');
      for (let c: ClassRt | null = v.cls; c; c = this.superOf(c))
        for (const i of this.ifacesOf(c)) {
          const ik = i.decl.key.replace(/^(system|database)\./, '');
          if (i.builtin && ik === std) return true;
        }
      return false;
    }
    if (v instanceof AList) {
      if (k !== 'list') return false;
      if (!t.args[0]) return true;
      return elemCompatible(v.et, t.args[0]);
    }
    if (v instanceof ASet) return k === 'set' && (!t.args[0] || elemCompatible(v.et, t.args[0]));
    if (v instanceof AMap)
      return (
        k === 'map' &&
        (!t.args[0] || (elemCompatible(v.kt, t.args[0]) && elemCompatible(v.vt, t.args[1]!)))
      );
    const vk = this.typeOf(v).key;
    return vk === k || vk.replace(/^system\./, '') === k.replace(/^system\./, '');
  }

  /** Implicit conversion on assignment to a declared type. */
  coerce(v: unknown, t: RtType, at: Pos): unknown {
    if (v === null || v === undefined) return null;
    switch (t.key) {
      case 'integer':
        if (typeof v === 'number') return v;
        break;
      case 'long':
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number') return BigInt(v);
        break;
      case 'decimal':
        if (v instanceof ADecimal) return v;
        if (typeof v === 'number' || typeof v === 'bigint') return ADecimal.of(v);
        if (v instanceof ADouble) return ADecimal.fromDoubleValue(v.v);
        break;
      case 'double':
        if (v instanceof ADouble) return v;
        if (typeof v === 'number') return new ADouble(v);
        if (typeof v === 'bigint') return new ADouble(Number(v));
        if (v instanceof ADecimal) return new ADouble(v.toNumber());
        break;
      case 'id':
        if (typeof v === 'string') return this.toId(v, at);
        break;
      case 'string':
        if (typeof v === 'string') return v;
        break;
    }
    return v;
  }

  toId(s: string, at: Pos): string {
    const id = normalizeId(s);
    if (id === null) this.throwEx('System.StringException', `Invalid id: ${s}`, at);
    return id;
  }

  /** Explicit cast `(T) v`. */
  cast(v: unknown, t: RtType, at: Pos): unknown {
    if (v === null || v === undefined) return null;
    const k = t.key;
    if (typeof v === 'number' && (k === 'long' || k === 'decimal' || k === 'double'))
      return this.coerce(v, t, at);
    if (typeof v === 'bigint' && (k === 'integer' || k === 'decimal' || k === 'double')) {
      if (k === 'integer') return Number(BigInt.asIntN(32, v));
      return this.coerce(v, t, at);
    }
    if (v instanceof ADecimal || v instanceof ADouble) {
      const n = v instanceof ADecimal ? v : ADecimal.fromNumber(v.v);
      if (k === 'integer') return Number(BigInt.asIntN(32, n.toBigInt()));
      if (k === 'long') return BigInt.asIntN(64, n.toBigInt());
      if (k === 'decimal' || k === 'double') return this.coerce(v, t, at);
    }
    if (typeof v === 'string' && k === 'id') return this.toId(v, at);
    if (!this.isInstance(v, t)) {
      if (k === 'sobject' && v instanceof SObj) return v;
      this.throwEx(
        'System.TypeException',
        `Invalid conversion from runtime type ${typeName(this.typeOf(v))} to ${typeName(t)}`,
        at
      );
    }
    return v;
  }

  // -------------------------------------------------------------- execution

  cover(c: ClassRt, at: Pos): void {
    if (c.isTest) return;
    const file = c.decl.file;
    let set = this.covered.get(file);
    if (!set) {
      set = new Set();
      this.covered.set(file, set);
    }
    set.add(at.line);
  }

  exec(s: Stmt, scope: Scope): number {
    const f = this.frames[this.frames.length - 1]!;
    if (s.k !== 'block') {
      this.statements++;
      f.line = s.line;
      f.col = s.col;
      if (!f.cls.isTest) this.cover(f.cls, s);
    }
    switch (s.k) {
      case 'block': {
        const inner = new Scope(scope);
        for (const st of s.body) {
          const r = this.exec(st, inner);
          if (r) return r;
        }
        return 0;
      }
      case 'local': {
        const t = this.resolveType(s.type, f.cls);
        for (const d of s.decls) {
          const v = d.init ? this.coerce(this.eval(d.init, scope), t, d.init) : null;
          scope.vars.set(d.key, { v, t });
        }
        return 0;
      }
      case 'expr':
        this.eval(s.e, scope);
        return 0;
      case 'if':
        if (this.truthy(this.eval(s.c, scope), s.c)) return this.exec(s.a, new Scope(scope));
        if (s.b) return this.exec(s.b, new Scope(scope));
        return 0;
      case 'while':
        while (this.truthy(this.eval(s.c, scope), s.c)) {
          if (!s.body) continue;
          const r = this.exec(s.body, new Scope(scope));
          if (r === BREAK) break;
          if (r === RETURN) return r;
        }
        return 0;
      case 'do':
        do {
          const r = this.exec(s.body, new Scope(scope));
          if (r === BREAK) break;
          if (r === RETURN) return r;
        } while (this.truthy(this.eval(s.c, scope), s.c));
        return 0;
      case 'for': {
        const fs = new Scope(scope);
        for (const i of s.init) this.exec(i, fs);
        for (;;) {
          if (s.c && !this.truthy(this.eval(s.c, fs), s.c)) break;
          if (s.body) {
            const r = this.exec(s.body, new Scope(fs));
            if (r === BREAK) break;
            if (r === RETURN) return r;
          }
          for (const u of s.update) this.eval(u, fs);
        }
        return 0;
      }
      case 'foreach': {
        const t = this.resolveType(s.type, f.cls);
        let items: unknown[];
        if (s.e.k === 'soql') {
          const res = this.eval(s.e, scope) as AList;
          if (t.key === 'list') {
            // SOQL list for-loop: batches of 200
            items = [];
            for (let i = 0; i < res.a.length; i += 200)
              items.push(new AList(res.et, res.a.slice(i, i + 200)));
            if (!items.length) items = [];
          } else items = res.a;
        } else {
          const coll = this.eval(s.e, scope);
          if (coll === null || coll === undefined) this.npe(s.e);
          if (coll instanceof AList) items = coll.a.slice();
          else if (coll instanceof ASet) items = [...coll.m.values()];
          else if (coll instanceof AObj && coll.host?.iterator) items = coll.host.iterator();
          else throw this.unsupported(`for-each over ${typeName(this.typeOf(coll))}`, s.e);
        }
        for (const item of items) {
          const ls = new Scope(scope);
          ls.vars.set(s.key, { v: this.coerce(item, t, s), t });
          if (!s.body) continue;
          const r = this.exec(s.body, ls);
          if (r === BREAK) break;
          if (r === RETURN) return r;
        }
        return 0;
      }
      case 'return':
        f.scope = scope;
        (f as any).ret = s.e ? this.eval(s.e, scope) : null;
        return RETURN;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'throw': {
        const ex = this.eval(s.e, scope);
        if (ex === null) this.npe(s.e);
        if (!(ex instanceof AObj) || !this.isExceptionClass(ex.cls))
          throw this.unsupported('throw of a non-exception', s);
        throw new ApexThrow(ex);
      }
      case 'try':
        return this.execTry(s, scope);
      case 'switch':
        return this.execSwitch(s, scope);
      case 'dml': {
        const v = this.eval(s.e, scope);
        return this.db.dmlStatement(this, s.op, v, s.ext, s) as number;
      }
      case 'merge':
        throw this.unsupported('merge statement', s);
      case 'runas':
        if (!this.host.runAs) throw this.unsupported('System.runAs', s);
        return this.host.runAs(this, s, scope, () => this.exec(s.body, new Scope(scope)));
    }
    return 0;
  }

  execTry(s: Extract<Stmt, { k: 'try' }>, scope: Scope): number {
    const f = this.top;
    const depth = this.frames.length;
    let result = 0;
    let pending: unknown = null;
    try {
      result = this.exec(s.body, new Scope(scope));
    } catch (e) {
      this.frames.length = depth;
      if (e instanceof ApexThrow) {
        const ex = e.ex;
        const handler = s.catches.find((c) => this.catchMatches(ex, c.type.key, f.cls));
        if (handler) {
          const cs = new Scope(scope);
          cs.vars.set(handler.key, { v: ex, t: rt(ex.cls.key, ex.cls.name) });
          try {
            result = this.exec(handler.body, cs);
          } catch (e2) {
            this.frames.length = depth;
            pending = e2;
          }
        } else pending = e;
      } else pending = e;
    }
    if (s.fin && !(pending instanceof Unsupported)) {
      const r = this.exec(s.fin, new Scope(scope));
      if (r) return r;
    }
    if (pending) throw pending;
    return result;
  }

  catchMatches(ex: AObj, key: string, ctx: ClassRt): boolean {
    const k = key.replace(/^system\./, '');
    if (k === 'exception') return true;
    const target = this.findClass({ key: k }, ctx) ?? this.classes.get(`system.${k}`);
    if (!target) return false;
    return this.isSubclass(ex.cls, target);
  }

  execSwitch(s: Extract<Stmt, { k: 'switch' }>, scope: Scope): number {
    const v = this.eval(s.e, scope);
    const f = this.top;
    for (const w of s.whens) {
      if (w.values === null) return this.exec(w.body, new Scope(scope));
      if (w.type) {
        const t = this.resolveType(w.type, f.cls);
        if (this.isInstance(v, t)) {
          const ws = new Scope(scope);
          ws.vars.set(w.bind!, { v, t });
          return this.exec(w.body, ws);
        }
        continue;
      }
      for (const lit of w.values) {
        let lv: unknown;
        if (v instanceof AEnum && lit.k === 'name') {
          lv = v.name === lit.key.toUpperCase() ? v : undefined;
          if (lv === v) return this.exec(w.body, new Scope(scope));
          continue;
        }
        lv = this.eval(lit, scope);
        if (lv === null ? v === null : v !== null && this.equalsStrict(v, lv))
          return this.exec(w.body, new Scope(scope));
      }
    }
    return 0;
  }

  truthy(v: unknown, at: Pos): boolean {
    if (v === null || v === undefined) this.npe(at);
    return v === true;
  }

  // -------------------------------------------------------------- invocation

  /** Calls a user method. `self` is null for static methods. */
  invoke(
    cls: ClassRt,
    m: MethodDecl,
    self: AObj | SObj | null,
    args: unknown[],
    at: Pos | null,
    label?: string
  ): unknown {
    if (!m.body) {
      if (m.mods.set.has('abstract') || cls.decl.kind === 'interface')
        throw this.unsupported(`call of abstract method ${cls.name}.${m.name}`, at ?? m);
      throw this.unsupported(`method without body ${cls.name}.${m.name}`, at ?? m);
    }
    if (this.frames.length > 1000)
      throw new Uncatchable(
        this.makeException('System.LimitException', 'Maximum stack depth reached: 1001', at ?? m)
      );
    const scope = new Scope(null);
    m.params.forEach((p, i) => {
      const t = this.resolveType(p.type, cls);
      scope.vars.set(p.key, { v: this.coerce(args[i], t, at ?? m), t });
    });
    const frame: Frame = { cls, self, method: label ?? m.name, line: m.line, col: m.col };
    this.frames.push(frame);
    try {
      const r = this.exec(m.body, scope);
      if (r === RETURN) {
        const v = (frame as any).ret;
        return m.ret ? this.coerce(v, this.resolveType(m.ret, cls), m) : null;
      }
      return null;
    } finally {
      this.frames.pop();
    }
  }

  /** `new C(args)` for a user class. */
  instantiate(cls: ClassRt, args: unknown[], at: Pos): AObj {
    if (cls.decl.kind === 'interface' || cls.decl.mods.set.has('abstract'))
      throw this.unsupported(`instantiation of abstract type ${cls.name}`, at);
    this.staticsOf(cls);
    const obj = new AObj(cls);
    if (this.isExceptionClass(cls)) {
      obj.host = {
        message: null,
        cause: null,
        line: at.line,
        col: at.col,
        stack: this.stackTrace()
      };
    }
    this.construct(cls, obj, args, at);
    return obj;
  }

  initFields(cls: ClassRt, obj: AObj): void {
    for (const f of cls.decl.fields)
      if (!f.mods.set.has('static')) obj.f.set(f.key, defaultValue(this.resolveType(f.type, cls)));
    if (!cls.decl.instInit.length) return;
    const scope = new Scope(null);
    for (const init of cls.decl.instInit) {
      if ('field' in init) {
        const f = init.field;
        if (f.init) {
          this.cover(cls, f);
          obj.f.set(
            f.key,
            this.coerce(this.eval(f.init, scope), this.resolveType(f.type, cls), f.init)
          );
        }
      } else this.exec(init.block, scope);
    }
  }

  construct(cls: ClassRt, obj: AObj, args: unknown[], at: Pos): void {
    const sup = this.superOf(cls);
    const ctors = cls.decl.ctors.map((m) => ({ cls, m }));
    if (!ctors.length) {
      if (cls.builtin) {
        this.exceptionCtor(obj, args, at);
        return;
      }
      if (this.isExceptionClass(cls)) {
        // implicit exception constructors
        if (sup) this.construct(sup, obj, args, at);
        this.withFrame(cls, obj, '<init>', at, () => this.initFields(cls, obj));
        return;
      }
      if (args.length) throw this.unsupported(`constructor ${cls.name}(${args.length} args)`, at);
      if (sup) this.construct(sup, obj, [], at);
      this.withFrame(cls, obj, '<init>', at, () => this.initFields(cls, obj));
      return;
    }
    const c = this.pickMethod(ctors, args, at);
    if (!c) {
      if (this.isExceptionClass(cls) && sup) {
        this.construct(sup, obj, args, at);
        this.withFrame(cls, obj, '<init>', at, () => this.initFields(cls, obj));
        return;
      }
      throw this.unsupported(`constructor ${cls.name}(${args.length} args)`, at);
    }
    const body = c.m.body as Extract<Stmt, { k: 'block' }>;
    const first = body.body[0];
    const firstCall =
      first?.k === 'expr' &&
      first.e.k === 'call' &&
      first.e.obj === null &&
      first.e.key.startsWith('<')
        ? first.e
        : null;
    const scope = new Scope(null);
    c.m.params.forEach((p, i) => {
      const t = this.resolveType(p.type, cls);
      scope.vars.set(p.key, { v: this.coerce(args[i], t, at), t });
    });
    const frame: Frame = { cls, self: obj, method: '<init>', line: c.m.line, col: c.m.col };
    this.frames.push(frame);
    // The constructor's own line counts as executable (src/ast.ts), so running it covers it.
    this.cover(cls, c.m);
    try {
      let rest = body.body;
      if (firstCall && firstCall.k === 'call') {
        const a = firstCall.args.map((e) => this.eval(e, scope));
        this.cover(cls, first!);
        this.statements++;
        if (firstCall.key === '<this>') this.construct(cls, obj, a, firstCall);
        else if (sup) {
          this.construct(sup, obj, a, firstCall);
          this.initFields(cls, obj);
        }
        rest = body.body.slice(1);
      } else {
        if (sup) this.construct(sup, obj, [], at);
        this.initFields(cls, obj);
      }
      for (const st of rest) {
        const r = this.exec(st, scope);
        if (r === RETURN) break;
      }
    } finally {
      this.frames.pop();
    }
  }

  withFrame<T>(cls: ClassRt, self: AObj | null, method: string, at: Pos, fn: () => T): T {
    this.frames.push({ cls, self, method, line: at.line, col: at.col });
    try {
      return fn();
    } finally {
      this.frames.pop();
    }
  }

  exceptionCtor(obj: AObj, args: unknown[], at: Pos): void {
    const h = obj.host;
    if (args.length === 0) return;
    if (args.length === 1) {
      const a = args[0];
      if (a instanceof AObj && this.isExceptionClass(a.cls)) {
        h.cause = a;
        h.message = exceptionToString(a);
      } else if (typeof a === 'string' || a === null) h.message = a;
      else throw this.unsupported('exception constructor argument', at);
      return;
    }
    if (args.length === 2) {
      h.message = args[0];
      h.cause = args[1];
      return;
    }
    throw this.unsupported('exception constructor with 3+ arguments', at);
  }

  /** Calls a method on a user object, virtual dispatch. */
  callMethod(obj: AObj, key: string, args: unknown[], at: Pos, fromSuper?: ClassRt): unknown {
    const start = fromSuper ?? obj.cls;
    const cands = this.findMethods(start, key);
    const picked = this.pickMethod(cands, args, at);
    if (!picked) {
      if (this.isExceptionClass(obj.cls)) return this.host.callInstance(this, obj, key, args, at);
      if (key === 'equals' && args.length === 1) return obj === args[0];
      if (key === 'hashcode' && args.length === 0) return identityOf(obj);
      if (key === 'tostring' && args.length === 0) return this.str(obj);
      throw this.unsupported(`method ${obj.cls.name}.${key}(${args.length} args)`, at);
    }
    if (picked.m.mods.set.has('static')) return this.invoke(picked.cls, picked.m, null, args, at);
    return this.invoke(picked.cls, picked.m, obj, args, at);
  }

  callStaticUser(cls: ClassRt, key: string, args: unknown[], at: Pos): unknown {
    this.staticsOf(cls);
    const cands = this.findMethods(cls, key);
    const picked = this.pickMethod(cands, args, at);
    if (!picked) {
      if (cls.decl.kind === 'enum') {
        if (key === 'values' && !args.length)
          return new AList(rt(cls.key, cls.name), [...cls.enumValues!]);
        if (key === 'valueof' && args.length === 1) {
          const s = args[0];
          return (
            cls.enumValues!.find((e) => typeof s === 'string' && e.name === s.toUpperCase()) ?? null
          );
        }
      }
      throw this.unsupported(`static method ${cls.name}.${key}(${args.length} args)`, at);
    }
    return this.invoke(picked.cls, picked.m, null, args, at);
  }

  // -------------------------------------------------------------- expressions

  eval(e: Expr, scope: Scope): unknown {
    switch (e.k) {
      case 'lit': {
        const v = e.v;
        if (v !== null && typeof v === 'object' && 'double' in (v as any))
          return new ADouble((v as any).double as number);
        return v;
      }
      case 'name':
        return this.evalName(e, scope);
      case 'dot':
        return this.evalDot(e, scope);
      case 'call':
        return this.evalCall(e, scope);
      case 'this': {
        const self = this.top.self;
        return self;
      }
      case 'super':
        return this.top.self;
      case 'idx': {
        const o = this.eval(e.obj, scope);
        const i = this.eval(e.index, scope);
        if (o === null) this.npe(e);
        if (o instanceof AList) return this.listGet(o, i, e);
        throw this.unsupported('index on non-list', e);
      }
      case 'new':
        return this.evalNew(e, scope);
      case 'newArr': {
        const t = this.resolveType(e.type, this.top.cls);
        const et = t.args[0]!;
        if (e.init)
          return new AList(
            et,
            e.init.map((x) => this.coerce(this.eval(x, scope), et, x))
          );
        if (e.size) {
          const n = this.eval(e.size, scope) as number;
          return new AList(
            et,
            new Array(n).fill(null).map(() => defaultValue(et))
          );
        }
        return new AList(et, []);
      }
      case 'newMap': {
        const t = this.resolveType(e.type, this.top.cls);
        if (t.key !== 'map') throw this.unsupported(`new ${t.name}{...}`, e);
        const m = new AMap(t.args[0] ?? T_OBJECT, t.args[1] ?? T_OBJECT);
        for (const [k, v] of e.pairs)
          this.mapPut(
            m,
            this.coerce(this.eval(k, scope), m.kt, k),
            this.coerce(this.eval(v, scope), m.vt, v)
          );
        return m;
      }
      case 'newColl': {
        const t = this.resolveType(e.type, this.top.cls);
        if (t.key === 'list') {
          const et = t.args[0] ?? T_OBJECT;
          return new AList(
            et,
            e.items.map((x) => this.coerce(this.eval(x, scope), et, x))
          );
        }
        if (t.key === 'set') {
          const s = new ASet(t.args[0] ?? T_OBJECT);
          for (const x of e.items) this.setAdd(s, this.coerce(this.eval(x, scope), s.et, x));
          return s;
        }
        if (t.key === 'map') return new AMap(t.args[0] ?? T_OBJECT, t.args[1] ?? T_OBJECT);
        throw this.unsupported(`new ${t.name}{...}`, e);
      }
      case 'cast':
        return this.cast(this.eval(e.e, scope), this.resolveType(e.type, this.top.cls), e);
      case 'inst': {
        const v = this.eval(e.e, scope);
        return this.isInstance(v, this.resolveType(e.type, this.top.cls));
      }
      case 'un':
        return this.evalUnary(e.op, this.eval(e.e, scope), e);
      case 'inc': {
        const old = this.eval(e.e, scope);
        if (old === null) this.npe(e);
        const nv = this.arith(e.op === '++' ? '+' : '-', old, 1, e);
        this.assign(e.e, nv, scope);
        return e.prefix ? nv : old;
      }
      case 'bin':
        return this.evalBin(e, scope);
      case 'cond':
        return this.truthy(this.eval(e.c, scope), e.c)
          ? this.eval(e.a, scope)
          : this.eval(e.b, scope);
      case 'asg': {
        if (e.op === '=') {
          const v = this.eval(e.e, scope);
          return this.assign(e.target, v, scope);
        }
        const old = this.eval(e.target, scope);
        const r = this.eval(e.e, scope);
        const op = e.op.slice(0, -1);
        const nv = this.binop(op, old, r, e);
        return this.assign(e.target, nv, scope);
      }
      case 'soql':
        return this.db.runQuery(this, e.q, scope, e);
      case 'typelit':
        return new AType(this.resolveType(e.type, this.top.cls));
    }
    throw this.unsupported(`expression ${(e as Expr).k}`, e);
  }

  evalBin(e: Extract<Expr, { k: 'bin' }>, scope: Scope): unknown {
    const op = e.op;
    if (op === '&&') {
      if (!this.truthy(this.eval(e.l, scope), e.l)) return false;
      return this.truthy(this.eval(e.r, scope), e.r);
    }
    if (op === '||') {
      if (this.truthy(this.eval(e.l, scope), e.l)) return true;
      return this.truthy(this.eval(e.r, scope), e.r);
    }
    if (op === '??') {
      const l = this.eval(e.l, scope);
      return l !== null && l !== undefined ? l : this.eval(e.r, scope);
    }
    if (op === '+' && e.l.k === 'bin' && e.l.op === '+') {
      // long concatenation chains are evaluated iteratively (no deep JS recursion)
      const spine: Extract<Expr, { k: 'bin' }>[] = [];
      let cur: Expr = e;
      while (cur.k === 'bin' && cur.op === '+') {
        spine.push(cur);
        cur = cur.l;
      }
      let acc = this.eval(cur, scope);
      for (let i = spine.length - 1; i >= 0; i--) {
        const node = spine[i]!;
        acc = this.binop('+', acc, this.eval(node.r, scope), node);
      }
      return acc;
    }
    return this.binop(op, this.eval(e.l, scope), this.eval(e.r, scope), e);
  }

  binop(op: string, l: unknown, r: unknown, at: Pos): unknown {
    switch (op) {
      case '==':
        return this.equalsOp(l, r);
      case '!=':
      case '<>':
        return !this.equalsOp(l, r);
      case '===':
        return this.exactEq(l, r);
      case '!==':
        return !this.exactEq(l, r);
      case '<':
      case '>':
      case '<=':
      case '>=':
        return this.compareOp(op, l, r, at);
      case '+':
        if (typeof l === 'string' || typeof r === 'string') {
          return this.str(l) + this.str(r);
        }
        if (l instanceof ADate && typeof r === 'number') return new ADate(l.days + r);
        return this.arith(op, l, r, at);
      case '-':
      case '*':
      case '/':
        return this.arith(op, l, r, at);
      case '&':
      case '|':
      case '^':
        if (typeof l === 'boolean' && typeof r === 'boolean')
          return op === '&' ? l && r : op === '|' ? l || r : l !== r;
        return this.bitop(op, l, r, at);
      case '<<':
      case '>>':
      case '>>>':
        return this.bitop(op, l, r, at);
    }
    throw this.unsupported(`operator ${op}`, at);
  }

  bitop(op: string, l: unknown, r: unknown, at: Pos): unknown {
    if (l === null || r === null) this.npe(at);
    if (typeof l === 'number' && typeof r === 'number') {
      switch (op) {
        case '&':
          return l & r;
        case '|':
          return l | r;
        case '^':
          return l ^ r;
        case '<<':
          return l << r;
        case '>>':
          return l >> r;
        case '>>>':
          return (l >>> r) | 0;
      }
    }
    const a = BigInt(l as number | bigint);
    if (op === '<<' || op === '>>' || op === '>>>') {
      const n = BigInt(Number(r) & 63);
      if (op === '<<') return BigInt.asIntN(64, a << n);
      if (op === '>>') return a >> n;
      return BigInt.asIntN(64, BigInt.asUintN(64, a) >> n);
    }
    const b = BigInt(r as number | bigint);
    switch (op) {
      case '&':
        return BigInt.asIntN(64, a & b);
      case '|':
        return BigInt.asIntN(64, a | b);
      default:
        return BigInt.asIntN(64, a ^ b);
    }
  }

  arith(op: string, l: unknown, r: unknown, at: Pos): unknown {
    if (l === null || l === undefined || r === null || r === undefined) this.npe(at);
    if (typeof l === 'number' && typeof r === 'number') {
      switch (op) {
        case '+':
          return (l + r) | 0;
        case '-':
          return (l - r) | 0;
        case '*':
          return Math.imul(l, r);
        case '/':
          if (r === 0) this.throwEx('System.MathException', 'Divide by 0', at);
          return (l / r) | 0;
      }
    }
    if (l instanceof ADate || l instanceof ADatetime || l instanceof ATime)
      throw this.unsupported(`arithmetic ${op} on ${typeName(this.typeOf(l))}`, at);
    if (l instanceof ADouble || r instanceof ADouble) {
      const a = numValue(l);
      const b = numValue(r);
      switch (op) {
        case '+':
          return new ADouble(a + b);
        case '-':
          return new ADouble(a - b);
        case '*':
          return new ADouble(a * b);
        case '/':
          if (b === 0) this.throwEx('System.MathException', 'Divide by 0', at);
          return new ADouble(a / b);
      }
    }
    if (l instanceof ADecimal || r instanceof ADecimal) {
      const a = toDecimal(l);
      const b = toDecimal(r);
      switch (op) {
        case '+':
          return a.add(b);
        case '-':
          return a.sub(b);
        case '*':
          return a.mul(b);
        case '/':
          if (b.u === 0n) this.throwEx('System.MathException', 'Divide by 0', at);
          return a.div(b);
      }
    }
    if (typeof l === 'bigint' || typeof r === 'bigint') {
      const a = BigInt(l as number);
      const b = BigInt(r as number);
      switch (op) {
        case '+':
          return BigInt.asIntN(64, a + b);
        case '-':
          return BigInt.asIntN(64, a - b);
        case '*':
          return BigInt.asIntN(64, a * b);
        case '/':
          if (b === 0n) this.throwEx('System.MathException', 'Divide by 0', at);
          return a / b;
      }
    }
    throw this.unsupported(
      `operator ${op} on ${typeName(this.typeOf(l))} and ${typeName(this.typeOf(r))}`,
      at
    );
  }

  evalUnary(op: string, v: unknown, at: Pos): unknown {
    if (op === '!') {
      if (v === null) this.npe(at);
      return !v;
    }
    if (v === null) this.npe(at);
    if (op === '-') {
      if (typeof v === 'number') return -v | 0;
      if (typeof v === 'bigint') return BigInt.asIntN(64, -v);
      if (v instanceof ADecimal) return v.neg();
      if (v instanceof ADouble) return new ADouble(-v.v);
    }
    if (op === '+') return v;
    if (op === '~') {
      if (typeof v === 'number') return ~v;
      if (typeof v === 'bigint') return BigInt.asIntN(64, ~v);
    }
    throw this.unsupported(`unary ${op}`, at);
  }

  /** `==`: Strings case-insensitively, SObjects and collections by value, objects by equals(). */
  equalsOp(l: unknown, r: unknown): boolean {
    if (l === null || l === undefined) return r === null || r === undefined;
    if (r === null || r === undefined) return false;
    if (typeof l === 'string' && typeof r === 'string')
      return l === r || l.toLowerCase() === r.toLowerCase();
    return this.valueEquals(l, r, true);
  }

  /** `equals()` and collection/key equality: case-sensitive strings. */
  equalsStrict(l: unknown, r: unknown): boolean {
    if (l === null || l === undefined) return r === null || r === undefined;
    if (r === null || r === undefined) return false;
    if (typeof l === 'string' && typeof r === 'string') {
      return l === r;
    }
    return this.valueEquals(l, r, false);
  }

  valueEquals(l: unknown, r: unknown, ci: boolean): boolean {
    if (l === r) return true;
    if (isNumeric(l) && isNumeric(r)) return numCompare(l, r) === 0;
    if (l instanceof ADate && r instanceof ADate) return l.days === r.days;
    if (l instanceof ADatetime && r instanceof ADatetime) return l.ms === r.ms;
    if (l instanceof ATime && r instanceof ATime) return l.ms === r.ms;
    if (l instanceof ABlob && r instanceof ABlob) return l.b.equals(r.b);
    if (l instanceof AType && r instanceof AType) return l.t.key === r.t.key;
    if (l instanceof AEnum && r instanceof AEnum) return l.key === r.key && l.name === r.name;
    if (typeof l === 'object' && typeof r === 'object' && (l as any).$type && (l as any).kind) {
      if ((l as any).$equals) return (l as any).$equals(r) as boolean;
      return (l as any).kind === (r as any).kind && (l as any).d === (r as any).d;
    }
    if (l instanceof AList && r instanceof AList)
      return l.a.length === r.a.length && l.a.every((x, i) => this.eqItem(x, r.a[i], ci));
    if (l instanceof ASet && r instanceof ASet)
      return l.m.size === r.m.size && [...l.m.keys()].every((k) => r.m.has(k));
    if (l instanceof AMap && r instanceof AMap) {
      if (l.m.size !== r.m.size) return false;
      for (const [k, [, v]] of l.m) {
        const o = r.m.get(k);
        if (!o || !this.eqItem(v, o[1], ci)) return false;
      }
      return true;
    }
    if (l instanceof SObj && r instanceof SObj)
      return l.equalsTo(r, (a, b) => this.eqItem(a, b, ci));
    if (l instanceof AObj && r instanceof AObj) {
      if (this.findMethods(l.cls, 'equals').length)
        return this.callMethod(l, 'equals', [r], this.top ?? { line: 0, col: 0 }) === true;
      return false;
    }
    if (typeof l === 'object' && l && (l as any).$equals) return (l as any).$equals(r) as boolean;
    return false;
  }

  eqItem(a: unknown, b: unknown, ci: boolean): boolean {
    return ci ? this.equalsOp(a, b) : this.equalsStrict(a, b);
  }

  exactEq(l: unknown, r: unknown): boolean {
    if (l === null || l === undefined) return r === null || r === undefined;
    if (typeof l === 'object' || typeof r === 'object') return l === r;
    return this.equalsStrict(l, r);
  }

  compareOp(op: string, l: unknown, r: unknown, at: Pos): boolean {
    // Apex: comparisons with null are false (except strings/ids where null is less)
    if (l === null || r === null || l === undefined || r === undefined) {
      if (typeof l === 'string' || typeof r === 'string') {
        if (l === null && r === null) return op === '<=' || op === '>=';
        const c = l === null ? -1 : 1;
        return cmpResult(op, c);
      }
      return false;
    }
    return cmpResult(op, this.compare(l, r, at));
  }

  compare(l: unknown, r: unknown, at: Pos): number {
    if (typeof l === 'string' && typeof r === 'string') {
      const a = l.toLowerCase();
      const b = r.toLowerCase();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    if (isNumeric(l) && isNumeric(r)) return numCompare(l, r);
    if (l instanceof ADate && r instanceof ADate) return Math.sign(l.days - r.days);
    if (l instanceof ADatetime && r instanceof ADatetime) return Math.sign(l.ms - r.ms);
    if (l instanceof ATime && r instanceof ATime) return Math.sign(l.ms - r.ms);
    throw this.unsupported(`comparison of ${typeName(this.typeOf(l))}`, at);
  }

  // -------------------------------------------------------------- names

  /** Finds a variable, field or property for `key` in the current context. */
  evalName(e: { key: string; id: string } & Pos, scope: Scope): unknown {
    const v = scope.lookup(e.key);
    if (v) return v.v;
    const f = this.top;
    const r = this.readMember(f, e.key, e);
    if (r !== NOT_FOUND) return r;
    const t = this.typeTarget([e.id], e);
    if (t) throw this.unsupported(`type ${e.id} used as a value`, e);
    throw this.unsupported(`unknown variable ${e.id}`, e);
  }

  readMember(f: Frame, key: string, at: Pos): unknown {
    const self = f.self;
    if (self instanceof AObj) {
      if (self.f.has(key)) {
        const fd = this.findField(self.cls, key);
        if (fd?.f.prop && !fd.f.mods.set.has('static') && !this.inAccessor(f, key))
          return this.getProp(fd.cls, fd.f, self, at);
        return self.f.get(key);
      }
    }
    for (let c: ClassRt | null = f.cls; c; c = c.outer) {
      const fd = this.findField(c, key);
      if (fd) {
        if (fd.f.mods.set.has('static')) {
          if (fd.f.prop && !this.inAccessor(f, key)) return this.getProp(fd.cls, fd.f, null, at);
          return this.staticsOf(fd.cls).get(key)!.v;
        }
        if (self instanceof AObj && c === f.cls) {
          if (fd.f.prop && !this.inAccessor(f, key)) return this.getProp(fd.cls, fd.f, self, at);
          return self.f.get(key);
        }
      }
    }
    void at;
    return NOT_FOUND;
  }

  getProp(cls: ClassRt, f: FieldDecl, self: AObj | null, at: Pos): unknown {
    const isStatic = f.mods.set.has('static');
    const store = () => (isStatic ? this.staticsOf(cls).get(f.key)! : null);
    const get = f.prop!.get;
    if (get && get.body) {
      const scope = new Scope(null);
      const frame: Frame = { cls, self, method: f.name, line: f.line, col: f.col };
      (frame as any).prop = f.key;
      this.frames.push(frame);
      try {
        const r = this.exec(get.body, scope);
        const v = r === RETURN ? (frame as any).ret : null;
        return this.coerce(v, this.resolveType(f.type, cls), at);
      } finally {
        this.frames.pop();
      }
    }
    return isStatic ? store()!.v : self!.f.get(f.key);
  }

  setProp(cls: ClassRt, f: FieldDecl, self: AObj | null, v: unknown, at: Pos): void {
    const isStatic = f.mods.set.has('static');
    const set = f.prop!.set;
    if (set && set.body) {
      const scope = new Scope(null);
      scope.vars.set('value', { v, t: this.resolveType(f.type, cls) });
      const frame: Frame = { cls, self, method: f.name, line: f.line, col: f.col };
      (frame as any).prop = f.key;
      this.frames.push(frame);
      try {
        this.exec(set.body, scope);
      } finally {
        this.frames.pop();
      }
      return;
    }
    if (!set && f.prop!.get) {
      throw this.unsupported(`assignment to read-only property ${f.name}`, at);
    }
    if (isStatic) this.staticsOf(cls).get(f.key)!.v = v;
    else self!.f.set(f.key, v);
  }

  /** Inside a property accessor, the property's own name refers to its backing store. */
  inAccessor(f: Frame, key: string): boolean {
    return (f as any).prop === key;
  }

  /**
   * Resolves a dotted name to a type/namespace reference (user class, enum, SObject type or
   * standard type). Returns undefined when it is not a type.
   */
  typeTarget(path: string[], _at: Pos): { cls?: ClassRt; std?: string } | undefined {
    const key = path.join('.').toLowerCase();
    const ctx = this.frames.length ? this.top.cls : null;
    const cls = this.findClass({ key }, ctx);
    if (cls) return { cls };
    if (this.host.hasStaticType(key)) return { std: key };
    return undefined;
  }

  /** Flattens a.b.c to ['a','b','c'] when the expression is a plain dotted name. */
  dottedPath(e: Expr): string[] | null {
    if (e.k === 'name') return [e.id];
    if (e.k === 'dot' && !e.safe) {
      const p = this.dottedPath(e.obj);
      return p ? [...p, e.id] : null;
    }
    return null;
  }

  /** Evaluates the receiver of a dot/call: a value, or a type reference. */
  evalTarget(e: Expr, scope: Scope): { v: unknown } | { cls: ClassRt } | { std: string } {
    if (e.k === 'name') {
      const v = scope.lookup(e.key);
      if (v) return { v: v.v };
      const m = this.readMember(this.top, e.key, e);
      if (m !== NOT_FOUND) return { v: m };
      const t = this.typeTarget([e.id], e);
      if (t?.cls) return { cls: t.cls };
      if (t?.std) return { std: t.std };
      throw this.unsupported(`unknown name ${e.id}`, e);
    }
    if (e.k === 'dot' && !e.safe) {
      const path = this.dottedPath(e);
      if (path && !scope.lookup(path[0]!.toLowerCase())) {
        const first = path[0]!.toLowerCase();
        const member = this.frames.length ? this.readMemberExists(this.top, first) : false;
        if (!member) {
          // longest type prefix
          for (let n = path.length; n >= 1; n--) {
            const t = this.typeTarget(path.slice(0, n), e);
            if (!t) continue;
            if (n === path.length) return t.cls ? { cls: t.cls } : { std: t.std! };
            break;
          }
        }
      }
      const base = this.evalTarget(e.obj, scope);
      return { v: this.member(base, e.id, e.key, e, scope) };
    }
    return { v: this.eval(e, scope) };
  }

  readMemberExists(f: Frame, key: string): boolean {
    if (f.self instanceof AObj && f.self.f.has(key)) return true;
    for (let c: ClassRt | null = f.cls; c; c = c.outer) if (this.findField(c, key)) return true;
    if (f.cls.decl.kind === 'trigger' && key === 'trigger') return false;
    return false;
  }

  member(
    base: { v: unknown } | { cls: ClassRt } | { std: string },
    id: string,
    key: string,
    at: Pos,
    _scope: Scope
  ): unknown {
    if ('cls' in base) {
      const c = base.cls;
      if (c.decl.kind === 'enum') {
        const ev = c.enumValues!.find((x) => x.name === id.toUpperCase());
        if (ev) return ev;
      }
      const fd = this.findField(c, key);
      if (fd && fd.f.mods.set.has('static')) {
        if (fd.f.prop) return this.getProp(fd.cls, fd.f, null, at);
        return this.staticsOf(fd.cls).get(key)!.v;
      }
      throw this.unsupported(`static member ${c.name}.${id}`, at);
    }
    if ('std' in base) {
      const r = this.host.staticProp(this, [...base.std.split('.'), key], at);
      if (r) return r.v;
      throw this.unsupported(`${base.std}.${id}`, at);
    }
    return this.getField(base.v, id, key, at);
  }

  getField(o: unknown, id: string, key: string, at: Pos): unknown {
    if (o === null || o === undefined) this.npe(at);
    if (o instanceof AObj) {
      const fd = this.findField(o.cls, key);
      if (fd) {
        if (fd.f.mods.set.has('static')) return this.staticsOf(fd.cls).get(key)!.v;
        if (fd.f.prop && !this.inAccessor(this.top, key)) return this.getProp(fd.cls, fd.f, o, at);
        return o.f.get(key);
      }
      if (o.host?.fields) {
        const r = o.host.fields(key);
        if (r !== NOT_FOUND) return r;
      }
      throw this.unsupported(`field ${o.cls.name}.${id}`, at);
    }
    if (o instanceof SObj) return this.db.sobjDot(this, o, id, at);
    if (typeof o === 'object' && (o as any).kind && (o as any).$type)
      return this.host.instanceField(this, o, key, at);
    if (o instanceof AList && key === 'size') throw this.unsupported('List.size field', at);
    const r = this.host.staticProp(this, ['<instance>', key], at);
    if (r && typeof (r.v as any) === 'function') return (r.v as (x: unknown) => unknown)(o);
    throw this.unsupported(`field ${id} on ${typeName(this.typeOf(o))}`, at);
  }

  evalDot(e: Extract<Expr, { k: 'dot' }>, scope: Scope): unknown {
    if (e.safe) {
      const o = this.eval(e.obj, scope);
      if (o === null || o === undefined) return null;
      return this.getField(o, e.id, e.key, e);
    }
    const t = this.evalTarget(e, scope);
    if ('v' in t) return t.v;
    if ('std' in t) {
      const r = this.host.staticProp(this, t.std.split('.'), e);
      if (r) return r.v;
    }
    throw this.unsupported(`type ${e.id} used as a value`, e);
  }

  evalArgs(args: Expr[], scope: Scope): unknown[] {
    const out = new Array(args.length);
    for (let i = 0; i < args.length; i++) out[i] = this.eval(args[i]!, scope);
    return out;
  }

  evalCall(e: Extract<Expr, { k: 'call' }>, scope: Scope): unknown {
    const f = this.top;
    if (e.obj === null) {
      const args = this.evalArgs(e.args, scope);
      f.line = e.line;
      f.col = e.col;
      // unqualified method: the object's own (virtual) methods, then the lexical class chain
      if (f.self instanceof AObj && this.findMethods(f.self.cls, e.key).length)
        return this.callMethod(f.self, e.key, args, e);
      for (let c: ClassRt | null = f.cls; c; c = c.outer) {
        const cands = this.findMethods(c, e.key);
        if (!cands.length) continue;
        const self = f.self instanceof AObj && c === f.cls ? f.self : null;
        if (self) return this.callMethod(self, e.key, args, e);
        const picked = this.pickMethod(cands, args, e);
        if (!picked) throw this.unsupported(`method ${c.name}.${e.id}(${args.length} args)`, e);
        if (!picked.m.mods.set.has('static') && f.self instanceof AObj)
          return this.invoke(picked.cls, picked.m, f.self, args, e);
        return this.invoke(picked.cls, picked.m, null, args, e);
      }
      if (f.self instanceof AObj && this.isExceptionClass(f.self.cls))
        return this.host.callInstance(this, f.self, e.key, args, e);
      throw this.unsupported(`method ${e.id}(${args.length} args)`, e);
    }
    if (e.obj.k === 'super') {
      const args = this.evalArgs(e.args, scope);
      const self = f.self as AObj;
      const sup = this.superOf(f.cls);
      if (!sup) throw this.unsupported('super call without superclass', e);
      if (sup.builtin) return this.host.callInstance(this, self, e.key, args, e);
      const cands = this.findMethods(sup, e.key);
      const picked = this.pickMethod(cands, args, e);
      if (!picked) throw this.unsupported(`super.${e.id}`, e);
      return this.invoke(picked.cls, picked.m, self, args, e);
    }
    if (e.safe) {
      const o = this.eval(e.obj, scope);
      if (o === null || o === undefined) return null;
      const args = this.evalArgs(e.args, scope);
      return this.callOn(o, e.key, args, e);
    }
    let target: ReturnType<Interp['evalTarget']>;
    try {
      target = this.evalTarget(e.obj, scope);
    } catch (err) {
      const path = this.dottedPath(e.obj);
      if (err instanceof Unsupported && err.what.startsWith('unknown name') && path)
        throw this.unsupported(`${path.join('.')}.${e.id}(${e.args.length} args)`, e);
      throw err;
    }
    const args = this.evalArgs(e.args, scope);
    f.line = e.line;
    f.col = e.col;
    if ('cls' in target) return this.callStaticUser(target.cls, e.key, args, e);
    if ('std' in target) {
      f.scope = scope; // Database.query binds read the caller's variables
      this.writtenCall = [...(this.dottedPath(e.obj) ?? [target.std]), e.id].join('.');
      return this.host.callStatic(this, target.std, e.key, args, e);
    }
    return this.callOn(target.v, e.key, args, e);
  }

  callOn(o: unknown, key: string, args: unknown[], at: Pos): unknown {
    if (o === null || o === undefined) this.npe(at);
    this.writtenMethod = (at as any).id ?? null;
    if (o instanceof AObj && !o.cls.builtin && !o.host?.builtinType) {
      return this.callMethod(o, key, args, at);
    }
    return this.host.callInstance(this, o, key, args, at);
  }

  evalNew(e: Extract<Expr, { k: 'new' }>, scope: Scope): unknown {
    const t = this.resolveType(e.type, this.top.cls);
    const cls = this.findClass({ key: t.key }, this.top.cls);
    if (cls && !cls.builtin) {
      const args = this.evalArgs(e.args, scope);
      return this.instantiate(cls, args, e);
    }
    const sobj = this.host.isSObjectType(t.key);
    if (sobj) {
      const o: SObj = this.db.newSObject(sobj);
      for (const a of e.args) {
        if (a.k !== 'asg' || a.target.k !== 'name')
          throw this.unsupported('SObject constructor argument', a);
        this.db.sobjPut(this, o, a.target.id, this.eval(a.e, scope), a);
      }
      return o;
    }
    const args = this.evalArgs(e.args, scope);
    if (t.key === 'list' || t.key === 'set' || t.key === 'map')
      return this.newCollection(t, args, e);
    if (cls?.builtin) return this.instantiate(cls, args, e);
    if (t.key.replace(/^system\./, '').endsWith('exception')) {
      const ec = this.exceptionClass(t.name);
      return this.instantiate(ec, args, e);
    }
    return this.host.construct(this, t, args, e);
  }

  newCollection(t: RtType, args: unknown[], at: Pos): unknown {
    if (t.key === 'list') {
      const l = new AList(t.args[0] ?? T_OBJECT, []);
      if (args.length === 1) {
        const src = args[0];
        if (src instanceof AList) l.a = src.a.slice();
        else if (src instanceof ASet) l.a = [...src.m.values()];
        else if (typeof src === 'number') l.a = new Array(src).fill(null);
        else throw this.unsupported('List constructor argument', at);
      }
      return l;
    }
    if (t.key === 'set') {
      const s = new ASet(t.args[0] ?? T_OBJECT);
      if (args.length === 1) {
        const src = args[0];
        if (src === null) this.npe(at);
        const items =
          src instanceof AList ? src.a : src instanceof ASet ? [...src.m.values()] : null;
        if (!items) throw this.unsupported('Set constructor argument', at);
        for (const x of items) this.setAdd(s, this.coerce(x, s.et, at));
      }
      return s;
    }
    const m = new AMap(t.args[0] ?? T_OBJECT, t.args[1] ?? T_OBJECT);
    if (args.length === 1) {
      const src = args[0];
      if (src instanceof AMap) for (const [k, v] of src.m) m.m.set(k, [v[0], v[1]]);
      else if (src instanceof AList) {
        for (const so of src.a) {
          if (!(so instanceof SObj)) throw this.unsupported('Map(List) of non-SObjects', at);
          const id = so.f.get('id');
          if (id === null || id === undefined)
            this.throwEx(
              'System.ListException',
              'Row with null Id at index: ' + src.a.indexOf(so),
              at
            );
          this.mapPut(m, id, so);
        }
      } else throw this.unsupported('Map constructor argument', at);
    }
    return m;
  }

  // -------------------------------------------------------------- assignment

  assign(target: Expr, v: unknown, scope: Scope): unknown {
    const f = this.top;
    switch (target.k) {
      case 'name': {
        const lv = scope.lookup(target.key);
        if (lv) {
          lv.v = this.coerce(v, lv.t, target);
          return lv.v;
        }
        return this.assignMember(f, target.key, v, target);
      }
      case 'dot': {
        const path = this.dottedPath(target.obj);
        if (
          path &&
          !scope.lookup(path[0]!.toLowerCase()) &&
          !this.readMemberExists(f, path[0]!.toLowerCase())
        ) {
          const t = this.typeTarget(path, target);
          if (t?.cls) {
            const fd = this.findField(t.cls, target.key);
            if (fd && fd.f.mods.set.has('static')) {
              const cv = this.coerce(v, this.resolveType(fd.f.type, fd.cls), target);
              if (fd.f.prop) this.setProp(fd.cls, fd.f, null, cv, target);
              else this.staticsOf(fd.cls).get(target.key)!.v = cv;
              return cv;
            }
          }
          if (t?.std) return this.host.staticSet(this, [...path, target.id], v, target);
        }
        const o = this.eval(target.obj, scope);
        if (o === null || o === undefined) this.npe(target);
        if (o instanceof SObj) return this.db.sobjPut(this, o, target.id, v, target);
        if (o instanceof AObj) {
          const fd = this.findField(o.cls, target.key);
          if (!fd) throw this.unsupported(`field ${o.cls.name}.${target.id}`, target);
          const cv = this.coerce(v, this.resolveType(fd.f.type, fd.cls), target);
          if (fd.f.mods.set.has('static')) this.staticsOf(fd.cls).get(target.key)!.v = cv;
          else if (fd.f.prop && !this.inAccessor(f, target.key))
            this.setProp(fd.cls, fd.f, o, cv, target);
          else o.f.set(target.key, cv);
          return cv;
        }
        if (typeof o === 'object' && (o as any).kind && (o as any).$type)
          return this.host.instanceFieldSet(this, o, target.key, v, target);
        throw this.unsupported(`assignment to field of ${typeName(this.typeOf(o))}`, target);
      }
      case 'idx': {
        const o = this.eval(target.obj, scope);
        const i = this.eval(target.index, scope);
        if (o === null) this.npe(target);
        if (o instanceof AList) {
          this.listSet(o, i, v, target);
          return v;
        }
        throw this.unsupported('index assignment', target);
      }
    }
    throw this.unsupported('assignment target', target);
  }

  assignMember(f: Frame, key: string, v: unknown, at: Pos): unknown {
    const self = f.self;
    for (let c: ClassRt | null = f.cls; c; c = c.outer) {
      const fd = this.findField(c, key);
      if (!fd) continue;
      const cv = this.coerce(v, this.resolveType(fd.f.type, fd.cls), at);
      if (fd.f.mods.set.has('static')) {
        if (fd.f.prop && !this.inAccessor(f, key)) this.setProp(fd.cls, fd.f, null, cv, at);
        else this.staticsOf(fd.cls).get(key)!.v = cv;
        return cv;
      }
      if (self instanceof AObj && c === f.cls) {
        if (fd.f.prop && !this.inAccessor(f, key)) this.setProp(fd.cls, fd.f, self, cv, at);
        else self.f.set(key, cv);
        return cv;
      }
    }
    throw this.unsupported(`assignment to unknown variable ${key}`, at);
  }

  // -------------------------------------------------------------- collections

  listGet(l: AList, i: unknown, at: Pos): unknown {
    if (typeof i !== 'number') {
      if (i === null) this.npe(at);
      throw this.unsupported('non-integer list index', at);
    }
    if (i < 0 || i >= l.a.length)
      this.throwEx('System.ListException', `List index out of bounds: ${i}`, at);
    return l.a[i];
  }

  listSet(l: AList, i: unknown, v: unknown, at: Pos): void {
    if (typeof i !== 'number') this.npe(at);
    if (i < 0 || i >= l.a.length)
      this.throwEx('System.ListException', `List index out of bounds: ${i}`, at);
    l.a[i] = this.coerce(v, l.et, at);
  }

  /** Hash key for Set/Map membership (case-sensitive strings, value semantics). */
  keyOf(v: unknown): unknown {
    if (v === null || v === undefined) return null;
    switch (typeof v) {
      case 'string':
        return v;
      case 'number':
        return v;
      case 'boolean':
        return v;
      case 'bigint':
        return `L${v}`;
    }
    if (v instanceof ADecimal) return `D${v.stripTrailingZeros().toString()}`;
    if (v instanceof ADouble) return `F${v.v}`;
    if (v instanceof ADate) return `d${v.days}`;
    if (v instanceof ADatetime) return `t${v.ms}`;
    if (v instanceof ATime) return `T${v.ms}`;
    if (v instanceof AEnum) return `E${v.key}.${v.name}`;
    if (v instanceof AType) return `Y${v.t.key}`;
    if (v instanceof ABlob) return `B${v.b.toString('base64')}`;
    if (v instanceof SObj) return `S${v.type}:${v.keyString((x) => String(this.keyOf(x)))}`;
    if (v instanceof AList) return `[${v.a.map((x) => String(this.keyOf(x))).join(',')}]`;
    if (v instanceof ASet) return `{${[...v.m.keys()].map(String).sort().join(',')}}`;
    if (v instanceof AObj) {
      if (this.findMethods(v.cls, 'hashcode').length && this.findMethods(v.cls, 'equals').length) {
        return `H${String(this.callMethod(v, 'hashcode', [], this.top))}`;
      }
      return v;
    }
    return v;
  }

  setAdd(s: ASet, v: unknown): boolean {
    const k = this.keyOf(v);
    if (typeof k === 'string' && k.startsWith('H')) {
      for (const [ek, ev] of s.m) if (ek === k && this.valueEquals(ev, v, false)) return false;
    }
    if (s.m.has(k)) return false;
    s.m.set(k, v);
    return true;
  }

  mapPut(m: AMap, k: unknown, v: unknown): unknown {
    const key = this.keyOf(k);
    const old = m.m.get(key);
    m.m.set(key, [old ? old[0] : k, v]);
    return old ? old[1] : null;
  }

  mapGet(m: AMap, k: unknown): unknown {
    return m.m.get(this.keyOf(k))?.[1] ?? null;
  }

  // -------------------------------------------------------------- strings

  str(v: unknown): string {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return v;
      case 'number':
        return String(v);
      case 'bigint':
        return v.toString();
      case 'boolean':
        return v ? 'true' : 'false';
    }
    if (v instanceof ADecimal) return v.toString();
    if (v instanceof ADouble) return javaDouble(v.v);
    if (v instanceof ADate) return v.toString();
    if (v instanceof ADatetime)
      return this.host.callInstance(this, v, '$gmtstring', [], { line: 0, col: 0 }) as string;
    if (v instanceof ATime) return v.toString();
    if (v instanceof AEnum) return v.name;
    if (v instanceof AType) return v.t.name;
    if (v instanceof ABlob) return `Blob[${v.b.length}]`;
    if (v instanceof AList) return `(${v.a.map((x) => this.str(x)).join(', ')})`;
    if (v instanceof ASet) return `{${[...v.m.values()].map((x) => this.str(x)).join(', ')}}`;
    if (v instanceof AMap)
      return `{${[...v.m.values()].map(([k, x]) => `${this.str(k)}=${this.str(x)}`).join(', ')}}`;
    if (v instanceof SObj) return v.toApexString((x) => this.str(x));
    if (v instanceof AObj) {
      if (this.isExceptionClass(v.cls)) return exceptionToString(v);
      if (this.findMethods(v.cls, 'tostring').some((m) => m.m.params.length === 0))
        return this.str(this.callMethod(v, 'tostring', [], this.top));
      const parts = [...v.f.entries()].map(
        ([k, x]) => `${this.findField(v.cls, k)?.f.name ?? k}=${this.str(x)}`
      );
      return `${v.cls.name}:[${parts.join(', ')}]`;
    }
    if ((v as any).$str) return (v as any).$str() as string;
    return String(v);
  }
}

export const NOT_FOUND = Symbol('not-found');

const CANON: Record<string, string> = {
  integer: 'Integer',
  long: 'Long',
  decimal: 'Decimal',
  double: 'Double',
  string: 'String',
  boolean: 'Boolean',
  id: 'Id',
  date: 'Date',
  datetime: 'Datetime',
  time: 'Time',
  blob: 'Blob',
  object: 'Object',
  sobject: 'SObject',
  list: 'List',
  set: 'Set',
  map: 'Map',
  void: 'void'
};

function sameSig(a: MethodDecl, b: MethodDecl): boolean {
  return (
    a.params.length === b.params.length &&
    a.params.every((p, i) => p.type.key === b.params[i]!.type.key)
  );
}

function elemCompatible(have: RtType, want: RtType): boolean {
  if (want.key === 'object') return true;
  if (have.key === want.key) return true;
  if (want.key === 'sobject' && !PRIMS.has(have.key)) return true;
  if (have.key === 'sobject' && !PRIMS.has(want.key)) return true;
  if (have.key === 'id' && want.key === 'string') return true;
  if (have.key === 'string' && want.key === 'id') return true;
  return false;
}

export function defaultValue(_t: RtType): unknown {
  return null;
}

export function exceptionToString(ex: AObj): string {
  const msg = ex.host?.message as string | null;
  return `${ex.cls.name}: ${msg ?? 'null'}`;
}

function cmpResult(op: string, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

export function isNumeric(v: unknown): boolean {
  return (
    typeof v === 'number' || typeof v === 'bigint' || v instanceof ADecimal || v instanceof ADouble
  );
}

export function numValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof ADecimal) return v.toNumber();
  if (v instanceof ADouble) return v.v;
  return NaN;
}

export function toDecimal(v: unknown): ADecimal {
  if (v instanceof ADecimal) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return ADecimal.of(v);
  if (v instanceof ADouble) return ADecimal.fromDoubleValue(v.v);
  throw new TypeError('not numeric');
}

export function numCompare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof ADouble || b instanceof ADouble) {
    const x = numValue(a);
    const y = numValue(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return toDecimal(a).cmp(toDecimal(b));
}

// ---------------------------------------------------------------- Ids

const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

export function idSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let flags = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(block * 5 + i);
      if (c >= 'A' && c <= 'Z') flags |= 1 << i;
    }
    suffix += ID_CHARS.charAt(flags);
  }
  return suffix;
}

/** 15 → 18 characters; null when the string is not a valid Id. */
export function normalizeId(s: string): string | null {
  if (!/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(s)) return null;
  if (s.length === 18) return s;
  return s + idSuffix(s);
}

export function isIdLike(s: string): boolean {
  return normalizeId(s) !== null;
}
