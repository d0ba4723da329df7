/**
 * Platform Cache, org cache only (Apex Developer Guide "Platform Cache", "Platform Cache
 * Partitions"; Apex Reference "Org Class", "OrgPartition Class"). Partitions come from the
 * project's cachePartitions metadata.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Pos } from '../ast';
import { rt, type Interp } from '../interp';
import { HostObj, type Library } from '../stdlib';
import { NOT_MINE } from './tx';

export interface PartitionMeta {
  name: string;
  isDefault: boolean;
  /** MB of org cache allocated (all capacity types together) */
  orgCapacity: number;
}

export function partitionMeta(name: string, x: Record<string, any>): PartitionMeta {
  let orgCapacity = 0;
  for (const t of (x.platformCachePartitionTypes ?? []) as Record<string, any>[]) {
    if (String(t.cacheType) !== 'Organization') continue;
    for (const k of [
      'allocatedCapacity',
      'allocatedPartnerCapacity',
      'allocatedPurchasedCapacity',
      'allocatedTrialCapacity'
    ])
      orgCapacity += Number(t[k] ?? 0) || 0;
  }
  return { name, isDefault: String(x.isDefaultPartition) === 'true', orgCapacity };
}

/** "Org Class", put: ttlSecs from 300 seconds to 172,800 (48 hours); the default is 86,400. */
export const MIN_TTL = 300;
export const MAX_TTL = 172800;
export const DEFAULT_TTL = 86400;

export class OrgCache {
  /** partition (lower-case) -> key -> value and expiry */
  store = new Map<string, Map<string, { v: unknown; until: number }>>();
  reset(): void {
    this.store = new Map();
  }
}

/** 'local.Name', 'ns.Name' or 'Name' -> the project's partition. */
function findPartition(lib: Library, ip: Interp, name: unknown, at: Pos): PartitionMeta {
  if (name === null || name === undefined) return lib.npe(ip, at);
  const s = String(name);
  const parts = s.split('.');
  if (parts.length > 2 || (parts.length === 2 && parts[0]!.toLowerCase() !== 'local'))
    return lib.u(ip, `Platform Cache partition ${s} (only local.Name partitions are modelled)`, at);
  const p = lib.platform.md.partitions.get(parts[parts.length - 1]!.toLowerCase());
  // "Cache Exceptions": Cache.Org.OrgCacheException when "an attempt is made to access a
  // partition that doesn't exist or whose name is invalid" (the message text is not documented)
  if (!p) ip.throwEx('Cache.Org.OrgCacheException', `Partition not found: ${s}`, at);
  return p;
}

function partitionObj(p: PartitionMeta): HostObj {
  return new HostObj(rt('cache.orgpartition', 'Cache.OrgPartition'), 'orgpartition', p);
}

export function callStatic(
  lib: Library,
  ip: Interp,
  sig: string,
  args: unknown[],
  at: Pos
): unknown {
  switch (sig) {
    case 'cache.org.getpartition':
      return partitionObj(findPartition(lib, ip, args[0], at));
    case 'cache.org.get':
    case 'cache.org.put':
    case 'cache.org.contains':
    case 'cache.org.remove': {
      // "Platform Cache Partitions": a key without a partition name uses the default partition
      const key = args[0];
      if (typeof key === 'string' && key.split('.').length === 3) {
        const [ns, part, k] = key.split('.');
        const p = findPartition(lib, ip, `${ns}.${part}`, at);
        return op(lib, ip, p, sig.slice('cache.org.'.length), [k, ...args.slice(1)], at);
      }
      const def = [...lib.platform.md.partitions.values()].find((x) => x.isDefault);
      if (!def) return lib.u(ip, `${sig} without a partition name and no default partition`, at);
      return op(lib, ip, def, sig.slice('cache.org.'.length), args, at);
    }
  }
  if (sig.startsWith('cache.')) return lib.u(ip, `${sig}(${args.length} args)`, at);
  return NOT_MINE;
}

export function partitionMember(
  lib: Library,
  ip: Interp,
  h: HostObj,
  m: string,
  args: unknown[],
  at: Pos
): unknown {
  const p = h.d as PartitionMeta;
  if (m === 'getname') return `local.${p.name}`;
  return op(lib, ip, p, m, args, at);
}

function op(
  lib: Library,
  ip: Interp,
  p: PartitionMeta,
  m: string,
  args: unknown[],
  at: Pos
): unknown {
  const key = args[0];
  if (m !== 'get' && m !== 'put' && m !== 'contains' && m !== 'remove')
    return lib.u(ip, `Cache.OrgPartition.${m}`, at);
  if (key === null || key === undefined) return lib.npe(ip, at);
  if (typeof key !== 'string')
    return lib.u(ip, `Cache.OrgPartition.${m} with a Set of keys or a Type`, at);
  // "Cache Exceptions": Cache.InvalidParamException when "the key referenced is null or empty or
  // is not alphanumeric" (the message text is not documented)
  if (!/^[A-Za-z0-9]+$/.test(key))
    ip.throwEx('Cache.InvalidParamException', `Invalid key: ${key}`, at);
  let ttl = DEFAULT_TTL;
  if (m === 'put') {
    if (args.length > 3) return lib.u(ip, `Cache.OrgPartition.put(${args.length} args)`, at);
    if (args.length === 3) {
      if (args[2] === null) return lib.npe(ip, at);
      ttl = args[2] as number;
      if (typeof ttl !== 'number' || ttl < MIN_TTL || ttl > MAX_TTL)
        return lib.u(
          ip,
          `Cache.OrgPartition.put with ttlSecs ${String(ttl)} (outside 300..172800)`,
          at
        );
    }
  } else if (args.length !== 1)
    return lib.u(ip, `Cache.OrgPartition.${m}(${args.length} args)`, at);
  // "Platform Cache Partitions": when a partition has no allocation, cache operations such as get
  // and put are not invoked and no error is returned.
  if (p.orgCapacity <= 0) return m === 'contains' || m === 'remove' ? false : null;
  const c = lib.platform.cache.store;
  let part = c.get(p.name.toLowerCase());
  if (!part) c.set(p.name.toLowerCase(), (part = new Map()));
  const now = lib.org.clock();
  const entry = part.get(key);
  const live = entry && entry.until > now ? entry : undefined;
  if (entry && !live) part.delete(key);
  switch (m) {
    case 'get':
      return live ? lib.copyValue(live.v) : null;
    case 'contains':
      return !!live;
    case 'remove':
      return part.delete(key) && !!live;
    default:
      part.set(key, { v: lib.copyValue(args[1]), until: now + ttl * 1000 });
      return null;
  }
}
