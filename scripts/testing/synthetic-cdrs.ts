// Synthetic Rinkel call detail records shaped like the documented example
// (scripts/testing/fixtures/rinkel/call-detail-record.documented.json), for backfill tests and the
// benchmark. Deterministic: record i is always the same call.

export const SYNTHETIC_START = Date.parse('2026-01-05T08:00:00.000Z');

/** E.164 mobile number of caller i (+316 and eight digits). */
export function syntheticNumber(i: number): string {
  return `+316${String(10_000_000 + (i % 90_000_000)).slice(-8)}`;
}

export function syntheticCdr(
  i: number,
  options: { anonymousEvery?: number } = {}
): Record<string, unknown> {
  const anonymous = options.anonymousEvery !== undefined && i % options.anonymousEvery === 0;
  const e164 = syntheticNumber(i);
  const answered = i % 4 !== 0;
  return {
    id: `64a6ac4a505f1d32${String(i).padStart(8, '0')}`,
    callId: `synthetic-call-${i}`,
    date: new Date(SYNTHETIC_START + i * 60_000).toISOString(),
    direction: i % 3 === 0 ? 'outbound' : 'inbound',
    externalNumber: anonymous
      ? { anonymous: true, localized: null, e164: null }
      : { anonymous: false, localized: `06 ${e164.slice(4)}`, e164 },
    internalNumber: { id: '64b8e900cbe7501ee8467d3e', number: '+31850609000' },
    duration: answered ? 30 + (i % 600) : 0,
    status: answered ? 'ANSWERED' : 'MISSED',
    missedReason: answered ? null : 'NO_ANSWER',
    user: { id: `rinkel-user-${i % 5}`, fullName: `Agent ${i % 5}` }
  };
}

/**
 * A read-only array-like of `count` synthetic CDRs that builds records only when a page is sliced,
 * so a fake API can serve 100,000 calls without holding them in memory.
 */
export function lazyCdrs(
  count: number,
  options: { anonymousEvery?: number } = {}
): Record<string, unknown>[] {
  const target: Record<string, unknown>[] = [];
  return new Proxy(target, {
    get(_target, property) {
      if (property === 'length') return count;
      if (property === 'slice') {
        return (start = 0, end = count): Record<string, unknown>[] => {
          const records: Record<string, unknown>[] = [];
          for (let i = Math.max(0, start); i < Math.min(count, end); i++) {
            records.push(syntheticCdr(i, options));
          }
          return records;
        };
      }
      if (property === 'find') {
        return (predicate: (cdr: Record<string, unknown>) => boolean) => {
          for (let i = 0; i < count; i++) {
            const cdr = syntheticCdr(i, options);
            if (predicate(cdr)) return cdr;
          }
          return undefined;
        };
      }
      return Reflect.get(target, property) as unknown;
    }
  });
}
