// What the backfill asks the org, in bulk per page of calls: the records the numbers belong to
// (the same rules as WeborderMatcher.cls: open records first in the configured order, several
// records = Multiple), the owners by Rinkel user id, and the Tasks that already exist.

import { soqlQuote } from '../clients/org';
import type { ExistingCallTask, LabelLanguage } from '../twin';

export interface QueryClient {
  query(soql: string): Promise<Record<string, unknown>[]>;
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

/** The org's Rinkel_Setting__mdt "Default" record, with the same code defaults as RinkelSettings. */
export async function readSettings(client: QueryClient): Promise<MatchSettings> {
  let record: Record<string, unknown> | undefined;
  try {
    [record] = await client.query(
      'SELECT Match_Object__c, Match_Status_Field__c, Match_Closed_Statuses__c, Match_Order_By__c, ' +
        "Default_Country__c, Description_Language__c FROM Rinkel_Setting__mdt WHERE DeveloperName = 'Default'"
    );
  } catch {
    record = undefined;
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

function inList(values: Iterable<string>): string {
  return `(${[...values].map(soqlQuote).join(',')})`;
}

export class OrgLookups {
  constructor(
    private readonly client: QueryClient,
    private readonly settings: MatchSettings
  ) {}

  /** A Match for every number (Unmatched when no record has it). */
  async matches(numbers: Iterable<string>): Promise<Map<string, Match>> {
    const wanted = new Set([...numbers].filter(Boolean));
    const result = new Map<string, Match>();
    for (const phone of wanted) {
      result.set(phone, { whatId: null, status: 'Unmatched', count: 0 });
    }
    if (wanted.size === 0) {
      return result;
    }
    const { object, statusField, orderBy } = this.settings;
    const records = await this.client.query(
      `SELECT Id, ${E164_FIELD}${statusField ? `, ${statusField}` : ''} FROM ${object} ` +
        `WHERE ${E164_FIELD} IN ${inList(wanted)} ORDER BY ${orderBy}`
    );
    const byPhone = new Map<string, Record<string, unknown>[]>();
    for (const record of records) {
      const phone = text(record[E164_FIELD]);
      if (phone) {
        byPhone.set(phone, [...(byPhone.get(phone) ?? []), record]);
      }
    }
    for (const [phone, list] of byPhone) {
      const open = list.find((r) => this.isOpen(r)) ?? list[0];
      result.set(phone, {
        whatId: text(open?.Id),
        status: list.length === 1 ? 'Matched' : 'Multiple',
        count: list.length
      });
    }
    return result;
  }

  private isOpen(record: Record<string, unknown>): boolean {
    const field = this.settings.statusField;
    if (!field) return true;
    const status = text(record[field]);
    return status === null || !this.settings.closedStatuses.has(status.toLowerCase());
  }

  /** Salesforce user id by Rinkel user id (User.Rinkel_User_Id__c). */
  async owners(rinkelUserIds: Iterable<string>): Promise<Map<string, string>> {
    const wanted = new Set([...rinkelUserIds].filter(Boolean));
    const result = new Map<string, string>();
    if (wanted.size === 0) return result;
    const users = await this.client.query(
      `SELECT Id, Rinkel_User_Id__c FROM User WHERE IsActive = true AND Rinkel_User_Id__c IN ${inList(wanted)}`
    );
    for (const user of users) {
      const rinkelId = text(user.Rinkel_User_Id__c);
      const id = text(user.Id);
      if (rinkelId && id) result.set(rinkelId, id);
    }
    return result;
  }

  /** The Tasks that already exist for these calls, with what the mapping merges into. */
  async existingTasks(callIds: Iterable<string>): Promise<Map<string, ExistingCallTask>> {
    const wanted = new Set([...callIds].filter(Boolean));
    const result = new Map<string, ExistingCallTask>();
    if (wanted.size === 0) return result;
    const tasks = await this.client.query(
      'SELECT Rinkel_Call_Id__c, Description, Rinkel_AI_Summary__c, Rinkel_Sentiment__c, Rinkel_Topics__c ' +
        `FROM Task WHERE Rinkel_Call_Id__c IN ${inList(wanted)}`
    );
    for (const task of tasks) {
      const callId = text(task.Rinkel_Call_Id__c);
      if (callId) {
        result.set(callId, {
          Description: text(task.Description),
          Rinkel_AI_Summary__c: text(task.Rinkel_AI_Summary__c),
          Rinkel_Sentiment__c: text(task.Rinkel_Sentiment__c),
          Rinkel_Topics__c: text(task.Rinkel_Topics__c)
        });
      }
    }
    return result;
  }
}
