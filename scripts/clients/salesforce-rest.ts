import { isRecord, str } from '../core/json';
// What both Salesforce clients (org.ts for setup, backfill/salesforce.ts for Bulk API) share:
// Salesforce's error body and SOQL paging (nextRecordsUrl).

/** Salesforce answers errors as `[{errorCode, message}]` (REST) or `{error, error_description}` (OAuth). */
export function salesforceErrorMessage(body: unknown): { code?: string; message?: string } {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  if (isRecord(first)) {
    return {
      code: str(first.errorCode) ?? str(first.error),
      message: str(first.message) ?? str(first.error_description)
    };
  }
  return { message: typeof body === 'string' ? body.slice(0, 300) : undefined };
}

/**
 * Every record of a SOQL query, following nextRecordsUrl. `get` fetches a path relative to
 * /services/data/vXX.X and returns the parsed body.
 */
export async function queryAllRecords(
  get: (path: string) => Promise<unknown>,
  soql: string,
  base = '/query'
): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  let next: string | undefined = `${base}?q=${encodeURIComponent(soql)}`;
  while (next) {
    const body = await get(next);
    if (!isRecord(body) || !Array.isArray(body.records)) {
      break;
    }
    records.push(...body.records.filter(isRecord));
    const nextUrl = str(body.nextRecordsUrl);
    // nextRecordsUrl is absolute from /services/data/vXX.X; keep only the part after the version.
    next =
      nextUrl && body.done !== true ? nextUrl.replace(/^\/services\/data\/v[\d.]+/, '') : undefined;
  }
  return records;
}
