/**
 * Turns runtime values (rows, Apex objects, the parsed syntax tree) into structures
 * `v8.serialize` can store and back. v8 keeps Maps, Sets, bigints and shared references but
 * not class instances, so each runtime value class is written as a tagged plain object.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { types } from 'node:util';
import v8 from 'node:v8';
import type { ClassRt } from '../interp';
import { SObj } from '../sobject';
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
  AType
} from '../values';

const TAG = '\u0000apex';

/** Raised for a value the store cannot keep (a built-in host object in a queued job, a cycle…). */
export class NotStorable extends Error {}

/**
 * A copy of a Map, Set or array with each element through `walk`, entered in `memo` first so
 * shared and cyclic references stay shared; undefined for anything else. `types.isMap` rather
 * than `instanceof`: v8.deserialize builds Maps and Sets of the realm it runs in (another one
 * under jest).
 */
function copyContainer(
  v: object,
  memo: Map<object, unknown>,
  walk: (x: unknown) => unknown
): unknown {
  if (types.isMap(v)) {
    const m = new Map<unknown, unknown>();
    memo.set(v, m);
    for (const [k, x] of v as Map<unknown, unknown>) m.set(walk(k), walk(x));
    return m;
  }
  if (types.isSet(v)) {
    const s = new Set<unknown>();
    memo.set(v, s);
    for (const x of v as Set<unknown>) s.add(walk(x));
    return s;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(walk(x));
    return a;
  }
  return undefined;
}

export function toPlain(root: unknown): unknown {
  const memo = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (v === null || v === undefined || typeof v !== 'object') {
      if (typeof v === 'function') throw new NotStorable('a function');
      return v;
    }
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    const tag = (t: string, d: Record<string, unknown>): Record<string, unknown> => {
      const o: Record<string, unknown> = { [TAG]: t };
      memo.set(v, o);
      for (const [k, x] of Object.entries(d)) o[k] = walk(x);
      return o;
    };
    if (v instanceof ADecimal) return tag('dec', { u: v.u, s: v.s });
    if (v instanceof ADouble) return tag('dbl', { v: v.v });
    if (v instanceof ADatetime) return tag('dt', { ms: v.ms });
    if (v instanceof ADate) return tag('date', { d: v.days });
    if (v instanceof ATime) return tag('time', { ms: v.ms });
    if (v instanceof ABlob) return tag('blob', { b: new Uint8Array(v.b) });
    if (v instanceof AEnum)
      return tag('enum', { type: v.type, key: v.key, name: v.name, ord: v.ordinal });
    if (v instanceof AType) return tag('type', { t: v.t });
    if (v instanceof AList) {
      const o: Record<string, unknown> = { [TAG]: 'list', et: v.et };
      memo.set(v, o);
      o.a = v.a.map(walk);
      return o;
    }
    if (v instanceof ASet) {
      const o: Record<string, unknown> = { [TAG]: 'set', et: v.et };
      memo.set(v, o);
      o.m = [...v.m].map(([k, x]) => [walk(k), walk(x)]);
      return o;
    }
    if (v instanceof AMap) {
      const o: Record<string, unknown> = { [TAG]: 'map', kt: v.kt, vt: v.vt };
      memo.set(v, o);
      o.m = [...v.m].map(([k, [kk, x]]) => [walk(k), walk(kk), walk(x)]);
      return o;
    }
    if (v instanceof SObj) {
      const o: Record<string, unknown> = { [TAG]: 'sobj', type: v.type };
      memo.set(v, o);
      o.f = [...v.f].map(([k, x]) => [k, walk(x)]);
      o.n = [...v.names];
      o.q = v.queried ? [...v.queried] : null;
      return o;
    }
    if (v instanceof AObj) {
      const cls = v.cls as ClassRt;
      if (cls.builtin || v.host !== undefined)
        throw new NotStorable(`an instance of the built-in ${cls.name}`);
      const o: Record<string, unknown> = { [TAG]: 'obj', cls: cls.key };
      memo.set(v, o);
      o.f = [...v.f].map(([k, x]) => [k, walk(x)]);
      return o;
    }
    if (Buffer.isBuffer(v)) return tag('buf', { b: new Uint8Array(v) });
    if (v instanceof Uint8Array) return v;
    const copied = copyContainer(v, memo, walk);
    if (copied !== undefined) return copied;
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null)
      throw new NotStorable(`a ${String(proto?.constructor?.name ?? 'host')} object`);
    const o: Record<string, unknown> = {};
    memo.set(v, o);
    for (const [k, x] of Object.entries(v)) o[k] = walk(x);
    return o;
  };
  return walk(root);
}

/** The reverse of toPlain; `classes` resolves Apex classes by key (null when one is gone). */
export function fromPlain(root: unknown, classes?: (key: string) => ClassRt | undefined): unknown {
  const memo = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (v === null || v === undefined || typeof v !== 'object') return v;
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    if (types.isUint8Array(v)) return v;
    const copied = copyContainer(v, memo, walk);
    if (copied !== undefined) return copied;
    const o = v as Record<string, any>;
    const t = o[TAG] as string | undefined;
    let out: unknown;
    switch (t) {
      case undefined: {
        const r: Record<string, unknown> = {};
        memo.set(v, r);
        for (const [k, x] of Object.entries(o)) r[k] = walk(x);
        return r;
      }
      case 'dec':
        out = new ADecimal(o.u as bigint, o.s as number);
        break;
      case 'dbl':
        out = new ADouble(o.v as number);
        break;
      case 'dt':
        out = new ADatetime(o.ms as number);
        break;
      case 'date':
        out = new ADate(o.d as number);
        break;
      case 'time':
        out = new ATime(o.ms as number);
        break;
      case 'blob':
        out = new ABlob(Buffer.from(o.b as Uint8Array));
        break;
      case 'buf':
        out = Buffer.from(o.b as Uint8Array);
        break;
      case 'enum':
        out = new AEnum(o.type, o.key, o.name, o.ord);
        break;
      case 'type':
        out = new AType(walk(o.t) as any);
        break;
      case 'list': {
        const l = new AList(walk(o.et) as any, []);
        memo.set(v, l);
        l.a = (o.a as unknown[]).map(walk);
        return l;
      }
      case 'set': {
        const s = new ASet(walk(o.et) as any);
        memo.set(v, s);
        for (const [k, x] of o.m as [unknown, unknown][]) s.m.set(walk(k), walk(x));
        return s;
      }
      case 'map': {
        const m = new AMap(walk(o.kt) as any, walk(o.vt) as any);
        memo.set(v, m);
        for (const [k, kk, x] of o.m as [unknown, unknown, unknown][])
          m.m.set(walk(k), [walk(kk), walk(x)]);
        return m;
      }
      case 'sobj': {
        const s = new SObj(o.type as string);
        memo.set(v, s);
        for (const [k, x] of o.f as [string, unknown][]) s.f.set(k, walk(x));
        for (const [k, n] of o.n as [string, string][]) s.names.set(k, n);
        s.queried = o.q ? new Set(o.q as string[]) : null;
        return s;
      }
      case 'obj': {
        const cls = classes?.(o.cls as string);
        if (!cls) throw new NotStorable(`the class ${String(o.cls)} is no longer in the project`);
        const a = new AObj(cls);
        memo.set(v, a);
        for (const [k, x] of o.f as [string, unknown][]) a.f.set(k, walk(x));
        return a;
      }
      default:
        throw new NotStorable(`unknown stored tag ${t}`);
    }
    memo.set(v, out);
    return out;
  };
  return walk(root);
}

export function pack(v: unknown): Buffer {
  return v8.serialize(toPlain(v));
}

export function unpack(b: Buffer, classes?: (key: string) => ClassRt | undefined): unknown {
  return fromPlain(v8.deserialize(b), classes);
}
