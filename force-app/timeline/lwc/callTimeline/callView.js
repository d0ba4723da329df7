// Compiled from callView.ts by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.
// Turns the Apex DTO into what the template shows. Pure functions of (call, context), so jest,
// the browser test and the benchmark exercise exactly what agents see. The view of a call depends
// only on the call, the minute and the user's locale and zone: the component builds it once per
// call and minute (see ViewCache), never on every render, and the Intl formatters are cached.
import { LABELS, formatLabel } from './labels';

/** CallTimelineEntry as Apex serialises it (Datetime as ISO 8601, Date as yyyy-mm-dd). */

/** CallTimelineController.Page */

/** Published by CallTaskService after Tasks are upserted; carries ids only (Call_Id__c, Record_Id__c). */
export const CHANNEL = '/event/Rinkel_Call_Update__e';
/** Events for one batch of calls arrive together; one round of re-queries answers all of them. */
export const REFRESH_DELAY_MS = 400;
/** How often "just now", the day groups, "summary pending" and recording expiry are brought up to date. */
export const CLOCK_TICK_MS = 60_000;
/** At most this many topics are shown; the rest is "+N" with the names in its title. */
export const MAX_TOPICS = 3;
/** A summary this long gets "Show less" above it too and scrolls within a bounded box. */
export const LONG_SUMMARY_CHARS = 600;
/** "Recording available until …" is shown only this close to the last playable day. */
export const EXPIRY_NOTICE_DAYS = 7;
/** The header says "2,000+ calls" past this (CallTimelineController.COUNT_CAP). */
export const COUNT_CAP = 2000;
const DAY_MS = 86_400_000;
/** Insights arrive minutes after a call; past a day, a missing summary will not come any more. */
const SUMMARY_WAIT_MS = DAY_MS;
/** A call that started less than this ago — or "in the future" by a skewed clock — is "just now". */
const JUST_NOW_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Intl formatters, created once per locale, zone and options (creating one costs far more than
// using it; a page of 1,000 calls used to create 4,000 per render).

const formatters = new Map();
export function dateTimeFormat(locale, timeZone, options) {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(locale, {
        ...options,
        timeZone
      });
    } catch {
      // An unknown zone or locale must not take the timeline down; the browser's defaults do.
      format = new Intl.DateTimeFormat(undefined, options);
    }
    formatters.set(key, format);
  }
  return format;
}

/** How many formatters exist (the benchmark and the tests check that this stays flat). */
export function formatterCount() {
  return formatters.size;
}

// The locale's own short time: "8:05 AM" in the US, "08:05" in the Netherlands.
const TIME = {
  timeStyle: 'short'
};
const DAY_MONTH = {
  day: 'numeric',
  month: 'short'
};
const DAY_MONTH_YEAR = {
  day: 'numeric',
  month: 'short',
  year: 'numeric'
};
const MONTH_YEAR = {
  month: 'long',
  year: 'numeric'
};
const FULL = {
  dateStyle: 'full',
  timeStyle: 'short'
};
const KEY = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit'
};

// ---------------------------------------------------------------------------------------------
// Durations and dates

/** "45 s", "1 min 15 s", "3 h 0 min": as people read a call's length (never "180:00"). */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0 || !Number.isFinite(seconds)) {
    return '';
  }
  const whole = Math.round(seconds);
  if (whole < 60) {
    return formatLabel(LABELS.durationSeconds, String(whole));
  }
  if (whole < 3600) {
    return formatLabel(LABELS.durationMinutes, String(Math.floor(whole / 60)), String(whole % 60));
  }
  return formatLabel(LABELS.durationHours, String(Math.floor(whole / 3600)), String(Math.floor(whole % 3600 / 60)));
}

/** The calendar day of an instant in the user's time zone, as yyyy-mm-dd. */
export function dayKeyOf(time, timeZone) {
  return dateTimeFormat('en-CA', timeZone, KEY).format(time);
}

/** Today in the user's time zone as yyyy-mm-dd, to compare with Apex Dates. */
export function todayIn(now, timeZone) {
  return dayKeyOf(now, timeZone);
}

/** The calendar day before a yyyy-mm-dd day (not "24 hours ago", which DST makes wrong). */
export function previousDay(dayKey) {
  const [year, month, day] = dayKey.split('-').map(Number);
  return new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) - 1)).toISOString().slice(0, 10);
}
export function absoluteTime(iso, locale, timeZone) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return '';
  }
  return dateTimeFormat(locale, timeZone, FULL).format(then);
}

/**
 * When a call started, as the standard activity timeline says it: "just now" (also for a start
 * a skewed clock puts in the future), the time today, "Yesterday 16:02", then the date — with
 * the year only when it is not this year. Calendar days in the user's time zone.
 */
export function whenText(iso, now, locale, timeZone) {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) {
    return '';
  }
  if (now - then < JUST_NOW_MS) {
    return LABELS.justNow;
  }
  const today = dayKeyOf(now, timeZone);
  const day = dayKeyOf(then, timeZone);
  const time = dateTimeFormat(locale, timeZone, TIME).format(then);
  if (day === today) {
    return time;
  }
  if (day === previousDay(today)) {
    return formatLabel(LABELS.yesterdayAt, time);
  }
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return dateTimeFormat(locale, timeZone, sameYear ? DAY_MONTH : DAY_MONTH_YEAR).format(then);
}

/** The group a call is listed under: Today, Yesterday, then one group per month. */
export function groupOf(iso, now, locale, timeZone) {
  const then = Date.parse(iso);
  const today = dayKeyOf(now, timeZone);
  const day = Number.isNaN(then) ? today : dayKeyOf(Math.min(then, now), timeZone);
  if (day === today) {
    return {
      key: 'today',
      title: LABELS.groupToday
    };
  }
  if (day === previousDay(today)) {
    return {
      key: 'yesterday',
      title: LABELS.groupYesterday
    };
  }
  const title = dateTimeFormat(locale, timeZone, MONTH_YEAR).format(then);
  return {
    key: `month-${day.slice(0, 7)}`,
    title: title.charAt(0).toLocaleUpperCase(locale) + title.slice(1)
  };
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
const numberFormats = new Map();
function numberFormat(locale) {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format;
}

/** "12 calls", "1 call", "2,000+ calls"; '' while unknown. */
export function countText(total, locale) {
  if (total === null || total === undefined || total < 0) {
    return '';
  }
  if (total === 1) {
    return LABELS.countOne;
  }
  const format = numberFormat(locale);
  return total > COUNT_CAP ? formatLabel(LABELS.countMore, format.format(COUNT_CAP)) : formatLabel(LABELS.count, format.format(total));
}

// ---------------------------------------------------------------------------------------------
// Status, direction, badges

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
function isMissed(call) {
  return (call.status ?? '').toUpperCase() === 'MISSED';
}
function statusClass(call) {
  const status = (call.status ?? '').toUpperCase();
  if (status === 'MISSED') {
    return 'call-status call-status_missed';
  }
  if (status === 'ANSWERED') {
    return 'call-status call-status_answered';
  }
  return 'call-status call-status_other';
}

/** Only the exceptions: a call linked elsewhere, unmatched, or matching several records. */
function badges(call) {
  const list = [];
  const match = (call.matchStatus ?? '').toLowerCase();
  if (!call.linkedHere && call.relatedRecordId) {
    list.push({
      key: 'other',
      label: formatLabel(LABELS.badgeLinkedOther, call.relatedRecordName ?? call.relatedRecordId),
      className: 'slds-badge call-badge call-badge_other',
      recordId: call.relatedRecordId,
      url: `/lightning/r/${call.relatedRecordId}/view`
    });
  } else if (!call.relatedRecordId || match === 'unmatched') {
    list.push({
      key: 'unmatched',
      label: LABELS.badgeUnmatched,
      className: 'slds-badge call-badge call-badge_warning',
      recordId: null,
      url: null
    });
  }
  if (match === 'multiple') {
    list.push({
      key: 'multiple',
      label: LABELS.badgeMultiple,
      className: 'slds-badge call-badge call-badge_warning',
      recordId: null,
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
        className: 'call-sentiment call-sentiment_positive'
      };
    case 'NEUTRAL':
      return {
        text: LABELS.sentimentNeutral,
        className: 'call-sentiment call-sentiment_neutral'
      };
    case 'NEGATIVE':
      return {
        text: LABELS.sentimentNegative,
        className: 'call-sentiment call-sentiment_negative'
      };
    default:
      return null;
  }
}
function recordingState(call, ctx) {
  const until = call.recordingAvailableUntil ?? null;
  const today = todayIn(ctx.now, ctx.timeZone);
  // Playable through its available-until day, in the user's time zone (as the Apex check).
  const expired = call.hasRecording && until !== null && until < today;
  const playable = call.hasRecording && !expired || !call.hasRecording && call.hasVoicemail;
  let note = '';
  // Without a way to play there is nothing to say about availability.
  if (ctx.canListen && call.hasRecording && until !== null) {
    if (expired) {
      note = formatLabel(LABELS.recordingExpired, formatDate(until, ctx.locale));
    } else if (Date.parse(`${until}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`) < EXPIRY_NOTICE_DAYS * DAY_MS) {
      note = formatLabel(LABELS.recordingAvailableUntil, formatDate(until, ctx.locale));
    }
  }
  return {
    expired,
    playable,
    note
  };
}
function topicsOf(call) {
  const all = (call.topics ?? []).map(topic => topic.trim()).filter(topic => topic !== '');
  const shown = all.slice(0, MAX_TOPICS);
  const rest = all.slice(MAX_TOPICS);
  return {
    shown: shown.map((topic, index) => ({
      key: `${index}-${topic}`,
      label: topic
    })),
    rest
  };
}
export function toView(call, ctx) {
  const direction = directionOf(call);
  const sentiment = sentimentOf(call.sentiment);
  const summary = (call.summary ?? '').trim();
  const age = ctx.now - Date.parse(call.startedAt);
  const recording = recordingState(call, ctx);
  const numberText = call.externalNumberDisplay || call.externalNumber || LABELS.anonymous;
  const topics = topicsOf(call);
  const playLabel = call.hasRecording ? LABELS.play : LABELS.playVoicemail;
  const absolute = absoluteTime(call.startedAt, ctx.locale, ctx.timeZone);
  const when = whenText(call.startedAt, ctx.now, ctx.locale, ctx.timeZone);
  const group = groupOf(call.startedAt, ctx.now, ctx.locale, ctx.timeZone);
  const status = statusText(call.status, call.missedReason);
  const missed = isMissed(call);
  const duration = formatDuration(call.durationSeconds);
  // A missed call has no length and no agent: its reason is what matters.
  const showDuration = !missed && duration !== '' && (call.durationSeconds ?? 0) > 0;
  const showAgent = !missed && !!call.agentName;
  const badgeList = badges(call);
  const match = (call.matchStatus ?? '').toLowerCase();
  const headingText = formatLabel(LABELS.callHeading, direction.text, status, numberText, absolute);
  const then = Date.parse(call.startedAt);
  return {
    taskId: call.taskId,
    callId: call.callId,
    startedAt: call.startedAt,
    dayKey: Number.isNaN(then) ? '' : dayKeyOf(then, ctx.timeZone),
    groupKey: group.key,
    groupTitle: group.title,
    itemClass: `slds-timeline__item_expandable call-item call-item_${direction.kind}`,
    iconClass: `call-icon call-icon_${direction.kind}`,
    directionIcon: direction.icon,
    directionText: direction.text,
    statusText: status,
    statusClass: statusClass(call),
    numberText,
    headingText,
    whenText: when,
    absoluteTime: absolute,
    showDuration,
    durationText: duration,
    showAgent,
    agentText: call.agentName ?? '',
    hasMeta: showDuration || showAgent,
    badges: badgeList,
    hasBadges: badgeList.length > 0,
    hasSentiment: sentiment !== null,
    sentimentText: sentiment ? formatLabel(LABELS.sentimentLabel, sentiment.text) : '',
    sentimentClass: sentiment?.className ?? '',
    hasTopics: topics.shown.length > 0,
    topics: topics.shown,
    hasMoreTopics: topics.rest.length > 0,
    moreTopicsText: formatLabel(LABELS.topicsMore, String(topics.rest.length)),
    moreTopicsTitle: topics.rest.join(', '),
    moreTopicsLabel: formatLabel(LABELS.topicsMoreLabel, topics.rest.join(', ')),
    hasSummary: summary !== '',
    summary,
    summaryLong: summary.length > LONG_SUMMARY_CHARS,
    summaryId: `summary-${call.taskId}`,
    summaryPending: summary === '' && (call.status ?? '').toUpperCase() === 'ANSWERED' &&
    // `now` moves once a clock tick, so a call that arrives live may have started up to a
    // tick after it; only a start beyond that is a skewed clock, with nothing to wait for.
    age > -CLOCK_TICK_MS && age < SUMMARY_WAIT_MS,
    showPlay: ctx.canListen && recording.playable,
    playLabel,
    playAriaLabel: `${playLabel} – ${numberText}, ${absolute}`,
    audioLabel: formatLabel(LABELS.recordingPlayer, numberText),
    recordingNote: recording.note,
    recordingExpired: recording.expired,
    menuLabel: formatLabel(LABELS.rowActions, headingText),
    canLink: !call.linkedHere ? match === 'unmatched' || match === 'multiple' || !call.relatedRecordId : match === 'multiple',
    canEdit: call.canEdit === true,
    canCallBack: (missed || (call.status ?? '').toUpperCase() === 'VOICEMAIL') && !!call.externalNumber && match !== 'anonymous',
    relatedRecordId: call.relatedRecordId ?? null
  };
}

// ---------------------------------------------------------------------------------------------
// Views built once per call and minute; groups rebuilt only when the calls or the minute change.

export class ViewCache {
  views = new WeakMap();
  last = null;
  /** How many views were built since the cache was made (the tests count them). */
  built = 0;
  groups(calls, ctx) {
    const stamp = `${Math.floor(ctx.now / CLOCK_TICK_MS)}|${ctx.canListen}|${ctx.locale}|${ctx.timeZone}`;
    if (this.last && this.last.calls === calls && this.last.stamp === stamp) {
      return this.last.groups;
    }
    const groups = [];
    let current = null;
    for (const call of calls) {
      const view = this.view(call, ctx, stamp);
      if (!current || current.key !== view.groupKey) {
        current = {
          key: view.groupKey,
          title: view.groupTitle,
          items: []
        };
        groups.push(current);
      }
      current.items.push(view);
    }
    // A group whose calls are the same views as before stays the same object, so only the
    // groups that changed render again.
    const before = new Map((this.last?.groups ?? []).map(group => [group.key, group]));
    const kept = groups.map(group => {
      const old = before.get(group.key);
      return old && old.title === group.title && old.items.length === group.items.length && old.items.every((item, index) => item === group.items[index]) ? old : group;
    });
    this.last = {
      calls,
      stamp,
      groups: kept
    };
    return kept;
  }
  view(call, ctx, stamp) {
    const cached = this.views.get(call);
    if (cached && cached.stamp === stamp) {
      return cached.view;
    }
    const view = toView(call, ctx);
    this.built++;
    this.views.set(call, {
      stamp,
      view
    });
    return view;
  }
}

// ---------------------------------------------------------------------------------------------
// Live updates: one changed call, in place.

/** Newest first, as CallTimelineController orders: start time, then Task Id, descending. */
export function compareCalls(a, b) {
  const byTime = Date.parse(b.startedAt) - Date.parse(a.startedAt);
  if (byTime !== 0) {
    return byTime;
  }
  return a.taskId < b.taskId ? 1 : a.taskId > b.taskId ? -1 : 0;
}
const RANGE_DAYS = {
  any: null,
  week: 7,
  month: 30,
  year: 365
};

/** The controller's filter, range and same-number rules, for a call that arrived by itself. */
export function matchesFilter(call, list) {
  if (!call.linkedHere && !list.includeSameNumber) {
    return false;
  }
  const days = RANGE_DAYS[list.range];
  if (days !== null && Date.parse(call.startedAt) < list.now - days * DAY_MS) {
    return false;
  }
  const status = (call.status ?? '').toUpperCase();
  const direction = (call.direction ?? '').toLowerCase();
  switch (list.filter) {
    case 'inbound':
      return direction === 'inbound';
    case 'outbound':
      return direction === 'outbound';
    case 'missed':
      return status === 'MISSED' || status === 'VOICEMAIL';
    default:
      return true;
  }
}

/**
 * The list after one call changed: replaced where it is, inserted where it sorts (only within
 * the pages loaded so far — past the last loaded call it arrives with Load more), or removed
 * when it no longer belongs. `delta` is the change to the header count.
 */
export function mergeCall(calls, callId, entry, list, hasMore) {
  const index = calls.findIndex(call => sameCallId(call.callId, callId));
  const belongs = entry !== null && matchesFilter(entry, list);
  const next = [...calls];
  if (index >= 0) {
    if (belongs) {
      next.splice(index, 1, entry);
      return {
        calls: next,
        delta: 0,
        changed: true
      };
    }
    next.splice(index, 1);
    return {
      calls: next,
      delta: -1,
      changed: true
    };
  }
  if (!belongs) {
    return {
      calls: next,
      delta: 0,
      changed: false
    };
  }
  let at = next.findIndex(call => compareCalls(entry, call) < 0);
  if (at < 0) {
    if (hasMore) {
      return {
        calls: next,
        delta: 1,
        changed: false
      };
    }
    at = next.length;
  }
  next.splice(at, 0, entry);
  return {
    calls: next,
    delta: 1,
    changed: true
  };
}

/** Rinkel call ids compare trimmed and case-insensitively (RinkelIds.normalize in Apex). */
export function sameCallId(a, b) {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
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
