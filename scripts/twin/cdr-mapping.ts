// Rinkel call detail record (CDR) / callInsights webhook → Task field values.
// Mirrors force-app/call-tasks/classes/CallTaskMapper.cls; both run RinkelMappingVectors.json.
// Matching (WhatId, match status) and the owner are decided by the org, not here.

import {
  abbreviate,
  booleanAt,
  isObject,
  objectAt,
  textAt,
  textListAt,
  wholeNumberAt,
  type JsonObject
} from './json';
import {
  aiSection,
  composeDescription,
  extractAiSection,
  formatDuration,
  hasInsights,
  headerBlock,
  recordingLine,
  replaceAiSection,
  voicemailLine,
  type CallInsights
} from './description';
import { formatLabel, type LabelCatalog, type LabelLanguage } from './labels';
import { normalizePhone } from './phone';
import { CAUSES, MISSED_REASON_LABELS, SENTIMENT_LABELS, STATUS_LABELS } from './rules.generated';

/** Field lengths of the Task fields written here (see force-app/.../objects/Activity/fields). */
export const FIELD_LENGTHS = {
  Subject: 255,
  Description: 32000,
  CallDisposition: 255,
  Rinkel_Status__c: 40,
  Rinkel_Missed_Reason__c: 40,
  Rinkel_External_Number_Display__c: 40,
  Rinkel_User_Name__c: 255,
  Rinkel_AI_Summary__c: 255,
  Rinkel_Topics__c: 255
} as const;

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

// STATUS_LABELS, MISSED_REASON_LABELS and CAUSES (callEnd `cause` → CDR status and missed
// reason): rules/call-status.json, generated into ./rules.generated.ts and RinkelRules.cls.
export { CAUSES, MISSED_REASON_LABELS, STATUS_LABELS };

export interface CallStatus {
  status: string | null;
  missedReason: string | null;
}

/** The Task as Rinkel's data leaves it; dates as yyyy-MM-dd, date-times as ISO 8601 UTC. */
export interface CallTaskFields {
  Rinkel_Call_Id__c: string;
  Subject: string;
  Description: string;
  Status: 'Completed';
  CallType: 'Inbound' | 'Outbound' | null;
  CallDurationInSeconds: number | null;
  CallDisposition: string;
  ActivityDate: string | null;
  Rinkel_Direction__c: string | null;
  Rinkel_Status__c: string | null;
  Rinkel_Missed_Reason__c: string | null;
  Rinkel_External_Number__c: string | null;
  Rinkel_External_Number_Display__c: string | null;
  Rinkel_User_Id__c: string | null;
  Rinkel_User_Name__c: string | null;
  Rinkel_Recording_Id__c: string | null;
  Rinkel_Recording_Available_Until__c: string | null;
  Rinkel_Voicemail_Id__c: string | null;
  Rinkel_AI_Summary__c: string | null;
  Rinkel_Sentiment__c: string | null;
  Rinkel_Topics__c: string | null;
  Rinkel_Started_At__c: string | null;
}

/** What the org already holds for the call (the Task an earlier event created), if anything. */
export interface ExistingCallTask {
  Description?: string | null;
  Rinkel_AI_Summary__c?: string | null;
  Rinkel_Sentiment__c?: string | null;
  Rinkel_Topics__c?: string | null;
}

export interface MappingOptions {
  labels: LabelCatalog;
  language: LabelLanguage;
  /** Time zone of ActivityDate and of the recording's "available until" date. */
  timeZone?: string;
  /** Default country for numbers Rinkel sends without international prefix. */
  defaultCountry?: string;
  existing?: ExistingCallTask | null;
}

export interface CdrMapping {
  fields: CallTaskFields;
  /** The caller withheld the number: the Task is never matched. */
  anonymous: boolean;
}

export function statusForCause(cause: string | null | undefined): CallStatus {
  const key = (cause ?? '').trim().toUpperCase();
  if (key === '') {
    return { status: null, missedReason: null };
  }
  return CAUSES[key] ?? { status: key, missedReason: null };
}

/** "Beantwoord", "Gemist (buiten openingstijden)", "Onbekend (TRANSFERRED)". */
export function statusText(
  status: string | null,
  missedReason: string | null,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  const unknown = labels.get('Rinkel_Unknown', language);
  const statusLabel = status === null ? undefined : STATUS_LABELS[status.toUpperCase()];
  let text = statusLabel
    ? labels.get(statusLabel, language)
    : status === null
      ? unknown
      : `${unknown} (${status})`;
  if (missedReason !== null) {
    const reasonLabel = MISSED_REASON_LABELS[missedReason.toUpperCase()];
    text += ` (${reasonLabel ? labels.get(reasonLabel, language) : missedReason})`;
  }
  return text;
}

export function directionText(
  direction: string | null,
  labels: LabelCatalog,
  language: LabelLanguage
): string {
  switch (direction?.toLowerCase()) {
    case 'inbound':
      return labels.get('Rinkel_Direction_Inbound', language);
    case 'outbound':
      return labels.get('Rinkel_Direction_Outbound', language);
    default:
      return labels.get('Rinkel_Unknown', language);
  }
}

/** ISO 8601 date-time with seconds and a zone, as Rinkel sends them (Apex parses the same set). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;

/** ISO 8601 text → the same instant as yyyy-MM-ddTHH:mm:ss.SSSZ (UTC), or null. */
export function isoUtc(value: string | null): string | null {
  if (value === null || !ISO_DATE_TIME.test(value)) {
    return null;
  }
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? null : new Date(millis).toISOString();
}

/** The calendar date (yyyy-MM-dd) of an ISO date-time in a time zone; a bare date is kept. */
export function localDate(value: string | null, timeZone: string): string | null {
  if (value === null) {
    return null;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return value;
  }
  const instant = isoUtc(value);
  if (instant === null) {
    return null;
  }
  const millis = Date.parse(instant);
  return dayFormat(timeZone).format(new Date(millis));
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per time zone for the whole run: each Intl.DateTimeFormat holds ICU memory outside
 * the JavaScript heap that the collector does not see, so one per call grew the backfill by about
 * 25 KB a call (250 MB per 10,000) before a collection came.
 */
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    // en-CA formats dates as yyyy-MM-dd.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit'
    });
    dayFormats.set(timeZone, format);
  }
  return format;
}

function joinTopics(topics: string[]): string | null {
  return topics.length === 0 ? null : topics.join(';');
}

function splitTopics(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(';')
    .map((topic) => topic.trim())
    .filter((topic) => topic !== '');
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/** Insights as Rinkel sent them: a CDR's `insights`, or a callInsights body (flat or wrapped). */
export function readInsights(source: unknown): CallInsights {
  const wrapped = objectAt(source, 'insights');
  const from = wrapped ?? source;
  // CallTaskMapper.sentimentOf: only the documented values (rules/call-status.json), else null.
  const sentiment = textAt(from, 'sentiment')?.trim().toUpperCase() ?? null;
  return {
    summary: textAt(from, 'summary'),
    sentiment: sentiment !== null && sentiment in SENTIMENT_LABELS ? sentiment : null,
    topics: textListAt(from, 'topics')
  };
}

/** Insights already stored on the Task. */
export function storedInsights(existing: ExistingCallTask | null | undefined): CallInsights {
  return {
    summary: blankToNull(existing?.Rinkel_AI_Summary__c),
    sentiment: blankToNull(existing?.Rinkel_Sentiment__c),
    topics: splitTopics(existing?.Rinkel_Topics__c)
  };
}

/** Per part: the incoming value when Rinkel sent one, else what the Task already had. */
export function mergeInsights(stored: CallInsights, incoming: CallInsights): CallInsights {
  return {
    summary: incoming.summary ?? stored.summary,
    sentiment: incoming.sentiment ?? stored.sentiment,
    topics: incoming.topics.length > 0 ? incoming.topics : stored.topics
  };
}

function insightFields(
  insights: CallInsights
): Pick<CallTaskFields, 'Rinkel_AI_Summary__c' | 'Rinkel_Sentiment__c' | 'Rinkel_Topics__c'> {
  return {
    Rinkel_AI_Summary__c: abbreviate(insights.summary, FIELD_LENGTHS.Rinkel_AI_Summary__c),
    Rinkel_Sentiment__c: insights.sentiment,
    Rinkel_Topics__c: abbreviate(joinTopics(insights.topics), FIELD_LENGTHS.Rinkel_Topics__c)
  };
}

/** The network call id of a CDR. Never its own `id`: that is the CDR's id, not the call's. */
export function cdrCallId(cdr: unknown): string | null {
  return normalizeId(textAt(cdr, 'callId'));
}

/** Trimmed and lower case, as RinkelIds.normalize: the External IDs are not case sensitive. */
export function normalizeId(raw: string | null): string | null {
  const id = raw?.trim().toLowerCase();
  return id ? id : null;
}

/** The network call id of a webhook body (`id`; `callId` accepted too). */
export function webhookCallId(payload: unknown): string | null {
  return normalizeId(textAt(payload, 'id') ?? textAt(payload, 'callId'));
}

interface ExternalNumber {
  anonymous: boolean;
  e164: string | null;
  localized: string | null;
}

function readExternalNumber(cdr: JsonObject): ExternalNumber {
  const number = objectAt(cdr, 'externalNumber');
  if (number === null) {
    // Lenient: a plain string instead of the documented object.
    const plain = textAt(cdr, 'externalNumber');
    return { anonymous: false, e164: plain, localized: plain };
  }
  return {
    anonymous: booleanAt(number, 'anonymous'),
    e164: textAt(number, 'e164'),
    localized: textAt(number, 'localized')
  };
}

function userName(user: JsonObject | null): string | null {
  const full = textAt(user, 'fullName');
  if (full !== null) {
    return full;
  }
  const parts = [textAt(user, 'firstName'), textAt(user, 'lastName')].filter(
    (part): part is string => part !== null
  );
  return parts.length === 0 ? null : parts.join(' ');
}

/**
 * Maps one CDR (the `data` object of GET /call-detail-records/...) to Task field values.
 * Stream URLs (callRecordingUrl, playUrl) are never read: they expire after three hours.
 *
 * @throws Error when the CDR has no call id (it cannot be upserted)
 */
export function mapCdr(cdr: unknown, options: MappingOptions): CdrMapping {
  const { labels, language } = options;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  if (!isObject(cdr)) {
    throw new Error('A call detail record must be a JSON object');
  }
  const callId = cdrCallId(cdr);
  if (callId === null) {
    throw new Error('A call detail record without callId cannot become a Task');
  }
  const direction = textAt(cdr, 'direction');
  const status = textAt(cdr, 'status');
  const missedReason = textAt(cdr, 'missedReason');
  const duration = wholeNumberAt(cdr, 'duration');
  const external = readExternalNumber(cdr);
  const user = objectAt(cdr, 'user');
  const recording = objectAt(cdr, 'callRecording');
  const recordingId = textAt(recording, 'id');
  const availableUntil = localDate(textAt(recording, 'availableUntil'), timeZone);
  const voicemail = objectAt(cdr, 'voicemail');
  const voicemailId = textAt(voicemail, 'id');
  const voicemailSeconds = wholeNumberAt(voicemail, 'duration');
  const startedAt = isoUtc(textAt(cdr, 'date'));

  const unknown = labels.get('Rinkel_Unknown', language);
  const display = external.anonymous ? null : (external.localized ?? external.e164);
  const statusLabel = statusText(status, missedReason, labels, language);
  const directionLabel = directionText(direction, labels, language);
  const agent = userName(user);

  const header = headerBlock(
    {
      direction: directionLabel,
      status: statusLabel,
      duration: duration === null ? unknown : formatDuration(duration, labels, language),
      number: external.anonymous ? labels.get('Rinkel_Anonymous', language) : (display ?? unknown),
      agent: agent ?? labels.get('Rinkel_No_Agent', language)
    },
    labels,
    language
  );
  const media: string[] = [];
  if (recordingId !== null) {
    media.push(recordingLine(availableUntil, labels, language));
  }
  if (voicemailId !== null) {
    const vmDuration =
      voicemailSeconds === null ? null : formatDuration(voicemailSeconds, labels, language);
    media.push(voicemailLine(vmDuration, labels, language));
  }

  // Insights: Rinkel's newest values win; what an earlier callInsights stored is kept otherwise.
  const incoming = readInsights(objectAt(cdr, 'insights'));
  const merged = mergeInsights(storedInsights(options.existing), incoming);
  const keptSection = hasInsights(incoming)
    ? null
    : extractAiSection(options.existing?.Description ?? null, labels);
  const ai = keptSection ?? aiSection(merged, labels, language);

  const lowerDirection = direction?.toLowerCase() ?? null;
  const fields: CallTaskFields = {
    Rinkel_Call_Id__c: callId,
    Subject: abbreviate(
      formatLabel(labels.get('Rinkel_Subject_Format', language), directionLabel, statusLabel),
      FIELD_LENGTHS.Subject
    ) as string,
    Description: abbreviate(
      composeDescription(header, media, ai),
      FIELD_LENGTHS.Description
    ) as string,
    Status: 'Completed',
    CallType:
      lowerDirection === 'inbound' ? 'Inbound' : lowerDirection === 'outbound' ? 'Outbound' : null,
    CallDurationInSeconds: duration,
    CallDisposition: abbreviate(statusLabel, FIELD_LENGTHS.CallDisposition) as string,
    ActivityDate: localDate(startedAt, timeZone),
    Rinkel_Direction__c: lowerDirection,
    Rinkel_Status__c: abbreviate(status, FIELD_LENGTHS.Rinkel_Status__c),
    Rinkel_Missed_Reason__c: abbreviate(missedReason, FIELD_LENGTHS.Rinkel_Missed_Reason__c),
    Rinkel_External_Number__c: external.anonymous
      ? null
      : normalizePhone(external.e164 ?? external.localized, options.defaultCountry ?? 'NL'),
    Rinkel_External_Number_Display__c: abbreviate(
      display,
      FIELD_LENGTHS.Rinkel_External_Number_Display__c
    ),
    Rinkel_User_Id__c: textAt(user, 'id'),
    Rinkel_User_Name__c: abbreviate(agent, FIELD_LENGTHS.Rinkel_User_Name__c),
    Rinkel_Recording_Id__c: recordingId,
    Rinkel_Recording_Available_Until__c: recordingId === null ? null : availableUntil,
    Rinkel_Voicemail_Id__c: voicemailId,
    ...insightFields(merged),
    Rinkel_Started_At__c: startedAt
  };
  return { fields, anonymous: external.anonymous };
}

/** Task values a callInsights webhook sets. Subject and Status only when the Task is new. */
export interface InsightsTaskFields {
  Rinkel_Call_Id__c: string;
  Description: string;
  Rinkel_AI_Summary__c: string | null;
  Rinkel_Sentiment__c: string | null;
  Rinkel_Topics__c: string | null;
  Subject?: string;
  Status?: 'Completed';
}

/**
 * Maps a callInsights webhook body onto the call's Task: fills summary, sentiment and topics
 * and rewrites only the AI section of the Description. With no existing Task (insights came
 * before callEnd) it returns a new Task that the CDR will complete later.
 *
 * @throws Error when the body has no call id
 */
export function mapInsights(
  payload: unknown,
  options: Omit<MappingOptions, 'timeZone' | 'defaultCountry'>
): InsightsTaskFields {
  const { labels, language, existing } = options;
  const callId = webhookCallId(payload);
  if (callId === null) {
    throw new Error('A callInsights body without id cannot be linked to a call');
  }
  const merged = mergeInsights(storedInsights(existing), readInsights(payload));
  const section = aiSection(merged, labels, language);
  const fields: InsightsTaskFields = {
    Rinkel_Call_Id__c: callId,
    Description: abbreviate(
      replaceAiSection(existing?.Description ?? null, section, labels),
      FIELD_LENGTHS.Description
    ) as string,
    ...insightFields(merged)
  };
  if (!existing) {
    fields.Subject = labels.get('Rinkel_Subject_Call', language);
    fields.Status = 'Completed';
  }
  return fields;
}
