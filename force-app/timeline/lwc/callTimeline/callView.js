// Compiled from callView.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// Turns the Apex DTO into what the template shows. Pure functions of (call, context), so jest,
// the browser test and the benchmark exercise exactly what agents see.
import { LABELS, formatLabel } from './labels';

/** CallTimelineEntry as Apex serialises it (Datetime as ISO 8601, Date as yyyy-mm-dd). */

/** CallTimelineController.Page */

/** Published by CallTaskService after Tasks are upserted (fields Record_Id__c, Call_Id__c: ids only). */
export const CHANNEL = '/event/Rinkel_Call_Update__e';
/** Events for one batch of calls arrive together; one reload answers all of them. */
export const REFRESH_DELAY_MS = 400;
/** How often "5 minutes ago", "summary pending" and recording expiry are brought up to date. */
export const CLOCK_TICK_MS = 60_000;
const DAY_MS = 86_400_000;
/** Insights arrive minutes after a call; past a day, a missing summary will not come any more. */
const SUMMARY_WAIT_MS = DAY_MS;
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0 || !Number.isFinite(seconds)) {
    return '';
  }
  const whole = Math.round(seconds);
  const rest = whole % 60;
  return `${Math.floor(whole / 60)}:${rest < 10 ? '0' : ''}${rest}`;
}
const RELATIVE_STEPS = [['second', 60], ['minute', 60], ['hour', 24], ['day', 7], ['week', 4.345], ['month', 12], ['year', Number.POSITIVE_INFINITY]];
export function relativeTime(iso, now, locale) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return '';
  }
  const format = new Intl.RelativeTimeFormat(locale, {
    numeric: 'auto'
  });
  let value = (then - now) / 1000;
  if (Math.abs(value) < 45) {
    return format.format(0, 'second');
  }
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) {
      return format.format(Math.round(value), unit);
    }
    value /= size;
  }
  return '';
}
function dateTimeFormat(locale, timeZone, options) {
  try {
    return new Intl.DateTimeFormat(locale, {
      ...options,
      timeZone
    });
  } catch {
    // An unknown zone or locale must not take the timeline down; the browser's defaults do.
    return new Intl.DateTimeFormat(undefined, options);
  }
}
export function absoluteTime(iso, locale, timeZone) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return '';
  }
  return dateTimeFormat(locale, timeZone, {
    dateStyle: 'full',
    timeStyle: 'short'
  }).format(then);
}

/** Apex Date (yyyy-mm-dd), shown as a date in the user's locale. */
export function formatDate(isoDate, locale) {
  const then = Date.parse(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(then)) {
    return isoDate;
  }
  return dateTimeFormat(locale, 'UTC', {
    dateStyle: 'medium'
  }).format(then);
}

/** Today in the user's time zone as yyyy-mm-dd, to compare with Apex Dates. */
export function todayIn(now, timeZone) {
  return dateTimeFormat('en-CA', timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit'
  }).format(now);
}
export function statusText(status, reason) {
  switch ((status ?? '').toUpperCase()) {
    case 'ANSWERED':
      return LABELS.statusAnswered;
    case 'MISSED':
      {
        const why = missedReasonText(reason);
        return why ? formatLabel(LABELS.statusMissedReason, why) : LABELS.statusMissed;
      }
    case 'VOICEMAIL':
      return LABELS.statusVoicemail;
    case 'ANSWERING_SERVICE':
      return LABELS.statusAnsweringService;
    default:
      return LABELS.statusUnknown;
  }
}
function missedReasonText(reason) {
  switch ((reason ?? '').toUpperCase()) {
    case 'NO_ANSWER':
      return LABELS.reasonNoAnswer;
    case 'BLOCKED':
      return LABELS.reasonBlocked;
    case 'OUTSIDE_BUSINESS_HOURS':
      return LABELS.reasonOutsideHours;
    default:
      return '';
  }
}
function kindOf(call) {
  const direction = (call.direction ?? '').toLowerCase();
  const status = (call.status ?? '').toUpperCase();
  if (direction !== 'outbound' && status === 'VOICEMAIL') {
    return 'voicemail';
  }
  if (direction !== 'outbound' && status === 'MISSED') {
    return 'missed';
  }
  if (direction === 'inbound' || direction === 'outbound') {
    return direction;
  }
  return 'unknown';
}
const DIRECTION_ICONS = {
  inbound: 'utility:incoming_call',
  outbound: 'utility:outbound_call',
  missed: 'utility:missed_call',
  voicemail: 'utility:voicemail_drop',
  unknown: 'utility:call'
};
function directionOf(call) {
  const kind = kindOf(call);
  const direction = (call.direction ?? '').toLowerCase();
  const text = direction === 'outbound' ? LABELS.outbound : direction === 'inbound' ? LABELS.inbound : LABELS.unknownDirection;
  return {
    icon: DIRECTION_ICONS[kind],
    text,
    kind
  };
}
function statusClass(call) {
  const status = (call.status ?? '').toUpperCase();
  if (status === 'MISSED') {
    return 'call-status slds-text-color_error';
  }
  if (status === 'ANSWERED') {
    return 'call-status call-status_answered';
  }
  return 'call-status slds-text-color_weak';
}
function badges(call) {
  const list = [];
  if (!call.linkedHere) {
    if (call.relatedRecordId) {
      list.push({
        key: 'other',
        label: formatLabel(LABELS.badgeLinkedOther, call.relatedRecordName ?? call.relatedRecordId),
        className: 'slds-badge slds-badge_inverse call-badge',
        url: `/lightning/r/${call.relatedRecordId}/view`
      });
    } else {
      list.push({
        key: 'unmatched',
        label: LABELS.badgeUnmatched,
        className: 'slds-badge slds-theme_warning call-badge',
        url: null
      });
    }
  } else {
    list.push({
      key: 'linked',
      label: LABELS.badgeLinked,
      className: 'slds-badge slds-badge_lightest call-badge',
      url: null
    });
  }
  if ((call.matchStatus ?? '').toLowerCase() === 'multiple') {
    list.push({
      key: 'multiple',
      label: LABELS.badgeMultiple,
      className: 'slds-badge slds-theme_warning call-badge',
      url: null
    });
  }
  return list;
}
function sentimentOf(value) {
  switch ((value ?? '').toUpperCase()) {
    case 'POSITIVE':
      return {
        text: LABELS.sentimentPositive,
        className: 'slds-badge slds-theme_success call-sentiment'
      };
    case 'NEUTRAL':
      return {
        text: LABELS.sentimentNeutral,
        className: 'slds-badge call-sentiment'
      };
    case 'NEGATIVE':
      return {
        text: LABELS.sentimentNegative,
        className: 'slds-badge slds-theme_error call-sentiment'
      };
    default:
      return null;
  }
}
function recordingState(call, ctx) {
  const until = call.recordingAvailableUntil ?? null;
  const expired = call.hasRecording && until !== null && until < todayIn(ctx.now, ctx.timeZone);
  const playable = call.hasRecording && !expired || !call.hasRecording && call.hasVoicemail;
  let note = '';
  if (call.hasRecording && until !== null) {
    note = formatLabel(expired ? LABELS.recordingExpired : LABELS.recordingAvailableUntil, formatDate(until, ctx.locale));
  }
  return {
    expired,
    playable,
    note
  };
}
export function toView(call, ctx) {
  const direction = directionOf(call);
  const sentiment = sentimentOf(call.sentiment);
  const summary = (call.summary ?? '').trim();
  const expanded = ctx.expandedIds.has(call.taskId);
  // Every summary starts clamped to two lines; "show more" appears once the component has
  // measured that the text needs more room than that (it depends on the column's width).
  const canExpand = expanded || ctx.overflowingIds.has(call.taskId);
  const age = ctx.now - Date.parse(call.startedAt);
  const recording = recordingState(call, ctx);
  const numberText = call.externalNumberDisplay || call.externalNumber || LABELS.anonymous;
  const playing = ctx.playingId === call.taskId && ctx.audioUrl !== null;
  const topics = (call.topics ?? []).filter(topic => topic.trim() !== '');
  const playLabel = call.hasRecording ? LABELS.play : LABELS.playVoicemail;
  const absolute = absoluteTime(call.startedAt, ctx.locale, ctx.timeZone);
  return {
    taskId: call.taskId,
    startedAt: call.startedAt,
    itemClass: `slds-timeline__item_expandable slds-timeline__item_call call-item call-item_${direction.kind}`,
    iconClass: `call-icon call-icon_${direction.kind} slds-timeline__icon`,
    directionIcon: direction.icon,
    directionText: direction.text,
    statusText: statusText(call.status, call.missedReason),
    statusClass: statusClass(call),
    numberText,
    relativeTime: relativeTime(call.startedAt, ctx.now, ctx.locale),
    absoluteTime: absolute,
    durationText: formatDuration(call.durationSeconds),
    agentText: call.agentName || LABELS.noAgent,
    badges: badges(call),
    hasSentiment: sentiment !== null,
    sentimentText: sentiment ? formatLabel(LABELS.sentimentLabel, sentiment.text) : '',
    sentimentClass: sentiment?.className ?? '',
    hasTopics: topics.length > 0,
    topics: topics.map((topic, index) => ({
      key: `${index}-${topic}`,
      label: topic
    })),
    hasSummary: summary !== '',
    summary,
    summaryClass: expanded ? 'call-summary' : 'call-summary call-summary_clamped',
    summaryId: `summary-${call.taskId}`,
    summaryPending: summary === '' && (call.status ?? '').toUpperCase() === 'ANSWERED' && age >= 0 && age < SUMMARY_WAIT_MS,
    canExpand,
    expanded: expanded ? 'true' : 'false',
    toggleText: expanded ? LABELS.showLess : LABELS.showMore,
    showPlay: ctx.canListen && recording.playable && !playing,
    playLabel,
    playAriaLabel: `${playLabel} – ${numberText}, ${absolute}`,
    fetching: ctx.fetchingId === call.taskId,
    playing,
    audioUrl: playing ? ctx.audioUrl : null,
    audioLabel: formatLabel(LABELS.recordingPlayer, numberText),
    recordingNote: recording.note,
    recordingExpired: recording.expired,
    recordingError: ctx.recordingErrors[call.taskId] ?? ''
  };
}

/** The message an Apex or network failure carries, for the agent; '' when there is none. */
export function errorMessage(error) {
  if (typeof error !== 'object' || error === null) {
    return '';
  }
  const body = error.body;
  if (Array.isArray(body)) {
    return body.map(item => item?.message).filter(message => typeof message === 'string').join(', ');
  }
  if (typeof body === 'object' && body !== null) {
    const message = body.message;
    if (typeof message === 'string') {
      return message;
    }
  }
  return '';
}

/** Salesforce ids compare case-sensitively on their first 15 characters. */
export function sameId(a, b) {
  return !!a && !!b && a.substring(0, 15) === b.substring(0, 15);
}
