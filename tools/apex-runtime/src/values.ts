/**
 * Runtime values. Integer = JS number (always a 32-bit integer), Long = bigint, Double = ADouble,
 * Decimal = ADecimal (unscaled bigint + scale), String = string, Boolean = boolean, null = null.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

export type RoundingMode =
  'UP' | 'DOWN' | 'CEILING' | 'FLOOR' | 'HALF_UP' | 'HALF_DOWN' | 'HALF_EVEN' | 'UNNECESSARY';

const TEN = 10n;
function pow10(n: number): bigint {
  return TEN ** BigInt(n);
}

function divRound(num: bigint, den: bigint, mode: RoundingMode): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const neg = num < 0n;
  const twice = (r < 0n ? -r : r) * 2n;
  let away: boolean;
  switch (mode) {
    case 'UP':
      away = true;
      break;
    case 'DOWN':
      away = false;
      break;
    case 'CEILING':
      away = !neg;
      break;
    case 'FLOOR':
      away = neg;
      break;
    case 'HALF_UP':
      away = twice >= den;
      break;
    case 'HALF_DOWN':
      away = twice > den;
      break;
    case 'HALF_EVEN':
      away = twice > den || (twice === den && (q < 0n ? -q : q) % 2n === 1n);
      break;
    default:
      throw new RangeError('Rounding necessary');
  }
  return away ? q + (neg ? -1n : 1n) : q;
}

export class ADecimal {
  constructor(
    readonly u: bigint,
    readonly s: number
  ) {}

  static parse(text: string): ADecimal {
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`Invalid decimal: ${text}`);
    const intPart = m[2] ?? '';
    const frac = m[3] ?? '';
    let scale = frac.length;
    let u = BigInt((intPart + frac).replace(/^0+(?=\d)/, '') || '0');
    const exp = m[4] ? Number(m[4]) : 0;
    scale -= exp;
    if (scale < 0) {
      u *= pow10(-scale);
      scale = 0;
    }
    return new ADecimal(m[1] === '-' ? -u : u, scale);
  }
  static fromNumber(n: number): ADecimal {
    if (!Number.isFinite(n)) throw new TypeError(`Invalid decimal: ${n}`);
    if (Number.isInteger(n) && Math.abs(n) < 1e21) return new ADecimal(BigInt(n), 0);
    return ADecimal.parse(javaDouble(n).replace('E', 'e'));
  }
  static fromDoubleValue(n: number): ADecimal {
    // Decimal.valueOf(Double) keeps the double's shortest decimal form
    return ADecimal.parse(String(n));
  }
  static of(v: number | bigint): ADecimal {
    return typeof v === 'bigint' ? new ADecimal(v, 0) : ADecimal.fromNumber(v);
  }
  withScale(s: number, mode: RoundingMode = 'HALF_UP'): ADecimal {
    if (s === this.s) return this;
    if (s > this.s) return new ADecimal(this.u * pow10(s - this.s), s);
    return new ADecimal(divRound(this.u, pow10(this.s - s), mode), s);
  }
  add(o: ADecimal): ADecimal {
    const s = Math.max(this.s, o.s);
    return new ADecimal(this.withScale(s).u + o.withScale(s).u, s);
  }
  sub(o: ADecimal): ADecimal {
    const s = Math.max(this.s, o.s);
    return new ADecimal(this.withScale(s).u - o.withScale(s).u, s);
  }
  mul(o: ADecimal): ADecimal {
    return new ADecimal(this.u * o.u, this.s + o.s);
  }
  /** Division as the `/` operator does it; see docs/apex-runtime.md for the chosen scale. */
  div(o: ADecimal, scale?: number, mode: RoundingMode = 'HALF_UP'): ADecimal {
    if (o.u === 0n) throw new RangeError('Divide by 0');
    if (scale === undefined) {
      // exact when it terminates within 32 digits, else 32 significant-ish fraction digits
      const target = Math.max(this.s, 32);
      const r = this.divTo(o, target, 'HALF_UP');
      return r.stripTo(Math.max(this.s, o.s === 0 ? this.s : this.s));
    }
    return this.divTo(o, scale, mode);
  }
  private divTo(o: ADecimal, scale: number, mode: RoundingMode): ADecimal {
    // this/o = (u1/10^s1)/(u2/10^s2); result u = u1*10^(scale - s1 + s2)/u2
    const shift = scale - this.s + o.s;
    let num = this.u;
    let den = o.u;
    if (shift >= 0) num *= pow10(shift);
    else den *= pow10(-shift);
    return new ADecimal(divRound(num, den, mode), scale);
  }
  /** Drops trailing zeros but keeps at least `min` fraction digits. */
  stripTo(min: number): ADecimal {
    let u = this.u;
    let s = this.s;
    while (s > min && u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    return new ADecimal(u, s);
  }
  stripTrailingZeros(): ADecimal {
    if (this.u === 0n) return new ADecimal(0n, 0);
    let u = this.u;
    let s = this.s;
    while (u % 10n === 0n) {
      u /= 10n;
      s--;
    }
    if (s < 0) return new ADecimal(u * pow10(-s), 0);
    return new ADecimal(u, s);
  }
  cmp(o: ADecimal): number {
    const s = Math.max(this.s, o.s);
    const a = this.withScale(s).u;
    const b = o.withScale(s).u;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  neg(): ADecimal {
    return new ADecimal(-this.u, this.s);
  }
  abs(): ADecimal {
    return this.u < 0n ? this.neg() : this;
  }
  sign(): number {
    return this.u < 0n ? -1 : this.u > 0n ? 1 : 0;
  }
  toNumber(): number {
    return Number(this.toString());
  }
  toBigInt(): bigint {
    return divRound(this.u, pow10(this.s), 'DOWN');
  }
  precision(): number {
    const d = (this.u < 0n ? -this.u : this.u).toString().length;
    return Math.max(d, this.s + 1 > d && this.u === 0n ? 1 : d);
  }
  toString(): string {
    const neg = this.u < 0n;
    let digits = (neg ? -this.u : this.u).toString();
    if (this.s > 0) {
      digits = digits.padStart(this.s + 1, '0');
      digits = `${digits.slice(0, -this.s)}.${digits.slice(-this.s)}`;
    }
    return (neg ? '-' : '') + digits;
  }
}

export class ADouble {
  constructor(readonly v: number) {}
}

/** Java's Double.toString. */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = n.toExponential().split('e');
  const m = mant!.includes('.') ? mant! : `${mant}.0`;
  return `${m}E${Number(exp)}`;
}

// ---------------------------------------------------------------- dates

const DAY = 86400000;

export class ADate {
  constructor(readonly days: number) {}
  static of(y: number, m: number, d: number): ADate {
    return new ADate(Math.floor(Date.UTC(y, m - 1, d) / DAY));
  }
  private get jd(): Date {
    return new Date(this.days * DAY);
  }
  get y(): number {
    return this.jd.getUTCFullYear();
  }
  get m(): number {
    return this.jd.getUTCMonth() + 1;
  }
  get d(): number {
    return this.jd.getUTCDate();
  }
  addMonths(n: number): ADate {
    const y = this.y;
    const m = this.m - 1 + n;
    const ny = y + Math.floor(m / 12);
    const nm = ((m % 12) + 12) % 12;
    const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
    return ADate.of(ny, nm + 1, Math.min(this.d, last));
  }
  toString(): string {
    return `${String(this.y).padStart(4, '0')}-${pad(this.m)}-${pad(this.d)}`;
  }
}

export class ADatetime {
  constructor(readonly ms: number) {}
}

export class ATime {
  constructor(readonly ms: number) {}
  static of(h: number, m: number, s: number, ms: number): ATime {
    return new ATime((((h * 60 + m) * 60 + s) * 1000 + ms + DAY * 1000) % DAY);
  }
  get h(): number {
    return Math.floor(this.ms / 3600000);
  }
  get mi(): number {
    return Math.floor(this.ms / 60000) % 60;
  }
  get s(): number {
    return Math.floor(this.ms / 1000) % 60;
  }
  get milli(): number {
    return this.ms % 1000;
  }
  toString(): string {
    return `${pad(this.h)}:${pad(this.mi)}:${pad(this.s)}.${String(this.milli).padStart(3, '0')}Z`;
  }
}

export function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export class ABlob {
  constructor(readonly b: Buffer) {}
}

// ---------------------------------------------------------------- collections

export interface RtType {
  /** lower-case canonical name: integer, string, list, map, set, account, myclass, myclass.inner */
  key: string;
  name: string;
  args: RtType[];
}

export const T_OBJECT: RtType = { key: 'object', name: 'Object', args: [] };

export class AList {
  constructor(
    public et: RtType,
    public a: unknown[]
  ) {}
}

export class ASet {
  m = new Map<unknown, unknown>();
  constructor(public et: RtType) {}
}

export class AMap {
  m = new Map<unknown, [unknown, unknown]>();
  constructor(
    public kt: RtType,
    public vt: RtType
  ) {}
}

export class AType {
  constructor(readonly t: RtType) {}
}

export class AEnum {
  constructor(
    readonly type: string, // display name, e.g. "Season" or "System.RoundingMode"
    readonly key: string, // lower-case type key
    readonly name: string,
    readonly ordinal: number
  ) {}
}

/** An instance of an Apex class (user class or built-in object such as an exception). */
export class AObj {
  f = new Map<string, unknown>();
  /** host data for built-in classes */
  host: any = undefined;
  constructor(readonly cls: any) {}
}

let identity = 0;
const identities = new WeakMap<object, number>();
export function identityOf(o: object): number {
  let id = identities.get(o);
  if (id === undefined) {
    id = ++identity;
    identities.set(o, id);
  }
  return id;
}
