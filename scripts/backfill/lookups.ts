// What the backfill asks the org, in bulk per Bulk job's worth of calls (thousands at a time, not
// per page): the records the numbers belong to (the same rules as WeborderMatcher.cls: open
// records first in the configured order, several records = Multiple), the owners by Rinkel user
// id, and the Tasks that already exist.
//
// Request budget: a SOQL statement travels in the URL of a GET, which Salesforce cuts at about
// 16 KB, so an IN list holds some hundreds of values. For the numbers that would still be one
// query per few hundred calls; when the org has few enough records with a number
// (INDEX_LIMIT), their numbers are read once instead (2,000 per request) and kept as a small
// index. Existing Tasks are found by the job's time range (Rinkel_Started_At__c, which every
// call Task carries) rather than by call id: one query per job.

import { soqlQuote } from '../clients/org';
import { SalesforceError } from '../clients/salesforce';
import type { ExistingCallTask, LabelLanguage } from '../twin';

export interface QueryClient {
  queryPages(soql: string): AsyncIterable<Record<string, unknown>[]>;
  count(soql: string): Promise<number>;
}

export type MatchStatus = 'Matched' | 'Multiple' | 'Unmatched' | 'Anonymous';

export interface Match {
  whatId: string | null;
  status: MatchStatus;
  count: number;
}

export interface MatchSettings {
  object: string;
  statusField: string | null;
  closedStatuses: Set<string>;
  orderBy: string;
  defaultCountry: string;
  language: LabelLanguage;
}

export const DEFAULT_SETTINGS: MatchSettings = {
  object: 'Weborder__c',
  statusField: 'Status__c',
  closedStatuses: new Set(['closed', 'cancelled']),
  orderBy: 'CreatedDate DESC',
  defaultCountry: 'NL',
  language: 'nl_NL'
};

/** Up to this many records with a number are read once into an index (a few MB). */
export const INDEX_LIMIT = 50_000;
/** Characters of IN list per query, so the URL-encoded statement stays well under 16 KB. */
export const MAX_IN_LIST_CHARS = 6_000;

const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const ORDER_TERM = /^\s*([A-Za-z][A-Za-z0-9_]*)(\s+(ASC|DESC))?(\s+NULLS\s+(FIRST|LAST))?\s*$/i;
const E164_FIELD = 'Rinkel_Phone_E164__c';

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function validOrderBy(value: string | null): string {
  if (!value) return DEFAULT_SETTINGS.orderBy;
  const terms = value.split(',');
  return terms.every((term) => ORDER_TERM.test(term)) ? value.trim() : DEFAULT_SETTINGS.orderBy;
}

async function all(client: QueryClient, soql: string): Promise<Record<string, unknown>[]> {
  const records: Record<string, unknown>[] = [];
  for await (const page of client.queryPages(soql)) records.push(...page);
  return records;
}

/**
 * The org's Rinkel_Setting__mdt "Default" record, with the same code defaults as RinkelSettings.
 * A query that fails stops the backfill: matching with guessed rules would link calls wrongly.
 */
export async function readSettings(client: QueryClient): Promise<MatchSettings> {
  let record: Record<string, unknown> | undefined;
  try {
    [record] = await all(
      client,
      'SELECT Match_Object__c, Match_Status_Field__c, Match_Closed_Statuses__c, Match_Order_By__c, ' +
        "Default_Country__c, Description_Language__c FROM Rinkel_Setting__mdt WHERE DeveloperName = 'Default'"
    );
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    const fix =
      error instanceof SalesforceError && error.kind !== 'api'
        ? error.fix
        : 'Deploy the product to this org first (`npm run setup -- --target-org <alias>`) and run the backfill as an admin who can read Rinkel_Setting__mdt.';
    throw new SalesforceError(
      error instanceof SalesforceError ? error.kind : 'api',
      `Could not read the matching settings (Rinkel_Setting__mdt): ${cause}`,
      fix
    );
  }
  if (!record) {
    return DEFAULT_SETTINGS;
  }
  const object = text(record.Match_Object__c) ?? DEFAULT_SETTINGS.object;
  const status = text(record.Match_Status_Field__c) ?? 'Status__c';
  const closed = (text(record.Match_Closed_Statuses__c) ?? 'Closed,Cancelled')
    .split(/[,;\n]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const language = (text(record.Description_Language__c) ?? 'nl_NL').toLowerCase().startsWith('en')
    ? 'en_US'
    : 'nl_NL';
  return {
    object: NAME.test(object) ? object : DEFAULT_SETTINGS.object,
    statusField: status === '-' || !NAME.test(status) ? null : status,
    closedStatuses: new Set(closed),
    orderBy: validOrderBy(text(record.Match_Order_By__c)),
    defaultCountry: (text(record.Default_Country__c) ?? 'NL').toUpperCase(),
    language
  };
}

/** The values as quoted IN lists of at most MAX_IN_LIST_CHARS each. */
export function inLists(values: Iterable<string>): string[] {
  const lists: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    const quoted = soqlQuote(value);
    if (current.length > 0 && length + quoted.length + 1 > MAX_IN_LIST_CHARS) {
      lists.push(`(${current.join(',')})`);
      current = [];
      length = 0;
    }
    current.push(quoted);
    length += quoted.length + 1;
  }
  if (current.length > 0) lists.push(`(${current.join(',')})`);
  return lists;
}

/** SOQL dateTime literal (whole seconds, UTC). */
function soqlDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A call of the job: its id and when it started (for the Task look-up by time). */
export interface CallKey {
  callId: string;
  startedAt: number | null;
}

export class OrgLookups {
  /** phone → match, when the org's numbers fit the index. */
  private index?: Map<string, Match>;
  private readonly ownerCache = new Map<string, string | null>();

  constructor(
    private readonly client: QueryClient,
    private readonly settings: MatchSettings,
    private readonly indexLimit = INDEX_LIMIT
  ) {}

  private matchSelect(): string {
    const { object, statusField } = this.settings;
    return `SELECT Id, ${E164_FIELD}${statusField ? `, ${statusField}` : ''} FROM ${object}`;
  }

  /** Decides once how numbers are looked up; reads the index when the org is small enough. */
  async prepare(): Promise<'index' | 'in-lists'> {
    const { object, orderBy } = this.settings;
    const count = await this.client.count(
      `SELECT COUNT() FROM ${object} WHERE ${E164_FIELD} != null`
    );
    if (count > this.indexLimit) return 'in-lists';
    const grouped = new Map<string, Record<string, unknown>[]>();
    for await (const page of this.client.queryPages(
      `${this.matchSelect()} WHERE ${E164_FIELD} != null ORDER BY ${orderBy}`
    )) {
      this.group(page, grouped);
    }
    this.index = new Map();
    for (const [phone, list] of grouped) this.index.set(phone, this.decide(list));
    return 'index';
  }

  private group(records: Record<string, unknown>[], into: Map<string, Record<string, unknown>[]>) {
    for (const record of records) {
      const phone = text(record[E164_FIELD]);
      if (phone) {
        const list = into.get(phone);
        // Only the first open record and the count are needed later; keep at most a few.
        if (!list) into.set(phone, [record]);
        else if (list.length < 50) list.push(record);
        else list.push({ Id: null });
      }
    }
  }

  private decide(list: Record<string, unknown>[]): Match {
    const open = list.find((r) => r.Id !== null && this.isOpen(r)) ?? list[0];
    return {
      whatId: text(open?.Id),
      status: list.length === 1 ? 'Matched' : 'Multiple',
      count: list.length
    };
  }

  /** A Match for every number (Unmatched when no record has it). */
  async matches(numbers: Iterable<string>): Promise<Map<string, Match>> {
    const wanted = new Set([...numbers].filter(Boolean));
    const result = new Map<string, Match>();
    const unmatched = (): Match => ({ whatId: null, status: 'Unmatched', count: 0 });
    if (this.index) {
      for (const phone of wanted) result.set(phone, this.index.get(phone) ?? unmatched());
      return result;
    }
    const grouped = new Map<string, Record<string, unknown>[]>();
    for (const list of inLists(wanted)) {
      for await (const page of this.client.queryPages(
        `${this.matchSelect()} WHERE ${E164_FIELD} IN ${list} ORDER BY ${this.settings.orderBy}`
      )) {
        this.group(page, grouped);
      }
    }
    for (const phone of wanted) {
      const list = grouped.get(phone);
      result.set(phone, list ? this.decide(list) : unmatched());
    }
    return result;
  }

  private isOpen(record: Record<string, unknown>): boolean {
    const field = this.settings.statusField;
    if (!field) return true;
    const status = text(record[field]);
    return status === null || !this.settings.closedStatuses.has(status.toLowerCase());
  }

  /** Salesforce user id by Rinkel user id (User.Rinkel_User_Id__c), remembered for the run. */
  async owners(rinkelUserIds: Iterable<string>): Promise<Map<string, string>> {
    const wanted = new Set([...rinkelUserIds].filter(Boolean));
    const unknown = [...wanted].filter((id) => !this.ownerCache.has(id));
    for (const list of inLists(unknown)) {
      for await (const page of this.client.queryPages(
        `SELECT Id, Rinkel_User_Id__c FROM User WHERE IsActive = true AND Rinkel_User_Id__c IN ${list}`
      )) {
        for (const user of page) {
          const rinkelId = text(user.Rinkel_User_Id__c);
          const id = text(user.Id);
          if (rinkelId && id) this.ownerCache.set(rinkelId, id);
        }
      }
    }
    const result = new Map<string, string>();
    for (const id of wanted) {
      const owner = this.ownerCache.get(id);
      if (owner) result.set(id, owner);
      else this.ownerCache.set(id, null);
    }
    return result;
  }

  /** The Tasks that already exist for these calls, with what the mapping merges into. */
  async existingTasks(calls: CallKey[]): Promise<Map<string, ExistingCallTask>> {
    const result = new Map<string, ExistingCallTask>();
    if (calls.length === 0) return result;
    const wanted = new Set(calls.map((c) => c.callId));
    const times = calls.flatMap((c) => (c.startedAt === null ? [] : [c.startedAt]));
    const undated = calls.filter((c) => c.startedAt === null).map((c) => c.callId);
    const select =
      'SELECT Rinkel_Call_Id__c, Description, Rinkel_AI_Summary__c, Rinkel_Sentiment__c, Rinkel_Topics__c FROM Task';
    const queries: string[] = [];
    if (times.length > 0) {
      // A second either side: the literal has whole seconds, the call's time has milliseconds.
      const from = soqlDateTime(times.reduce((a, b) => Math.min(a, b)) - 1000);
      const to = soqlDateTime(times.reduce((a, b) => Math.max(a, b)) + 1000);
      queries.push(
        `${select} WHERE Rinkel_Started_At__c >= ${from} AND Rinkel_Started_At__c <= ${to} AND Rinkel_Call_Id__c != null`
      );
    }
    for (const list of inLists(undated)) {
      queries.push(`${select} WHERE Rinkel_Call_Id__c IN ${list}`);
    }
    for (const soql of queries) {
      for await (const page of this.client.queryPages(soql)) {
        for (const task of page) {
          const callId = text(task.Rinkel_Call_Id__c);
          if (callId && wanted.has(callId)) {
            result.set(callId, {
              Description: text(task.Description),
              Rinkel_AI_Summary__c: text(task.Rinkel_AI_Summary__c),
              Rinkel_Sentiment__c: text(task.Rinkel_Sentiment__c),
              Rinkel_Topics__c: text(task.Rinkel_Topics__c)
            });
          }
        }
      }
    }
    return result;
  }
}
