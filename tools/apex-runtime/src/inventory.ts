/**
 * Inventory of the standard-library members a project's Apex references, and a probe that tells
 * which of them the runtime implements.
 *
 * - Static members: `Type.member(...)` where `Type` is a standard type or namespace (String,
 *   Database, Schema, …) and not a variable of the file. Reported as `String.isBlank`.
 * - Constructors of standard types: `new HttpResponse()` → `new HttpResponse`.
 * - Instance methods: `x.name(...)` whose name no project class declares. Without static types
 *   the receiver is unknown, so an instance member counts as implemented when at least one
 *   standard type of the runtime answers it (reported as `#trim`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Expr, Stmt, TypeDecl } from './ast';
import { Unsupported } from './errors';
import {
  AList,
  AMap,
  ASet,
  ABlob,
  ADate,
  ADatetime,
  ADecimal,
  AEnum,
  ATime,
  AType,
  T_OBJECT
} from './values';
import { HostObj } from './stdlib';
import type { Runtime } from './runner';
import { SObj } from './sobject';
import { rt } from './interp';

export interface Inventory {
  statics: Map<string, string>; // "String.isBlank" -> first file:line
  constructors: Map<string, string>;
  instance: Map<string, string>; // "#trim" -> first file:line
}

function walkExpr(e: Expr | null | undefined, visit: (e: Expr) => void): void {
  if (!e) return;
  visit(e);
  for (const v of Object.values(e)) {
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) {
        for (const x of v) {
          if (Array.isArray(x))
            x.forEach((y) => y && typeof y === 'object' && 'k' in y && walkExpr(y as Expr, visit));
          else if (x && typeof x === 'object' && 'k' in x) walkAny(x, visit);
        }
      } else if ('k' in v) walkAny(v, visit);
    }
  }
}

function walkAny(n: any, visit: (e: Expr) => void): void {
  if (isStmt(n)) walkStmt(n as Stmt, visit);
  else walkExpr(n as Expr, visit);
}

const STMT_KINDS = new Set([
  'block',
  'local',
  'expr',
  'if',
  'switch',
  'for',
  'foreach',
  'while',
  'do',
  'try',
  'return',
  'throw',
  'break',
  'continue',
  'dml',
  'merge',
  'runas'
]);
function isStmt(n: any): boolean {
  return STMT_KINDS.has(n.k) && !(n.k === 'expr' && !('e' in n));
}

function walkStmt(s: Stmt | null | undefined, visit: (e: Expr) => void): void {
  if (!s) return;
  switch (s.k) {
    case 'block':
      s.body.forEach((x) => walkStmt(x, visit));
      return;
    case 'local':
      s.decls.forEach((d) => walkExpr(d.init, visit));
      return;
    case 'expr':
    case 'throw':
      walkExpr(s.e, visit);
      return;
    case 'return':
      walkExpr(s.e, visit);
      return;
    case 'if':
      walkExpr(s.c, visit);
      walkStmt(s.a, visit);
      walkStmt(s.b, visit);
      return;
    case 'switch':
      walkExpr(s.e, visit);
      s.whens.forEach((w) => walkStmt(w.body, visit));
      return;
    case 'for':
      s.init.forEach((x) => walkStmt(x, visit));
      walkExpr(s.c, visit);
      s.update.forEach((x) => walkExpr(x, visit));
      walkStmt(s.body, visit);
      return;
    case 'foreach':
      walkExpr(s.e, visit);
      walkStmt(s.body, visit);
      return;
    case 'while':
    case 'do':
      walkExpr(s.c, visit);
      walkStmt(s.body, visit);
      return;
    case 'try':
      walkStmt(s.body, visit);
      s.catches.forEach((c) => walkStmt(c.body, visit));
      walkStmt(s.fin, visit);
      return;
    case 'dml':
      walkExpr(s.e, visit);
      return;
    case 'runas':
      s.args.forEach((x) => walkExpr(x, visit));
      walkStmt(s.body, visit);
      return;
  }
}

function dotted(e: Expr): string[] | null {
  if (e.k === 'name') return [e.id];
  if (e.k === 'dot' && !e.safe) {
    const p = dotted(e.obj);
    return p ? [...p, e.id] : null;
  }
  return null;
}

function allTypes(decls: TypeDecl[]): TypeDecl[] {
  return decls.flatMap((d) => [d, ...allTypes(d.inner)]);
}

export function inventory(rtm: Runtime): Inventory {
  const inv: Inventory = { statics: new Map(), constructors: new Map(), instance: new Map() };
  const decls = [...rtm.project.classes, ...rtm.project.triggers];
  const types = allTypes(decls);
  const userMethods = new Set(types.flatMap((t) => t.methods.map((m) => m.key)));
  const userTypes = new Set(types.map((t) => t.key));
  const addQualified = (d: TypeDecl, prefix: string): void => {
    const key = prefix ? `${prefix}.${d.key}` : d.key;
    userTypes.add(key);
    d.inner.forEach((i) => addQualified(i, key));
  };
  decls.forEach((d) => addQualified(d, ''));
  for (const top of decls) {
    // Variables shadow type names only inside their own method (a local `json` does not turn
    // `JSON.serialize` in another method into an instance call), so names are scoped per body.
    const fieldVars = new Set<string>();
    const bodies: { body: Stmt | Expr | null; params: string[] }[] = [];
    for (const t of allTypes([top])) {
      t.fields.forEach((f) => {
        fieldVars.add(f.key);
        bodies.push({ body: f.init, params: [] });
        if (f.prop?.get?.body) bodies.push({ body: f.prop.get.body, params: [] });
        if (f.prop?.set?.body) bodies.push({ body: f.prop.set.body, params: ['value'] });
      });
      for (const m of [...t.methods, ...t.ctors])
        bodies.push({ body: m.body, params: m.params.map((p) => p.key) });
      t.instInit.forEach((i) =>
        bodies.push({ body: 'block' in i ? i.block : i.field.init, params: [] })
      );
      t.staticInit.forEach((i) =>
        bodies.push({ body: 'block' in i ? i.block : i.field.init, params: [] })
      );
      if (t.trigger) bodies.push({ body: t.trigger.body, params: [] });
    }
    let vars = new Set<string>();
    // A local's scope starts after its own declaration: `String json = JSON.serialize(x)` calls
    // the JSON type, while `json.length()` on a later line calls the String.
    const declaredAt = new Map<string, number>();
    // local variable names
    const scanLocals = (s: any): void => {
      if (!s || typeof s !== 'object') return;
      if (s.k === 'local') s.decls.forEach((d: any) => declaredAt.set(d.key, s.line ?? 0));
      if (s.k === 'foreach') vars.add(s.key);
      if (s.k === 'try') s.catches.forEach((c: any) => vars.add(c.key));
      for (const v of Object.values(s)) {
        if (Array.isArray(v)) v.forEach(scanLocals);
        else if (v && typeof v === 'object') scanLocals(v);
      }
    };
    const where = (e: { line: number }): string => `${top.file}:${e.line}`;
    const visit = (e: Expr): void => {
      if (e.k === 'call' && e.obj) {
        const path = dotted(e.obj);
        const first = path?.[0]?.toLowerCase();
        const key = path?.join('.').toLowerCase() ?? '';
        // a dotted standard type (Cache.Org) stays a type even where a local shares its first name
        const isVar =
          !!first &&
          (vars.has(first) || (declaredAt.has(first) && declaredAt.get(first)! < e.line)) &&
          !(path!.length > 1 && rtm.lib.hasStaticType(key));
        if (path && first && !isVar && !userTypes.has(first)) {
          if (rtm.lib.hasStaticType(key)) {
            const name = `${path.join('.')}.${e.id}`;
            if (!inv.statics.has(name)) inv.statics.set(name, where(e));
            return;
          }
        }
        if (!userMethods.has(e.key)) {
          const name = `#${e.id}`;
          if (!inv.instance.has(name)) inv.instance.set(name, where(e));
        }
      }
      if (e.k === 'new') {
        const k = e.type.key.replace(/^system\./, '');
        if (
          !userTypes.has(k) &&
          !rtm.lib.isSObjectType(k) &&
          !['list', 'set', 'map'].includes(k) &&
          !k.endsWith('exception')
        ) {
          const name = `new ${e.type.name}`;
          if (!inv.constructors.has(name)) inv.constructors.set(name, where(e));
        }
      }
    };
    for (const { body: b, params } of bodies) {
      if (!b) continue;
      vars = new Set([...fieldVars, ...params]);
      declaredAt.clear();
      scanLocals(b);
      if (isStmt(b)) walkStmt(b as Stmt, visit);
      else walkExpr(b as Expr, visit);
    }
  }
  return inv;
}

/** The inventory entries the runtime does not implement (with where they are used). */
export function missing(rtm: Runtime, inv: Inventory): { member: string; where: string }[] {
  const out: { member: string; where: string }[] = [];
  const ip = rtm.ip;
  const at = { line: 0, col: 0 };
  const probe = (fn: () => unknown, member: string): boolean => {
    ip.frames = [
      { cls: [...ip.classes.values()][0]!, self: null, method: 'probe', line: 0, col: 0 }
    ];
    ip.writtenCall = null;
    ip.writtenMethod = null;
    try {
      fn();
      return true;
    } catch (e) {
      if (e instanceof Unsupported) {
        const w = e.what.toLowerCase();
        return !(w.includes(member.toLowerCase()) || w.includes('part 2'));
      }
      return true; // a real exception (bad dummy arguments) means the member is implemented
    } finally {
      ip.frames = [];
    }
  };
  const dummies = (n: number): unknown[] => new Array(n).fill(null);
  const variants = (n: number): unknown[][] => [
    dummies(n),
    new Array(n).fill('x'),
    new Array(n).fill(1)
  ];
  for (const [name, where] of inv.statics) {
    const dot = name.lastIndexOf('.');
    const type = name.slice(0, dot).toLowerCase();
    const method = name.slice(dot + 1).toLowerCase();
    let ok = false;
    for (let n = 1; n <= 3 && !ok; n++)
      for (const args of variants(n))
        ok =
          ok ||
          probe(
            () => rtm.lib.callStatic(ip, type, method, args, at),
            `${type.replace(/^system\./, '')}.${method}`
          );
    for (let n = 0; n <= 3 && !ok; n++)
      ok = probe(
        () => rtm.lib.callStatic(ip, type, method, dummies(n), at),
        `${type.replace(/^system\./, '')}.${method}`
      );
    if (!ok) out.push({ member: name, where });
  }
  for (const [name, where] of inv.constructors) {
    const t = name.slice(4);
    if (
      !probe(() => rtm.lib.construct(ip, rt(t.toLowerCase(), t), [], at), `new ${t}`.toLowerCase())
    )
      out.push({ member: name, where });
  }
  const samples: unknown[] = [
    'abc',
    new AList(T_OBJECT, []),
    new AMap(T_OBJECT, T_OBJECT),
    new ASet(T_OBJECT),
    new SObj('Account'),
    1,
    1n,
    ADecimal.parse('1.5'),
    ADate.of(2024, 1, 1),
    new ADatetime(0),
    ATime.of(0, 0, 0, 0),
    new ABlob(Buffer.from('x')),
    new AEnum('System.RoundingMode', 'system.roundingmode', 'UP', 0),
    new AType(T_OBJECT),
    ip.makeException('System.Exception', 'x'),
    rtm.lib.httpObj('httprequest'),
    rtm.lib.httpObj('httpresponse'),
    rtm.lib.restRequest(),
    rtm.lib.restResponse(),
    new HostObj(rt('system.finalizercontext', 'System.FinalizerContext'), 'finalizercontext', {
      id: null,
      result: null,
      exception: null
    }),
    new HostObj(rt('system.queueablecontext', 'System.QueueableContext'), 'queueablecontext', {
      id: null
    }),
    new HostObj(rt('system.testbroker', 'System.TestBroker'), 'testbroker', {}),
    ...rtm.lib.platform.inventorySamples(),
    ...[
      'dbresult',
      'dberror',
      'pattern',
      'matcher',
      'timezone',
      'sobjecttype',
      'describeobj',
      'fields',
      'sobjectfield',
      'describefield',
      'picklistentry'
    ].map(
      (k) =>
        new HostObj(
          rt(k, k),
          k,
          k === 'matcher'
            ? { re: /x/, s: 'x', pos: 0, m: null }
            : k === 'timezone'
              ? 'GMT'
              : {
                  o: rtm.project.schema.get('account'),
                  f: rtm.project.schema.get('account')!.fields.get('name'),
                  errors: [],
                  code: null,
                  fields: []
                }
        )
    )
  ];
  for (const [name, where] of inv.instance) {
    const method = name.slice(1).toLowerCase();
    let ok = false;
    for (const s of samples) {
      for (let n = 0; n <= 2 && !ok; n++)
        ok = probe(() => rtm.lib.callInstance(ip, s, method, dummies(n), at), `.${method}`);
      if (ok) break;
    }
    if (!ok) out.push({ member: name, where });
  }
  rtm.resetTransaction();
  rtm.db.restore(rtm.base);
  return out;
}
