/** Time zone arithmetic and Java-style date formatting. */
import { pad } from './values';

const fmtCache = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    });
    fmtCache.set(tz, f);
  }
  return f;
}

export function isValidTz(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface Parts {
  y: number;
  m: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  dow: number; // 0 = Sunday
}

/** Offset of `tz` from GMT at instant `ms`, in milliseconds. */
export function tzOffset(ms: number, tz: string): number {
  if (tz === 'GMT' || tz === 'UTC') return 0;
  const base = Math.floor(ms / 1000) * 1000;
  const parts = formatter(tz).formatToParts(new Date(base));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second')
  );
  return asUtc - base;
}

export function localParts(ms: number, tz: string): Parts {
  const d = new Date(ms + tzOffset(ms, tz));
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
    dow: d.getUTCDay()
  };
}

/** Instant for a local wall-clock time in `tz`. */
export function fromLocal(
  y: number,
  m: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  tz: string
): number {
  const guess = Date.UTC(y, m - 1, d, h, mi, s, ms);
  let off = tzOffset(guess, tz);
  let t = guess - off;
  const off2 = tzOffset(t, tz);
  if (off2 !== off) {
    off = off2;
    t = guess - off;
  }
  return t;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function tzName(ms: number, tz: string, long: boolean): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      timeZoneName: long ? 'long' : 'short'
    }).formatToParts(new Date(ms));
    return parts.find((p) => p.type === 'timeZoneName')?.value ?? tz;
  } catch {
    return tz;
  }
}

/** Java SimpleDateFormat subset. Throws on an unknown pattern letter. */
export function javaFormat(ms: number, pattern: string, tz: string): string {
  const p = localParts(ms, tz);
  const off = tzOffset(ms, tz);
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      out += pattern.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[a-zA-Z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    const num = (v: number): string => String(v).padStart(n, '0');
    switch (c) {
      case 'y':
        out += n === 2 ? String(p.y % 100).padStart(2, '0') : num(p.y);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[p.m - 1] : n === 3 ? MONTHS[p.m - 1]!.slice(0, 3) : num(p.m);
        break;
      case 'd':
        out += num(p.d);
        break;
      case 'H':
        out += num(p.h);
        break;
      case 'k':
        out += num(p.h === 0 ? 24 : p.h);
        break;
      case 'h':
        out += num(p.h % 12 === 0 ? 12 : p.h % 12);
        break;
      case 'K':
        out += num(p.h % 12);
        break;
      case 'm':
        out += num(p.mi);
        break;
      case 's':
        out += num(p.s);
        break;
      case 'S':
        out += String(p.ms).padStart(3, '0').slice(0, Math.max(3, n)).padEnd(n, '0');
        break;
      case 'a':
        out += p.h < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAYS[p.dow] : DAYS[p.dow]!.slice(0, 3);
        break;
      case 'u':
        out += String(p.dow === 0 ? 7 : p.dow);
        break;
      case 'D': {
        const doy = Math.floor((Date.UTC(p.y, p.m - 1, p.d) - Date.UTC(p.y, 0, 1)) / 86400000) + 1;
        out += num(doy);
        break;
      }
      case 'Z': {
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off) / 60000;
        out += `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`;
        break;
      }
      case 'X': {
        if (off === 0) {
          out += 'Z';
          break;
        }
        const sign = off < 0 ? '-' : '+';
        const a = Math.abs(off) / 60000;
        out +=
          n === 1
            ? `${sign}${pad(Math.floor(a / 60))}`
            : n === 2
              ? `${sign}${pad(Math.floor(a / 60))}${pad(a % 60)}`
              : `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
        break;
      }
      case 'z':
        out += tzName(ms, tz, n >= 4);
        break;
      default:
        throw new Error(`Illegal pattern character '${c}'`);
    }
  }
  return out;
}

/** Default Date/Datetime format of a locale (the user's locale). */
export function localePatterns(locale: string): { date: string; time: string } {
  const l = locale.toLowerCase();
  if (l.startsWith('nl')) return { date: 'd-M-yyyy', time: 'HH:mm' };
  if (l === 'en_gb') return { date: 'dd/MM/yyyy', time: 'HH:mm' };
  if (l.startsWith('de')) return { date: 'dd.MM.yyyy', time: 'HH:mm' };
  return { date: 'M/d/yyyy', time: 'h:mm a' };
}
