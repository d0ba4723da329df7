/**
 * The in-memory org database: rows per object, SOQL evaluation, DML with validation and
 * triggers.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Pos, Query, SoqlCond, SoqlFn, SoqlValue, TypeDecl } from './ast';
import { parseSoql, ParseError } from './ast';
import { ApexThrow, Unsupported } from './errors';
import {
  Interp,
  Scope,
  T_INTEGER,
  T_SOBJECT,
  isNumeric,
  normalizeId,
  numCompare,
  numValue,
  rt,
  toDecimal,
  type ClassRt
} from './interp';
import { type FieldMeta, type ObjMeta, type Schema, isLongText } from './schema';
import { SObj } from './sobject';
import type { Security } from './platform/security';
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
} from './values';

type Row = Map<string, unknown>;

export interface TriggerRt {
  decl: TypeDecl;
  cls: ClassRt;
  object: string; // lower-case
  events: Set<string>; // 'before insert', ...
}

export interface DmlError {
  code: string;
  msg: string;
  fields: string[];
}

export class Database {
  tables = new Map<string, Map<string, Row>>();
  counter = 0;
  triggers: TriggerRt[] = [];
  triggerDepth = 0;
  now: () => number = () => Date.now();
  userId = '';
  orgId = '';
  autoNumbers = new Map<string, number>();
  createdDates = new Map<string, number>();
  /** users, permissions and sharing (src/platform/security.ts); set by the runner */
  security: Security | null = null;

  constructor(readonly schema: Schema) {}

  // -------------------------------------------------------------- storage

  table(obj: string): Map<string, Row> {
    const k = obj.toLowerCase();
    let t = this.tables.get(k);
    if (!t) {
      t = new Map();
      this.tables.set(k, t);
    }
    return t;
  }

  newId(o: ObjMeta): string {
    const n = ++this.counter;
    const body = n.toString(36).toUpperCase().padStart(10, '0');
    return normalizeId(`${o.keyPrefix}5g${body}`)!;
  }

  snapshot(): {
    tables: Map<string, Map<string, Row>>;
    counter: number;
    auto: Map<string, number>;
  } {
    const tables = new Map<string, Map<string, Row>>();
    for (const [k, t] of this.tables) {
      const c = new Map<string, Row>();
      for (const [id, r] of t) c.set(id, new Map(r));
      tables.set(k, c);
    }
    return { tables, counter: this.counter, auto: new Map(this.autoNumbers) };
  }

  /** Undo log: each entry reverts one change (rows inserted or modified by DML). */
  journal: (() => void)[] = [];

  mark(): number {
    return this.journal.length;
  }

  rollbackTo(m: number): void {
    while (this.journal.length > m) this.journal.pop()!();
  }

  touchRow(row: Row): void {
    const copy = new Map(row);
    this.journal.push(() => {
      row.clear();
      for (const [k, v] of copy) row.set(k, v);
    });
  }

  restore(s: ReturnType<Database['snapshot']>): void {
    this.journal = [];
    this.tables = new Map();
    for (const [k, t] of s.tables) {
      const c = new Map<string, Row>();
      for (const [id, r] of t) c.set(id, new Map(r));
      this.tables.set(k, c);
    }
    this.counter = s.counter;
    this.autoNumbers = new Map(s.auto);
  }

  /** Inserts a row directly (org setup data, metadata records). */
  seed(obj: string, values: Record<string, unknown>): string {
    const o = this.schema.get(obj)!;
    const id = (values.Id as string | undefined) ?? this.newId(o);
    const row: Row = new Map();
    for (const [k, v] of Object.entries(values)) row.set(k.toLowerCase(), v);
    row.set('id', id);
    const now = new ADatetime(this.now());
    if (o.fields.has('createddate') && !row.has('createddate')) row.set('createddate', now);
    if (o.fields.has('lastmodifieddate') && !row.has('lastmodifieddate'))
      row.set('lastmodifieddate', now);
    if (o.fields.has('systemmodstamp') && !row.has('systemmodstamp'))
      row.set('systemmodstamp', now);
    if (o.fields.has('isdeleted')) row.set('isdeleted', false);
    this.table(o.key).set(id, row);
    return id;
  }

  objectOfId(id: string): ObjMeta | undefined {
    return this.schema.byPrefix.get(id.slice(0, 3));
  }

  rowById(id: string): { o: ObjMeta; row: Row } | undefined {
    const o = this.objectOfId(id);
    if (!o) return undefined;
    const row = this.tables.get(o.key)?.get(id);
    return row ? { o, row } : undefined;
  }

  // -------------------------------------------------------------- SObject access

  newSObject(type: string): SObj {
    const o = this.schema.get(type)!;
    const s = new SObj(o.name);
    return s;
  }

  fieldOf(ip: Interp, o: ObjMeta, name: string, at: Pos): FieldMeta {
    const f = o.fields.get(name.toLowerCase());
    if (!f) ip.throwEx('System.SObjectException', `Invalid field ${name} for ${o.name}`, at);
    return f;
  }

  /** Dot notation: a Boolean field reads true only when it is non-null and true. */
  sobjDot(ip: Interp, s: SObj, name: string, at: Pos): unknown {
    const v = this.sobjGet(ip, s, name, at);
    if (v === null || v === undefined) {
      const f = this.schema.get(s.type)?.fields.get(name.toLowerCase());
      if (f?.type === 'checkbox') return false;
    }
    return v;
  }

  sobjGet(ip: Interp, s: SObj, name: string, at: Pos): unknown {
    const key = name.toLowerCase();
    const o = this.schema.get(s.type)!;
    if (s.f.has(key)) return s.f.get(key);
    const f = o.fields.get(key);
    if (!f) {
      // relationship (parent or child)
      const rel = [...o.fields.values()].find((x) => x.relationshipName?.toLowerCase() === key);
      if (rel || o.children.has(key)) {
        if (s.queried) {
          if (rel) return null;
          ip.throwEx(
            'System.SObjectException',
            `SObject row was retrieved via SOQL without querying the requested field: ${o.name}.${name}`,
            at
          );
        }
        return null;
      }
      ip.throwEx('System.SObjectException', `Invalid field ${name} for ${o.name}`, at);
    }
    if (s.queried && !s.queried.has(key)) {
      ip.throwEx(
        'System.SObjectException',
        `SObject row was retrieved via SOQL without querying the requested field: ${o.name}.${f.name}`,
        at
      );
    }
    return null;
  }

  sobjPut(ip: Interp, s: SObj, name: string, v: unknown, at: Pos): unknown {
    if ((s as any).readOnly) ip.throwEx('System.FinalException', 'Record is read-only', at);
    const o = this.schema.get(s.type)!;
    const key = name.toLowerCase();
    const f = o.fields.get(key);
    if (!f) {
      const rel = [...o.fields.values()].find((x) => x.relationshipName?.toLowerCase() === key);
      if (rel && (v === null || v instanceof SObj)) {
        s.put(key, rel.relationshipName!, v);
        return v;
      }
      if (o.children.has(key)) {
        s.put(key, name, v);
        return v;
      }
      ip.throwEx('System.SObjectException', `Invalid field ${name} for ${o.name}`, at);
    }
    const cv = this.coerceField(ip, f, v, at);
    s.put(key, f.name, cv);
    if (s.queried) s.queried.add(key);
    return cv;
  }

  coerceField(ip: Interp, f: FieldMeta, v: unknown, at: Pos): unknown {
    if (v === null || v === undefined) return null;
    switch (f.type) {
      case 'id':
      case 'reference':
      case 'lookup':
      case 'masterdetail':
        if (typeof v === 'string') {
          const id = normalizeId(v);
          if (!id) ip.throwEx('System.StringException', `Invalid id: ${v}`, at);
          return id;
        }
        break;
      case 'number':
      case 'currency':
      case 'percent':
        if (isNumeric(v)) {
          return toDecimal(v);
        }
        break;
      case 'int':
        if (typeof v === 'number') return v;
        break;
      case 'double':
        if (isNumeric(v)) return new ADouble(numValue(v));
        break;
      case 'base64':
        return v;
    }
    if (isNumeric(v) && (f.type === 'text' || f.type === 'textarea')) {
      ip.throwEx(
        'System.SObjectException',
        `Illegal assignment from ${ip.typeOf(v).name} to String`,
        at
      );
    }
    return v;
  }

  /** Field value for SOQL evaluation, following parent relationships (What.Name). */
  rowPath(o: ObjMeta, row: Row, path: string[]): unknown {
    let obj = o;
    let r: Row | undefined = row;
    for (let i = 0; i < path.length - 1; i++) {
      const relName = path[i]!.toLowerCase();
      if (i === 0 && relName === obj.key && path.length > 1) continue;
      const f = [...obj.fields.values()].find((x) => x.relationshipName?.toLowerCase() === relName);
      if (!f) throw new Unsupported(`SOQL relationship ${path.join('.')} on ${obj.name}`);
      const id = r.get(f.key) as string | null | undefined;
      if (!id) return null;
      const parent = this.rowById(id);
      if (!parent) return null;
      obj = parent.o;
      r = parent.row;
    }
    const last = path[path.length - 1]!.toLowerCase();
    if (last === 'type' && path.length > 1 && !obj.fields.has('type')) return obj.name;
    if (!obj.fields.has(last)) {
      if (path.length > 1) return null; // polymorphic target without that field
      throw new Unsupported(`SOQL field ${path.join('.')} on ${obj.name}`);
    }
    return this.readRowField(obj, r, last);
  }

  readRowField(o: ObjMeta, row: Row, key: string): unknown {
    const v = row.get(key);
    if (v === undefined) {
      const f = o.fields.get(key);
      if (f?.type === 'checkbox') return false;
      return null;
    }
    return v;
  }

  // -------------------------------------------------------------- SOQL

  runQuery(ip: Interp, q: Query, scope: Scope, at: Pos): unknown {
    const bind = (e: any): unknown => ip.eval(e, scope);
    return this.query(ip, q, bind, at);
  }

  dynamicQuery(
    ip: Interp,
    text: string,
    binds: AMap | null,
    at: Pos,
    mode: string | null = null
  ): unknown {
    let q: Query;
    try {
      q = parseSoql(text, ip.top.cls.decl.file);
      if (mode && !q.withMode) q = { ...q, withMode: mode };
    } catch (e) {
      if (e instanceof ParseError)
        ip.throwEx('System.QueryException', e.message.replace(/^.*?: /, ''), at);
      throw e;
    }
    const frame = ip.top;
    const callerScope = frame.scope;
    const bind = (e: any): unknown => {
      if (binds) {
        if (e.k !== 'name') throw ip.unsupported('queryWithBinds with a non-variable bind', at);
        for (const [k, [kk, v]] of binds.m) {
          void k;
          if (String(kk).toLowerCase() === e.key) return v;
        }
        ip.throwEx('System.QueryException', `Key '${e.id}' does not exist in the bindMap`, at);
      }
      if (!callerScope) throw ip.unsupported('Database.query bind variables', at);
      return ip.eval(e, callerScope);
    };
    return this.query(ip, q, bind, at);
  }

  query(ip: Interp, q: Query, rawBind: (e: any) => unknown, at: Pos): unknown {
    const o = this.schema.get(q.from);
    if (!o) throw ip.unsupported(`SOQL FROM ${q.from} (unknown object)`, at);
    // bind expressions are evaluated once, before any row is read
    const cache = new Map<unknown, unknown>();
    const bind = (e: any): unknown => {
      if (!cache.has(e)) cache.set(e, rawBind(e));
      return cache.get(e);
    };
    const visit = (v: SoqlValue | null): void => {
      if (!v) return;
      if (v.k === 'bind') bind(v.e);
      else if (v.k === 'list') v.items.forEach(visit);
    };
    const visitCond = (c: SoqlCond | null): void => {
      if (!c) return;
      if (c.k === 'not') visitCond(c.c);
      else if (c.k === 'cmp') visit(c.v);
      else c.items.forEach(visitCond);
    };
    visitCond(q.where);
    visit(q.limit);
    visit(q.offset);
    // SOQL: long text area fields can't be filtered or sorted
    const isLong = isLongText;
    const checkCond = (c: SoqlCond | null): void => {
      if (!c) return;
      if (c.k === 'not') checkCond(c.c);
      else if (c.k === 'cmp') {
        if (c.path && isLong(this.fieldAt(o, c.path)))
          ip.throwEx(
            'System.QueryException',
            `field '${c.path.join('.')}' can not be filtered in a query call`,
            at
          );
      } else c.items.forEach(checkCond);
    };
    checkCond(q.where);
    for (const ob of q.orderBy)
      if (ob.path && isLong(this.fieldAt(o, ob.path)))
        ip.throwEx(
          'System.QueryException',
          `field '${ob.path.join('.')}' can not be sorted in a query call`,
          at
        );
    const sec = this.security;
    const mode = sec ? sec.modeAt(ip, q.withMode) : null;
    if (sec && mode) sec.checkQuery(ip, q, o, mode, at);
    try {
      let rows = sec?.virtualRows(ip, o, q, bind, at) ?? [...this.table(o.key).values()];
      if (sec && mode) rows = sec.visible(o, rows, mode);
      if (!q.allRows) rows = rows.filter((r) => r.get('isdeleted') !== true);
      if (q.where) rows = rows.filter((r) => this.cond(ip, o, r, q.where!, bind, at));
      const aggregate = q.groupBy !== null || q.select.some((s) => s.fn && isAggregate(s.fn.fn));
      if (aggregate) return this.aggregate(ip, q, o, rows, bind, at);
      if (q.orderBy.length) rows = this.order(ip, o, rows, q.orderBy, at);
      const offset = q.offset ? Number(this.value(ip, q.offset, bind, at)) : 0;
      if (offset) rows = rows.slice(offset);
      if (q.limit) {
        const lim = this.value(ip, q.limit, bind, at);
        if (lim !== null) rows = rows.slice(0, Number(lim));
      }
      const result = new AList(
        rt(o.key, o.name),
        rows.map((r) => this.project(ip, q, o, r, bind, at))
      );
      (result as any).soql = true;
      return result;
    } catch (e) {
      if (e instanceof Unsupported && !e.file) {
        e.file = ip.top.cls.decl.file;
        e.line = at.line;
      }
      throw e;
    }
  }

  project(ip: Interp, q: Query, o: ObjMeta, row: Row, bind: (e: any) => unknown, at: Pos): SObj {
    const s = new SObj(o.name);
    s.queried = new Set(['id']);
    s.put('id', 'Id', row.get('id'));
    for (const item of q.select) {
      if (item.sub) {
        const rel = o.children.get(item.sub.from.toLowerCase());
        if (!rel) throw ip.unsupported(`child relationship ${item.sub.from} on ${o.name}`, at);
        const child = this.schema.get(rel.object)!;
        const sub: Query = {
          ...item.sub,
          withMode: q.withMode,
          from: child.name,
          where: {
            k: 'and',
            items: [
              { k: 'cmp', path: [rel.field], fn: null, op: '=', v: { k: 'lit', v: row.get('id') } },
              ...(item.sub.where ? [item.sub.where] : [])
            ]
          }
        };
        const res = this.query(ip, sub, bind, at) as AList;
        s.queried.add(item.sub.from.toLowerCase());
        s.put(item.sub.from.toLowerCase(), item.sub.from, res.a.length ? res : null);
        continue;
      }
      if (item.fn) {
        if (item.fn.fn === 'tolabel' || item.fn.fn === 'format') {
          const p = item.fn.path!;
          this.putPath(s, o, row, p, this.rowPath(o, row, p));
          continue;
        }
        throw ip.unsupported(`SOQL ${item.fn.fn}() without GROUP BY`, at);
      }
      const path = item.path!;
      this.putPath(s, o, row, path, undefined);
    }
    return s;
  }

  putPath(s: SObj, o: ObjMeta, row: Row, path: string[], override: unknown): void {
    let p = path;
    if (p.length > 1 && p[0]!.toLowerCase() === o.key) p = p.slice(1);
    if (p.length === 1) {
      const key = p[0]!.toLowerCase();
      const f = o.fields.get(key);
      if (!f) throw new Unsupported(`SOQL field ${p[0]} on ${o.name}`);
      s.put(key, f.name, override !== undefined ? override : this.readRowField(o, row, key));
      s.queried!.add(key);
      return;
    }
    const relKey = p[0]!.toLowerCase();
    const f = [...o.fields.values()].find((x) => x.relationshipName?.toLowerCase() === relKey);
    if (!f) throw new Unsupported(`SOQL relationship ${p.join('.')} on ${o.name}`);
    s.queried!.add(relKey);
    const id = row.get(f.key) as string | undefined;
    const parent = id ? this.rowById(id) : undefined;
    if (!parent) {
      if (!s.f.has(relKey)) s.put(relKey, f.relationshipName!, null);
      return;
    }
    let ps = s.f.get(relKey) as SObj | null | undefined;
    if (!ps) {
      ps = new SObj(parent.o.name);
      ps.queried = new Set(['id']);
      ps.put('id', 'Id', parent.row.get('id'));
      s.put(relKey, f.relationshipName!, ps);
    }
    const rest = p.slice(1);
    if (rest.length === 1 && !parent.o.fields.has(rest[0]!.toLowerCase())) {
      // polymorphic: field absent on this target type
      if (rest[0]!.toLowerCase() === 'type') {
        ps.put('type', 'Type', parent.o.name);
        ps.queried!.add('type');
      }
      return;
    }
    this.putPath(ps, parent.o, parent.row, rest, override);
  }

  value(ip: Interp, v: SoqlValue, bind: (e: any) => unknown, at: Pos): unknown {
    switch (v.k) {
      case 'lit': {
        const x = v.v as any;
        if (x && typeof x === 'object' && 'soqlDate' in x) {
          const [y, m, d] = String(x.soqlDate).split('-').map(Number);
          return ADate.of(y!, m!, d!);
        }
        if (x && typeof x === 'object' && 'soqlDatetime' in x)
          return new ADatetime(Date.parse(String(x.soqlDatetime)));
        return x;
      }
      case 'bind':
        return bind(v.e);
      case 'list':
        return new AList(
          rt('object', 'Object'),
          v.items.map((i) => this.value(ip, i, bind, at))
        );
      case 'date':
        return { dateLiteral: v.name, n: v.n };
      case 'sub': {
        const res = this.query(ip, v.q, bind, at) as AList;
        const field = v.q.select[0]!.path!;
        const sub = this.schema.get(v.q.from)!;
        return new AList(
          rt('object', 'Object'),
          res.a.map(
            (s) =>
              (s as SObj).f.get(field[field.length - 1]!.toLowerCase()) ??
              this.rowPath(sub, new Map(), field)
          )
        );
      }
    }
  }

  cond(ip: Interp, o: ObjMeta, row: Row, c: SoqlCond, bind: (e: any) => unknown, at: Pos): boolean {
    switch (c.k) {
      case 'and':
        return c.items.every((x) => this.cond(ip, o, row, x, bind, at));
      case 'or':
        return c.items.some((x) => this.cond(ip, o, row, x, bind, at));
      case 'not':
        return !this.cond(ip, o, row, c.c, bind, at);
      case 'cmp': {
        if (c.fn) {
          const fv = this.fnValue(ip, o, row, c.fn, at);
          return this.compareValues(ip, null, fv, c.op, this.value(ip, c.v, bind, at), at);
        }
        const f = this.fieldAt(o, c.path!);
        const left = this.rowPath(o, row, c.path!);
        const right = this.value(ip, c.v, bind, at);
        return this.compareValues(ip, f, left, c.op, right, at);
      }
    }
  }

  fieldAt(o: ObjMeta, path: string[]): FieldMeta | null {
    let obj: ObjMeta | undefined = o;
    let p = path;
    if (p.length > 1 && p[0]!.toLowerCase() === o.key) p = p.slice(1);
    for (let i = 0; i < p.length - 1 && obj; i++) {
      const f: FieldMeta | undefined = [...obj.fields.values()].find(
        (x) => x.relationshipName?.toLowerCase() === p[i]!.toLowerCase()
      );
      const target: string | undefined = f?.referenceTo?.[0];
      obj = target && target !== '*' ? this.schema.get(target) : undefined;
    }
    return obj?.fields.get(p[p.length - 1]!.toLowerCase()) ?? null;
  }

  fnValue(ip: Interp, o: ObjMeta, row: Row, fn: SoqlFn, at: Pos): unknown {
    const v = fn.path ? this.rowPath(o, row, fn.path) : null;
    if (v === null) return null;
    const dt =
      v instanceof ADatetime
        ? new Date(v.ms)
        : v instanceof ADate
          ? new Date(v.days * 86400000)
          : null;
    if (!dt) throw ip.unsupported(`SOQL ${fn.fn}() on a non-date`, at);
    const local =
      v instanceof ADatetime ? (ip.host.callInstance(ip, v, '$local', [], at) as Date) : dt;
    switch (fn.fn) {
      case 'calendar_year':
        return local.getUTCFullYear();
      case 'calendar_month':
        return local.getUTCMonth() + 1;
      case 'day_in_month':
        return local.getUTCDate();
      case 'hour_in_day':
        return local.getUTCHours();
      case 'day_only':
        return ADate.of(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
    }
    throw ip.unsupported(`SOQL ${fn.fn}()`, at);
  }

  compareValues(
    ip: Interp,
    f: FieldMeta | null,
    left: unknown,
    op: string,
    right: unknown,
    at: Pos
  ): boolean {
    if (right && typeof right === 'object' && 'dateLiteral' in right)
      return this.dateLiteral(ip, left, op, right as any, at);
    switch (op) {
      case '=':
        return this.soqlEq(f, left, right);
      case '!=':
      case '<>':
        return !this.soqlEq(f, left, right);
      case 'in':
      case 'not in': {
        const items = this.collectionItems(ip, right, at);
        const hit = items.some((x) => this.soqlEq(f, left, x));
        if (op === 'in') return left !== null && hit;
        return left === null ? !items.some((x) => x === null) : !hit;
      }
      case 'like': {
        if (left === null || right === null) return false;
        const pat = String(right)
          .replace(/[.*+?^${}()|[\]\\]/g, (m) => (m === '\\' ? '\\\\' : `\\${m}`))
          .replace(/%/g, '.*')
          .replace(/_/g, '.');
        return new RegExp(`^${pat}$`, 'is').test(String(left));
      }
      case 'includes':
      case 'excludes': {
        const have = new Set(
          String(left ?? '')
            .toLowerCase()
            .split(';')
        );
        const items = this.collectionItems(ip, right, at).map((x) => String(x).toLowerCase());
        const any = items.some((i) => i.split(';').every((p) => have.has(p)));
        return op === 'includes' ? left !== null && any : !any;
      }
      case '<':
      case '>':
      case '<=':
      case '>=': {
        if (left === null || right === null) return false;
        const c = this.soqlCompare(left, right);
        return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
      }
    }
    throw ip.unsupported(`SOQL operator ${op}`, at);
  }

  dateLiteral(
    ip: Interp,
    left: unknown,
    op: string,
    lit: { dateLiteral: string; n: number },
    at: Pos
  ): boolean {
    if (left === null) return false;
    const today = ip.host.callStatic(ip, 'date', 'today', [], at) as ADate;
    let start: number;
    let end: number; // day numbers, [start, end)
    const t = today.days;
    switch (lit.dateLiteral) {
      case 'today':
        [start, end] = [t, t + 1];
        break;
      case 'yesterday':
        [start, end] = [t - 1, t];
        break;
      case 'tomorrow':
        [start, end] = [t + 1, t + 2];
        break;
      case 'last_n_days':
        [start, end] = [t - lit.n, t + 1];
        break;
      case 'next_n_days':
        [start, end] = [t + 1, t + lit.n + 1];
        break;
      case 'n_days_ago':
        [start, end] = [t - lit.n, t - lit.n + 1];
        break;
      case 'last_90_days':
        [start, end] = [t - 90, t + 1];
        break;
      default:
        throw ip.unsupported(`SOQL date literal ${lit.dateLiteral.toUpperCase()}`, at);
    }
    let day: number;
    if (left instanceof ADate) day = left.days;
    else if (left instanceof ADatetime) {
      const local = ip.host.callInstance(ip, left, '$local', [], at) as Date;
      day = Math.floor(local.getTime() / 86400000);
    } else throw ip.unsupported('date literal on a non-date field', at);
    switch (op) {
      case '=':
        return day >= start && day < end;
      case '!=':
        return !(day >= start && day < end);
      case '<':
        return day < start;
      case '<=':
        return day < end;
      case '>':
        return day >= end;
      case '>=':
        return day >= start;
    }
    throw ip.unsupported(`SOQL ${op} with a date literal`, at);
  }

  collectionItems(ip: Interp, v: unknown, at: Pos): unknown[] {
    if (v instanceof AList) return v.a.map((x) => (x instanceof SObj ? x.f.get('id') : x));
    if (v instanceof ASet) return [...v.m.values()];
    if (v instanceof AMap) throw ip.unsupported('SOQL IN with a Map', at);
    if (v === null) return [];
    return [v];
  }

  soqlEq(f: FieldMeta | null, a: unknown, b: unknown): boolean {
    if (b instanceof SObj) b = b.f.get('id');
    if (a === null || a === undefined) return b === null || b === undefined;
    if (b === null || b === undefined) return false;
    if (typeof a === 'string' && typeof b === 'string') {
      if (
        f &&
        (f.type === 'id' ||
          f.type === 'reference' ||
          f.type === 'lookup' ||
          f.type === 'masterdetail')
      ) {
        const x = normalizeId(b);
        return x !== null && x === a;
      }
      if (f?.caseSensitive) return a === b;
      return a.toLowerCase() === b.toLowerCase();
    }
    if (isNumeric(a) && isNumeric(b)) return numCompare(a, b) === 0;
    if (a instanceof ADate && b instanceof ADate) return a.days === b.days;
    if (a instanceof ADatetime && b instanceof ADatetime) return a.ms === b.ms;
    if (typeof a === 'boolean') return a === b;
    if (b instanceof AEnum) return String(a).toLowerCase() === b.name.toLowerCase();
    return a === b;
  }

  soqlCompare(a: unknown, b: unknown): number {
    if (typeof a === 'string' && typeof b === 'string') {
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (isNumeric(a) && isNumeric(b)) return numCompare(a, b);
    if (a instanceof ADate && b instanceof ADate) return a.days - b.days;
    if (a instanceof ADatetime && b instanceof ADatetime) return a.ms - b.ms;
    if (a instanceof ADatetime && b instanceof ADate) return a.ms - b.days * 86400000;
    if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
    if (a instanceof ATime && b instanceof ATime) return a.ms - b.ms;
    return 0;
  }

  /** ORDER BY: ASC puts nulls first, DESC puts nulls last, unless NULLS FIRST/LAST says so. */
  order(ip: Interp, o: ObjMeta, rows: Row[], ob: Query['orderBy'], at: Pos): Row[] {
    const keyed = rows.map((r, i) => ({
      r,
      i,
      k: ob.map((x) => (x.path ? this.rowPath(o, r, x.path) : this.fnValue(ip, o, r, x.fn!, at)))
    }));
    keyed.sort((a, b) => {
      for (let j = 0; j < ob.length; j++) {
        const spec = ob[j]!;
        const x = a.k[j];
        const y = b.k[j];
        const nullsFirst = spec.nulls ? spec.nulls === 'first' : !spec.desc;
        if (x === null || x === undefined || y === null || y === undefined) {
          const xn = x === null || x === undefined;
          const yn = y === null || y === undefined;
          if (xn && yn) continue;
          return xn ? (nullsFirst ? -1 : 1) : nullsFirst ? 1 : -1;
        }
        let c = this.soqlCompare(x, y);
        if (spec.desc) c = -c;
        if (c) return c;
      }
      return a.i - b.i;
    });
    return keyed.map((k) => k.r);
  }

  aggregate(
    ip: Interp,
    q: Query,
    o: ObjMeta,
    rows: Row[],
    bind: (e: any) => unknown,
    at: Pos
  ): unknown {
    const onlyCount =
      q.select.length === 1 &&
      q.select[0]!.fn?.fn === 'count' &&
      !q.select[0]!.fn.path &&
      !q.groupBy;
    if (onlyCount) {
      let n = rows.length;
      const offset = q.offset ? Number(this.value(ip, q.offset, bind, at)) : 0;
      n = Math.max(0, n - offset);
      if (q.limit) n = Math.min(n, Number(this.value(ip, q.limit, bind, at)));
      return n;
    }
    const groups = new Map<string, Row[]>();
    const gb = q.groupBy ?? [];
    for (const r of rows) {
      const key = gb
        .map((g) => {
          const v = Array.isArray(g) ? this.rowPath(o, r, g) : this.fnValue(ip, o, r, g, at);
          return typeof v === 'string' ? v.toLowerCase() : ip.str(v);
        })
        .join('\u0000');
      const list = groups.get(key) ?? [];
      list.push(r);
      groups.set(key, list);
    }
    if (!gb.length && !groups.size) groups.set('', []);
    const grouped = new Set(
      gb.filter((g) => Array.isArray(g)).map((g) => (g as string[]).join('.').toLowerCase())
    );
    for (const s0 of q.select)
      if (s0.path && !grouped.has(s0.path.join('.').toLowerCase()))
        ip.throwEx(
          'System.QueryException',
          `Field must be grouped or aggregated: ${s0.path.join('.')}`,
          at
        );
    const results: SObj[] = [];
    let exprIndex = 0;
    const aliasFor = new Map<number, string>();
    q.select.forEach((s, i) => {
      if (s.fn && isAggregate(s.fn.fn)) aliasFor.set(i, s.alias ?? `expr${exprIndex++}`);
    });
    for (const list of groups.values()) {
      const ar = new SObj('AggregateResult');
      q.select.forEach((s, i) => {
        if (s.path) {
          const v = list.length ? this.rowPath(o, list[0]!, s.path) : null;
          const name = s.alias ?? s.path[s.path.length - 1]!;
          ar.put(name.toLowerCase(), name, v);
          return;
        }
        if (!s.fn) throw ip.unsupported('SOQL select item in an aggregate query', at);
        const alias = aliasFor.get(i) ?? s.alias ?? s.fn.fn;
        if (!isAggregate(s.fn.fn)) {
          const v = list.length ? this.fnValue(ip, o, list[0]!, s.fn, at) : null;
          ar.put(alias.toLowerCase(), alias, v);
          return;
        }
        ar.put(alias.toLowerCase(), alias, this.aggValue(ip, o, list, s.fn, at));
      });
      results.push(ar);
    }
    let out = results;
    if (q.having) throw ip.unsupported('SOQL HAVING', at);
    if (q.orderBy.length) {
      out = [...out].sort((a, b) => {
        for (const ob of q.orderBy) {
          const key = ob.path ? ob.path[ob.path.length - 1]!.toLowerCase() : null;
          if (!key) throw ip.unsupported('ORDER BY aggregate function', at);
          const c = this.soqlCompare(a.f.get(key), b.f.get(key));
          if (c) return ob.desc ? -c : c;
        }
        return 0;
      });
    }
    if (q.limit) out = out.slice(0, Number(this.value(ip, q.limit, bind, at)));
    const list = new AList(rt('aggregateresult', 'AggregateResult'), out);
    (list as any).soql = true;
    return list;
  }

  aggValue(ip: Interp, o: ObjMeta, rows: Row[], fn: SoqlFn, at: Pos): unknown {
    const vals = fn.path
      ? rows.map((r) => this.rowPath(o, r, fn.path!)).filter((v) => v !== null)
      : rows;
    switch (fn.fn) {
      case 'count':
        return vals.length;
      case 'count_distinct':
        return new Set(vals.map((v) => (typeof v === 'string' ? v.toLowerCase() : ip.str(v)))).size;
      case 'sum':
        if (!vals.length) return null;
        return vals.reduce((a: ADecimal, v) => a.add(toDecimal(v)), new ADecimal(0n, 0));
      case 'avg': {
        if (!vals.length) return null;
        const s = vals.reduce(
          (a: ADecimal, v) => a.add(toDecimal(v)),
          new ADecimal(0n, 0)
        ) as ADecimal;
        return s.div(ADecimal.of(vals.length));
      }
      case 'max':
      case 'min': {
        if (!vals.length) return null;
        let best = vals[0];
        for (const v of vals) {
          const c = this.soqlCompare(v, best);
          if (fn.fn === 'max' ? c > 0 : c < 0) best = v;
        }
        return best;
      }
    }
    throw ip.unsupported(`SOQL ${fn.fn}()`, at);
  }

  // -------------------------------------------------------------- DML

  dmlStatement(ip: Interp, op: string, v: unknown, ext: string | null, at: Pos): number {
    const written = (at as { mode?: string | null }).mode ?? null;
    const mode = written ? (written.includes('user') ? 'user_mode' : 'system_mode') : null;
    const res = this.dml(ip, op, v, ext, true, at, mode);
    void res;
    return 0;
  }

  /** Runs DML; with allOrNone, the first failure throws DmlException. Returns result objects. */
  dml(
    ip: Interp,
    op: string,
    v: unknown,
    ext: string | null,
    allOrNone: boolean,
    at: Pos,
    mode: string | null = null
  ): any[] {
    if (v === null || v === undefined) {
      if (allOrNone)
        ip.throwEx('System.NullPointerException', 'Attempt to de-reference a null object', at);
    }
    let records: SObj[];
    const single = !(v instanceof AList);
    if (v instanceof AList) records = v.a as SObj[];
    else if (v instanceof SObj) records = [v];
    else if (typeof v === 'string' && (op === 'delete' || op === 'undelete')) {
      const r = this.rowById(v);
      const s = new SObj(r?.o.name ?? 'SObject');
      s.put('id', 'Id', v);
      records = [s];
    } else throw ip.unsupported(`DML ${op} on ${ip.typeOf(v).name}`, at);
    if (records.some((r) => r === null))
      ip.throwEx('System.NullPointerException', 'Attempt to de-reference a null object', at);
    if (!records.length) return [];
    // Ids given for delete
    records = records.map((r) => {
      if (typeof r === 'string') {
        const row = this.rowById(r);
        const s = new SObj(row?.o.name ?? 'SObject');
        s.put('id', 'Id', r);
        return s;
      }
      return r;
    });
    if (op === 'update' || op === 'delete' || op === 'undelete' || (op === 'upsert' && !ext)) {
      const seen = new Set<unknown>();
      for (const r of records) {
        const id = r.f.get('id');
        if (id === null || id === undefined) continue;
        if (seen.has(id))
          ip.throwEx('System.ListException', `Duplicate id in list: ${String(id)}`, at);
        seen.add(id);
      }
    }
    const type = records[0]!.type;
    const o = this.schema.get(type);
    if (!o) throw ip.unsupported(`DML on ${type}`, at);
    if (o.kind === 'mdt')
      ip.throwEx(
        'System.TypeException',
        `DML operation ${op.toUpperCase()} not allowed on ${o.name}`,
        at
      );
    if (o.kind === 'event')
      throw ip.unsupported(`DML ${op} on platform event ${o.name} (part 2)`, at);
    if (records.some((r) => r.type !== type))
      throw ip.unsupported('DML on a list with mixed SObject types', at);

    // attempts: the documented retry for partial success runs the good records again
    let attempt = records.map((_, i) => i);
    const errors = new Map<number, DmlError[]>();
    const created = new Map<number, boolean>();
    // mixed DML, object and field permissions, sharing (src/platform/security.ts)
    const denied = this.security?.checkDml(ip, op, o, records, mode, at);
    if (denied?.size) {
      if (allOrNone) throw new ApexThrow(this.dmlException(ip, op, denied, records, at));
      for (const [i, es] of denied) errors.set(i, es);
      attempt = attempt.filter((i) => !denied.has(i));
    }
    for (let round = 0; round < 3 && attempt.length; round++) {
      const mark = this.mark();
      const origIds = records.map((r) => r.f.get('id'));
      const roundErrors = this.dmlAttempt(ip, op, o, records, attempt, ext, created, at);
      if (!roundErrors.size) break;
      this.rollbackTo(mark);
      records.forEach((r, i) => {
        if (origIds[i] === undefined) r.f.delete('id');
        else r.f.set('id', origIds[i]);
      });
      if (allOrNone) throw new ApexThrow(this.dmlException(ip, op, roundErrors, records, at));
      // retry with the records that did not fail (this round was rolled back above)
      for (const [i, es] of roundErrors) errors.set(i, es);
      attempt = attempt.filter((i) => !roundErrors.has(i));
      if (!attempt.length) break;
    }
    const results = records.map((r, i) => ({
      id: errors.has(i)
        ? op === 'insert'
          ? null
          : (r.f.get('id') ?? null)
        : (r.f.get('id') ?? null),
      success: !errors.has(i),
      errors: errors.get(i) ?? [],
      created: created.get(i) ?? op === 'insert',
      op
    }));
    void single;
    return results;
  }

  dmlException(
    ip: Interp,
    op: string,
    errors: Map<number, DmlError[]>,
    records: SObj[],
    at: Pos
  ): AObj {
    const [idx, errs] = [...errors.entries()].sort((a, b) => a[0] - b[0])[0]!;
    const e = errs[0]!;
    const opName = op.charAt(0).toUpperCase() + op.slice(1);
    const fieldsPart = e.fields.length ? ` [${e.fields.join(', ')}]` : '';
    const ex = ip.makeException(
      'System.DmlException',
      `${opName} failed. First exception on row ${idx}; first error: ${e.code}, ${e.msg}:${fieldsPart.length ? fieldsPart : ' []'}`,
      at
    );
    ex.host.dml = [...errors.entries()].flatMap(([i, es]) =>
      es.map((x) => ({ index: i, ...x, id: records[i]!.f.get('id') ?? null }))
    );
    return ex;
  }

  dmlAttempt(
    ip: Interp,
    op: string,
    o: ObjMeta,
    records: SObj[],
    indexes: number[],
    ext: string | null,
    created: Map<number, boolean>,
    at: Pos
  ): Map<number, DmlError[]> {
    const errors = new Map<number, DmlError[]>();
    const fail = (i: number, code: string, msg: string, fields: string[] = []): void => {
      const list = errors.get(i) ?? [];
      list.push({ code, msg, fields });
      errors.set(i, list);
    };
    const t = this.table(o.key);
    let kind = op;
    const inserts: number[] = [];
    const updates: number[] = [];
    if (op === 'upsert') {
      const extField = ext ? o.fields.get(ext.toLowerCase()) : o.fields.get('id');
      if (!extField) throw ip.unsupported(`upsert on unknown field ${ext}`, at);
      for (const i of indexes) {
        const r = records[i]!;
        const key = extField.key === 'id' ? r.f.get('id') : r.f.get(extField.key);
        if (key === null || key === undefined) {
          if (extField.key !== 'id') {
            fail(i, 'MISSING_ARGUMENT', `${extField.name} not specified`, []);
            continue;
          }
          inserts.push(i);
          continue;
        }
        if (extField.key === 'id') {
          if (t.has(String(key))) updates.push(i);
          else fail(i, 'INVALID_ID_FIELD', 'invalid cross reference id', []);
          continue;
        }
        const matches = [...t.values()].filter(
          (row) =>
            row.get('isdeleted') !== true &&
            this.soqlEq(extField, row.get(extField.key) ?? null, key)
        );
        if (matches.length > 1) {
          fail(
            i,
            'DUPLICATE_EXTERNAL_ID',
            `${extField.name}: more than one record found for external id field: [${matches.map((m) => String(m.get('id'))).join(', ')}]`,
            [extField.name]
          );
          continue;
        }
        if (matches.length === 1) {
          r.put('id', 'Id', matches[0]!.get('id'));
          updates.push(i);
        } else inserts.push(i);
      }
      for (const i of inserts) created.set(i, true);
      for (const i of updates) created.set(i, false);
      if (errors.size) return errors;
      kind = 'upsert';
    } else if (op === 'insert') inserts.push(...indexes);
    else updates.push(...indexes);

    const run = (event: 'insert' | 'update' | 'delete' | 'undelete', idx: number[]): void => {
      if (!idx.length) return;
      this.dmlKind(ip, event, o, records, idx, fail, errors, at);
    };
    if (kind === 'upsert') {
      run('insert', inserts);
      run('update', updates);
    } else run(op as 'insert' | 'update' | 'delete' | 'undelete', indexes);
    return errors;
  }

  dmlKind(
    ip: Interp,
    event: 'insert' | 'update' | 'delete' | 'undelete',
    o: ObjMeta,
    records: SObj[],
    idx: number[],
    fail: (i: number, code: string, msg: string, fields?: string[]) => void,
    errors: Map<number, DmlError[]>,
    at: Pos
  ): void {
    const t = this.table(o.key);
    // pre-checks
    for (const i of idx) {
      const r = records[i]!;
      const id = r.f.get('id') as string | null | undefined;
      if (event === 'insert' && id)
        fail(i, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
      if (event !== 'insert') {
        if (!id) fail(i, 'MISSING_ARGUMENT', 'Id not specified in an ' + event + ' call', []);
        else {
          const row = t.get(id);
          if (!row) fail(i, 'INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
          else if (event === 'undelete' && row.get('isdeleted') !== true)
            fail(i, 'UNDELETE_FAILED', 'Entity is not in the recycle bin', []);
          else if (event !== 'undelete' && row.get('isdeleted') === true)
            fail(i, 'ENTITY_IS_DELETED', 'entity is deleted', []);
        }
      }
    }
    let live = idx.filter((i) => !errors.has(i));
    if (!live.length) return;
    const oldRecords = new Map<number, SObj>();
    if (event !== 'insert') {
      for (const i of live) {
        const row = t.get(records[i]!.f.get('id') as string)!;
        oldRecords.set(i, this.rowToSObj(o, row));
      }
    }
    // the records triggers see: for insert/update the caller's own objects (before) — changes stick
    let working: Map<number, SObj>;
    if (event === 'insert' || event === 'update') {
      working = new Map(
        live.map((i) => [
          i,
          event === 'update'
            ? this.mergeForTrigger(o, oldRecords.get(i)!, records[i]!)
            : records[i]!
        ])
      );
    } else working = new Map(live.map((i) => [i, oldRecords.get(i)!]));
    if (event === 'insert') {
      for (const i of live) this.applyDefaults(o, working.get(i)!);
    }
    // Order of execution: for Apex DML only foreign keys and restricted picklists are validated
    // before the before triggers run
    if (event === 'insert' || event === 'update') {
      for (const i of live) {
        const w = working.get(i)!;
        for (const [k, v] of w.f) {
          const f = o.fields.get(k);
          if (
            f && typeof v === 'string' && event === 'insert'
              ? true
              : oldRecords.get(i)?.f.get(k) !== v
          ) {
            const fk = f ? this.foreignKeyError(f, v) : null;
            if (fk) fail(i, fk.code, fk.msg, [f!.name]);
          }
          if (
            f?.picklist?.restricted &&
            f.type === 'picklist' &&
            typeof v === 'string' &&
            !f.picklist.values.includes(v)
          )
            fail(
              i,
              'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
              `${f.label}: bad value for restricted picklist field: ${v}`,
              [f.name]
            );
        }
      }
      live = live.filter((i) => !errors.has(i));
      if (!live.length) return;
    }
    // before triggers
    if (event !== 'undelete') {
      const crashed = this.fireTriggers(ip, o, 'before', event, live, working, oldRecords, at);
      if (crashed)
        for (const i of live) fail(i, 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', crashed, []);
      for (const i of live)
        for (const e of working.get(i)!.errors)
          fail(i, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', e.msg, e.field ? [e.field] : []);
      live = live.filter((i) => !errors.has(i));
      if (event === 'update') {
        // copy trigger changes back to the caller's records
        for (const i of live) {
          const w = working.get(i)!;
          for (const [k, v] of w.f)
            if (records[i]!.f.has(k) || v !== oldRecords.get(i)!.f.get(k))
              records[i]!.put(k, w.names.get(k) ?? k, v);
        }
      }
    }
    // validation
    if (event === 'insert' || event === 'update') {
      for (const i of live)
        this.validate(
          ip,
          o,
          working.get(i)!,
          event,
          oldRecords.get(i) ?? null,
          t,
          fail,
          i,
          working,
          live
        );
      live = live.filter((i) => !errors.has(i));
    }
    // save
    const now = new ADatetime(this.now());
    for (const i of live) {
      const r = records[i]!;
      if (event === 'insert') {
        const w = working.get(i)!;
        const id = this.newId(o);
        const row: Row = new Map();
        for (const [k, v] of w.f) if (o.fields.has(k)) row.set(k, v);
        row.set('id', id);
        if (o.fields.has('createddate')) {
          row.set('createddate', now);
          row.set('lastmodifieddate', now);
          row.set('systemmodstamp', now);
          row.set('createdbyid', this.userId);
          row.set('lastmodifiedbyid', this.userId);
        }
        if (o.fields.has('isdeleted')) row.set('isdeleted', false);
        if (o.fields.has('ownerid') && !row.get('ownerid')) row.set('ownerid', this.userId);
        if (o.nameAutoNumber) {
          const n = (this.autoNumbers.get(o.key) ?? 0) + 1;
          this.journal.push(() => this.autoNumbers.set(o.key, n - 1));
          this.autoNumbers.set(o.key, n);
          row.set(
            'name',
            o.nameAutoNumber.replace(/\{(0+)\}/, (_, z: string) =>
              String(n).padStart(z.length, '0')
            )
          );
        }
        if (o.key === 'task')
          row.set('isclosed', String(row.get('status') ?? '').toLowerCase() === 'completed');
        if (o.key === 'user') userDefaults(row);
        t.set(id, row);
        this.journal.push(() => t.delete(id));
        r.put('id', 'Id', id);
        w.put('id', 'Id', id);
      } else if (event === 'update') {
        const id = r.f.get('id') as string;
        const row = t.get(id)!;
        this.touchRow(row);
        const w = working.get(i)!;
        for (const [k, v] of w.f) if (o.fields.has(k) && k !== 'id') row.set(k, v);
        if (o.fields.has('lastmodifieddate')) {
          row.set('lastmodifieddate', now);
          row.set('systemmodstamp', now);
          row.set('lastmodifiedbyid', this.userId);
        }
        if (o.key === 'task')
          row.set('isclosed', String(row.get('status') ?? '').toLowerCase() === 'completed');
        if (o.key === 'user') userDefaults(row);
      } else if (event === 'delete') {
        const row = t.get(r.f.get('id') as string)!;
        this.touchRow(row);
        row.set('isdeleted', true);
      } else {
        const row = t.get(r.f.get('id') as string)!;
        this.touchRow(row);
        row.set('isdeleted', false);
      }
    }
    // after triggers see the saved rows
    if (!live.length) return;
    const after = new Map<number, SObj>();
    for (const i of live) {
      const row = t.get(records[i]!.f.get('id') as string)!;
      const s = this.rowToSObj(o, row);
      (s as any).readOnly = event !== 'delete';
      after.set(i, s);
    }
    const crashedAfter = this.fireTriggers(ip, o, 'after', event, live, after, oldRecords, at);
    if (crashedAfter)
      for (const i of live) fail(i, 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', crashedAfter, []);
    for (const i of live)
      for (const e of after.get(i)!.errors)
        fail(i, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', e.msg, e.field ? [e.field] : []);
  }

  /** Foreign keys: the referenced record must exist and be of a type the field points to. */
  foreignKeyError(f: FieldMeta, v: unknown): { code: string; msg: string } | null {
    if (typeof v !== 'string' || !f.createable) return null;
    if (!['reference', 'lookup', 'masterdetail'].includes(f.type)) return null;
    const target = this.objectOfId(v);
    const allowed = f.referenceTo ?? [];
    if (!target || (!allowed.includes('*') && !allowed.some((r) => r.toLowerCase() === target.key)))
      return {
        code: 'FIELD_INTEGRITY_EXCEPTION',
        msg: `field integrity exception: unknown (${f.label}: id value of incorrect type: ${v})`
      };
    const row = this.tables.get(target.key)?.get(v);
    if (!row || row.get('isdeleted') === true)
      return { code: 'INVALID_CROSS_REFERENCE_KEY', msg: 'invalid cross reference id' };
    return null;
  }

  mergeForTrigger(o: ObjMeta, old: SObj, changes: SObj): SObj {
    const s = old.clone();
    s.queried = null;
    for (const [k, v] of changes.f) if (o.fields.has(k)) s.put(k, changes.names.get(k) ?? k, v);
    return s;
  }

  rowToSObj(o: ObjMeta, row: Row): SObj {
    const s = new SObj(o.name);
    for (const [k, f] of o.fields) s.put(k, f.name, this.readRowField(o, row, k));
    return s;
  }

  applyDefaults(o: ObjMeta, s: SObj): void {
    for (const f of o.fields.values()) {
      if (!f.createable) continue;
      if (s.f.has(f.key) && s.f.get(f.key) !== null) continue;
      if (s.f.has(f.key) && f.type !== 'checkbox') continue;
      if (f.picklist?.default && !s.f.has(f.key)) {
        s.put(f.key, f.name, f.picklist.default);
        continue;
      }
      if (f.defaultValue !== null && f.defaultValue !== undefined && !s.f.has(f.key)) {
        const d = f.defaultValue.trim();
        if (f.type === 'checkbox') s.put(f.key, f.name, d.toLowerCase() === 'true');
        else if (/^-?\d+(\.\d+)?$/.test(d) && ['number', 'currency', 'percent'].includes(f.type))
          s.put(f.key, f.name, ADecimal.parse(d));
        else if (/^(['"]).*\1$/.test(d)) s.put(f.key, f.name, d.slice(1, -1));
        else throw new Unsupported(`default value formula ${d} on ${o.name}.${f.name}`);
      } else if (f.type === 'checkbox' && !s.f.has(f.key)) s.put(f.key, f.name, false);
    }
  }

  validate(
    _ip: Interp,
    o: ObjMeta,
    s: SObj,
    event: string,
    old: SObj | null,
    t: Map<string, Row>,
    fail: (i: number, code: string, msg: string, fields?: string[]) => void,
    i: number,
    working: Map<number, SObj>,
    live: number[]
  ): void {
    const missing: string[] = [];
    for (const f of o.fields.values()) {
      const v = s.f.get(f.key);
      const changed =
        event === 'insert'
          ? s.f.has(f.key) && v !== null
          : old
            ? v !== old.f.get(f.key) && s.f.has(f.key)
            : false;
      if (f.required && (v === null || v === undefined || v === '') && f.createable)
        missing.push(f.name);
      if (f.type === 'checkbox' && f.createable && s.f.has(f.key) && v === null) {
        // a Checkbox explicitly set to null is rejected by DML
        fail(i, 'INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: `, [
          f.name
        ]);
        continue;
      }
      if (!changed) continue;
      // read-only system and formula fields on a record are ignored by DML (a cloned query row inserts)
      if (!f.createable && !f.updateable) continue;
      if (event === 'update' && !f.updateable && f.key !== 'id') {
        fail(
          i,
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${f.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          [f.name]
        );
        continue;
      }
      if (typeof v === 'string') {
        const max =
          f.length ??
          (f.type === 'textarea'
            ? 255
            : f.type === 'email'
              ? 80
              : f.type === 'phone'
                ? 40
                : f.type === 'url'
                  ? 255
                  : undefined);
        if (
          max !== undefined &&
          v.length > max &&
          !['picklist', 'multiselectpicklist'].includes(f.type)
        )
          fail(
            i,
            'STRING_TOO_LONG',
            `${f.label}: data value too large: ${v.length > 100 ? v.slice(0, 100) + '...' : v} (max length=${max})`,
            [f.name]
          );
        if (f.picklist?.restricted && f.type === 'picklist' && !f.picklist.values.includes(v))
          fail(
            i,
            'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
            `${f.label}: bad value for restricted picklist field: ${v}`,
            [f.name]
          );
        if (f.picklist?.restricted && f.type === 'multiselectpicklist')
          for (const part of v.split(';'))
            if (!f.picklist.values.includes(part))
              fail(
                i,
                'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
                `${f.label}: bad value for restricted picklist field: ${part}`,
                [f.name]
              );
        if (f.type === 'email' && v && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v))
          fail(i, 'INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${v}`, [f.name]);
      }
      if (
        (f.type === 'number' || f.type === 'currency' || f.type === 'percent') &&
        v instanceof ADecimal &&
        f.precision !== undefined
      ) {
        const scale = f.scale ?? 0;
        const digits = v
          .withScale(scale)
          .abs()
          .toString()
          .replace('.', '')
          .replace(/^0+/, '').length;
        if (digits > f.precision)
          fail(
            i,
            'NUMBER_OUTSIDE_VALID_RANGE',
            `${f.label}: value outside of valid range on numeric field: ${v.toString()}`,
            [f.name]
          );
        else s.put(f.key, f.name, v.withScale(scale, 'HALF_UP'));
      }
      if ((f.unique || (f.externalId && f.unique)) && v !== null && v !== undefined) {
        const selfId = s.f.get('id');
        for (const row of t.values()) {
          if (row.get('isdeleted') === true || row.get('id') === selfId) continue;
          const other = row.get(f.key);
          if (other === null || other === undefined) continue;
          if (
            f.caseSensitive ? other === v : String(other).toLowerCase() === String(v).toLowerCase()
          ) {
            fail(
              i,
              'DUPLICATE_VALUE',
              `duplicate value found: ${f.name} duplicates value on record with id: ${String(row.get('id'))}`,
              [f.name]
            );
            break;
          }
        }
        // duplicates inside the same batch
        for (const j of live) {
          if (j >= i) break;
          const other = working.get(j)?.f.get(f.key);
          if (
            other !== null &&
            other !== undefined &&
            (f.caseSensitive
              ? other === v
              : String(other).toLowerCase() === String(v).toLowerCase())
          ) {
            fail(
              i,
              'DUPLICATE_VALUE',
              `duplicate value found: ${f.name} duplicates value on record with id: ${String(working.get(j)?.f.get('id') ?? '')}`,
              [f.name]
            );
            break;
          }
        }
      }
    }
    if (missing.length)
      fail(
        i,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing
      );
  }

  fireTriggers(
    ip: Interp,
    o: ObjMeta,
    when: 'before' | 'after',
    event: string,
    idx: number[],
    news: Map<number, SObj>,
    olds: Map<number, SObj>,
    at: Pos
  ): string | null {
    const ev = `${when} ${event}`;
    const list = this.triggers.filter((t) => t.object === o.key && t.events.has(ev));
    if (!list.length) return null;
    if (this.triggerDepth > 16)
      ip.throwEx('System.LimitException', 'Maximum trigger depth exceeded', at);
    const et = rt(o.key, o.name);
    const newList =
      event === 'delete'
        ? null
        : new AList(
            et,
            idx.map((i) => news.get(i)!)
          );
    const oldList =
      event === 'insert' || event === 'undelete'
        ? null
        : new AList(
            et,
            idx.map((i) => olds.get(i)!)
          );
    const mapOf = (l: AList | null): AMap | null => {
      if (!l) return null;
      if (when === 'before' && event === 'insert') return null;
      const m = new AMap(rt('id', 'Id'), et);
      for (const s of l.a) ip.mapPut(m, (s as SObj).f.get('id'), s);
      return m;
    };
    const ctx = {
      new: newList,
      old: oldList,
      newmap: mapOf(newList),
      oldmap: mapOf(oldList),
      isbefore: when === 'before',
      isafter: when === 'after',
      isinsert: event === 'insert',
      isupdate: event === 'update',
      isdelete: event === 'delete',
      isundelete: event === 'undelete',
      isexecuting: true,
      size: idx.length,
      operationtype: new AEnum(
        'System.TriggerOperation',
        'system.triggeroperation',
        `${when}_${event}`.toUpperCase(),
        [
          'before_insert',
          'before_update',
          'before_delete',
          'after_insert',
          'after_update',
          'after_delete',
          'after_undelete'
        ].indexOf(`${when}_${event}`)
      )
    };
    for (const t of list) {
      const saved = (ip as any).triggerCtx;
      (ip as any).triggerCtx = ctx;
      this.triggerDepth++;
      ip.frames.push({ cls: t.cls, self: null, method: '', line: t.decl.line, col: 1 });
      const depth = ip.frames.length;
      try {
        ip.exec(t.decl.trigger!.body, new Scope(null));
      } catch (e) {
        if (!(e instanceof ApexThrow)) throw e;
        // "Trigger Exceptions": an unhandled exception marks every record with an error
        ip.frames.length = depth;
        const cap = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1);
        const ex = e.ex;
        return `${t.decl.name}: execution of ${cap(when)}${cap(event)}\n\ncaused by: ${ex.cls.name}: ${String(ex.host?.message ?? 'null')}\n\n${String(ex.host?.stack ?? '')}`;
      } finally {
        ip.frames.length = depth - 1;
        this.triggerDepth--;
        (ip as any).triggerCtx = saved;
      }
    }
    return null;
  }
}

/** User rows: Name is FirstName LastName; UserType Standard. */
function userDefaults(row: Row): void {
  row.set('name', [row.get('firstname'), row.get('lastname')].filter((x) => x).join(' '));
  if (!row.get('usertype')) row.set('usertype', 'Standard');
}

function isAggregate(fn: string): boolean {
  return ['count', 'count_distinct', 'sum', 'avg', 'min', 'max'].includes(fn);
}

export { T_INTEGER, T_SOBJECT, ABlob, AObj };
