/** An SObject value: its type and a map of lower-case field name → value. */
export class SObj {
  /** field values by lower-case API name (relationship names hold SObj / AList values) */
  f = new Map<string, unknown>();
  /** written names, for toString and JSON */
  names = new Map<string, string>();
  /** set when the row came from SOQL: reading any other field throws */
  queried: Set<string> | null = null;
  /** errors added with addError (trigger context) */
  errors: { field: string | null; msg: string }[] = [];
  constructor(readonly type: string) {}

  put(key: string, name: string, v: unknown): void {
    this.f.set(key, v);
    if (!this.names.has(key)) this.names.set(key, name);
  }

  clone(deep = true): SObj {
    const c = new SObj(this.type);
    for (const [k, v] of this.f) c.f.set(k, deep && v instanceof SObj ? v.clone() : v);
    for (const [k, v] of this.names) c.names.set(k, v);
    c.queried = this.queried ? new Set(this.queried) : null;
    return c;
  }

  equalsTo(o: SObj, eq: (a: unknown, b: unknown) => boolean): boolean {
    if (o.type !== this.type) return false;
    const keys = new Set([...this.f.keys(), ...o.f.keys()]);
    for (const k of keys) if (!eq(this.f.get(k) ?? null, o.f.get(k) ?? null)) return false;
    return true;
  }

  keyString(key: (v: unknown) => string): string {
    return [...this.f.entries()]
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}=${key(v)}`)
      .sort()
      .join(';');
  }

  toApexString(str: (v: unknown) => string): string {
    const parts: string[] = [];
    for (const [k, v] of this.f) {
      if (v === null || v === undefined || v instanceof SObj) continue;
      if (typeof v === 'object' && v && 'a' in v) continue;
      parts.push(`${this.names.get(k) ?? k}=${str(v)}`);
    }
    return `${this.type}:{${parts.join(', ')}}`;
  }
}
