// The control endpoint's work: make a call happen in the fake Rinkel (its call detail record,
// recording or voicemail, insights) and post its webhooks to the local Site the way Rinkel does
// (callEnd, then callInsights when the insights are "ready"), with the webhook secret.
import { randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { FakeRinkel } from '../testing/fake-rinkel';
import { webhookUrl } from '../webhooks/commands';
import { randomCallId } from '../webhooks/test-event';

export const STATUSES = ['ANSWERED', 'MISSED', 'VOICEMAIL'] as const;
export type CallStatus = (typeof STATUSES)[number];

export interface CallRequest {
  /** The customer's number in any format the product normalises ("06 12345678"), or "anonymous". */
  number: string;
  direction: 'inbound' | 'outbound';
  status: CallStatus;
  /** Talk time in seconds (0 for a missed call). */
  duration: number;
  /** Rinkel user id of the agent on the call; null for a missed call nobody took. */
  agentId: string | null;
  agentName: string | null;
  insights: { summary: string; sentiment?: string; topics?: string[] } | null;
  recording: boolean;
  /** Milliseconds between callEnd and callInsights (Rinkel posts insights once its AI is done). */
  insightsAfterMs: number;
  /** Post incomingCall first (inbound only): the screen pop rings. */
  ring: boolean;
  /** Answer only after every webhook was posted. */
  wait: boolean;
  at: Date;
}

export interface WebhookResult {
  event: string;
  status: number;
  body: string;
}

export interface CallResult {
  callId: string;
  cdrId: string;
  e164: string | null;
  webhooks: WebhookResult[];
  /** Still to be posted (callInsights) when the request did not wait. */
  pending: string[];
}

export class CallRequestError extends Error {}

const CAUSE: Record<CallStatus, string> = {
  ANSWERED: 'ANSWERED',
  MISSED: 'UNANSWERED',
  VOICEMAIL: 'VOICEMAIL'
};

/** Rinkel's 24-hex object id. */
function objectId(): string {
  return randomBytes(12).toString('hex');
}

/** The JSON body of POST /local/calls, checked, with defaults filled in. */
export function parseCallRequest(
  input: unknown,
  agent: { id: string | null; name: string | null }
): CallRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CallRequestError('the body must be a JSON object such as {"number": "06 12345678"}');
  }
  const body = input as Record<string, unknown>;
  const number = typeof body.number === 'string' ? body.number.trim() : '';
  if (!number) {
    throw new CallRequestError(
      '"number" is required: the customer\'s phone number, e.g. "06 12345678"'
    );
  }
  const direction = body.direction ?? 'inbound';
  if (direction !== 'inbound' && direction !== 'outbound') {
    throw new CallRequestError('"direction" must be "inbound" or "outbound"');
  }
  const status = body.status ?? 'ANSWERED';
  if (!STATUSES.includes(status as CallStatus)) {
    throw new CallRequestError(`"status" must be one of ${STATUSES.join(', ')}`);
  }
  const answered = status === 'ANSWERED';
  const duration = body.duration ?? (answered ? 75 : 0);
  if (
    typeof duration !== 'number' ||
    !Number.isInteger(duration) ||
    duration < 0 ||
    duration > 86_400
  ) {
    throw new CallRequestError('"duration" must be whole seconds between 0 and 86400');
  }
  const agentId =
    body.agent === null
      ? null
      : typeof body.agent === 'string'
        ? body.agent
        : answered
          ? agent.id
          : null;
  let insights: CallRequest['insights'] = null;
  if (body.insights === undefined) {
    insights = answered
      ? {
          summary: `The customer called about their order and the agent answered their question (${duration} s).`,
          sentiment: 'POSITIVE',
          topics: ['order status']
        }
      : null;
  } else if (body.insights !== null) {
    const given = body.insights as Record<string, unknown>;
    if (typeof given !== 'object' || typeof given.summary !== 'string') {
      throw new CallRequestError(
        '"insights" must be null or {"summary": "…", "sentiment"?, "topics"?}'
      );
    }
    insights = {
      summary: given.summary,
      sentiment: typeof given.sentiment === 'string' ? given.sentiment : undefined,
      topics: Array.isArray(given.topics) ? given.topics.map(String) : undefined
    };
  }
  const insightsAfterMs = body.insightsAfterMs ?? 2000;
  if (typeof insightsAfterMs !== 'number' || insightsAfterMs < 0 || insightsAfterMs > 600_000) {
    throw new CallRequestError('"insightsAfterMs" must be milliseconds between 0 and 600000');
  }
  const at =
    body.at === undefined
      ? new Date()
      : new Date(typeof body.at === 'string' || typeof body.at === 'number' ? body.at : NaN);
  if (Number.isNaN(at.getTime())) {
    throw new CallRequestError('"at" must be an ISO 8601 date-time');
  }
  return {
    number,
    direction,
    status: status as CallStatus,
    duration: answered ? duration : 0,
    agentId,
    agentName: agentId && agentId === agent.id ? agent.name : agentId ? 'Rinkel agent' : null,
    insights,
    recording: body.recording === undefined ? answered : body.recording === true,
    insightsAfterMs,
    ring: body.ring === true && direction === 'inbound',
    wait: body.wait === true,
    at
  };
}

export interface CallContext {
  fake: FakeRinkel;
  /** The local Site's base URL (http://127.0.0.1:PORT). */
  siteUrl: string;
  webhookSecret: string;
  /** Our Rinkel number (incomingCall's `to`, the CDR's internal number). */
  internalNumber: { id: string; number: string };
  audio: Buffer;
  /** Waits that follow the clock's speed. */
  sleep: (ms: number) => Promise<void>;
}

async function post(
  context: CallContext,
  event: string,
  body: Record<string, unknown>
): Promise<WebhookResult> {
  const url = webhookUrl(context.siteUrl, event, context.webhookSecret);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'Rinkel-Webhooks (local fake)' },
    body: JSON.stringify(body)
  });
  return { event, status: response.status, body: (await response.text()).slice(0, 500) };
}

/** Creates the call in the fake and posts its webhooks; callInsights follows after a delay. */
export async function createCall(
  context: CallContext,
  request: CallRequest,
  onLater: (result: WebhookResult) => void = () => undefined
): Promise<CallResult> {
  const anonymous = request.number.toLowerCase() === 'anonymous';
  const parsed = anonymous ? undefined : parsePhoneNumberFromString(request.number, 'NL');
  if (!anonymous && !parsed?.isPossible()) {
    throw new CallRequestError(
      `"${request.number}" is not a phone number (try one of the sample numbers npm start printed)`
    );
  }
  const e164 = parsed ? parsed.number : null;
  const callId = randomCallId();
  const cdrId = objectId();
  const recordingId = request.recording && request.status === 'ANSWERED' ? objectId() : null;
  const voicemailId = request.recording && request.status === 'VOICEMAIL' ? objectId() : null;
  if (recordingId)
    context.fake.audio.set(`call-recording/${recordingId}`, {
      body: context.audio,
      contentType: 'audio/wav'
    });
  if (voicemailId)
    context.fake.audio.set(`voicemail/${voicemailId}`, {
      body: context.audio,
      contentType: 'audio/wav'
    });
  const availableUntil = new Date(request.at.getTime() + 90 * 86_400_000).toISOString();
  const cdr: Record<string, unknown> = {
    id: cdrId,
    callId,
    date: request.at.toISOString(),
    direction: request.direction,
    externalNumber: anonymous
      ? { anonymous: true, localized: null, e164: null }
      : { anonymous: false, localized: parsed?.formatNational() ?? null, e164 },
    internalNumber: {
      ...context.internalNumber,
      label: 'Rinkel',
      localizedNumber: context.internalNumber.number
    },
    duration: request.duration,
    status: request.status,
    missedReason: request.status === 'MISSED' ? 'NO_ANSWER' : null,
    menuOption: null,
    user: request.agentId ? { id: request.agentId, fullName: request.agentName } : null,
    contact: null,
    voicemail: voicemailId ? { id: voicemailId, new: true, duration: 20 } : null,
    callRecording: recordingId ? { id: recordingId, availableUntil } : null,
    hasNotes: false,
    notes: [],
    // Rinkel's AI has not finished when the call ends: the insights appear with callInsights.
    insights: null
  };
  context.fake.callDetailRecords.push(cdr);

  const webhooks: WebhookResult[] = [];
  if (request.ring) {
    webhooks.push(
      await post(context, 'incomingCall', {
        id: callId,
        datetime: request.at.toISOString(),
        to: context.internalNumber.number,
        from: e164 ?? 'anonymous'
      })
    );
  }
  webhooks.push(
    await post(context, 'callEnd', {
      id: callId,
      datetime: request.at.toISOString(),
      cause: CAUSE[request.status],
      callRecordingUrl: recordingId
        ? `https://api.rinkel.com/call-recordings/${recordingId}/stream`
        : null,
      voicemailUrl: voicemailId ? `https://api.rinkel.com/voicemails/${voicemailId}/stream` : null
    })
  );
  const insights = request.insights;
  if (!insights) {
    return { callId, cdrId, e164, webhooks, pending: [] };
  }
  const sendInsights = async (): Promise<WebhookResult> => {
    await context.sleep(request.insightsAfterMs);
    cdr.insights = {
      summary: insights.summary,
      sentiment: insights.sentiment ?? null,
      topics: insights.topics ?? []
    };
    return post(context, 'callInsights', {
      id: callId,
      summary: insights.summary,
      sentiment: insights.sentiment ?? null,
      topics: insights.topics ?? []
    });
  };
  if (request.wait) {
    webhooks.push(await sendInsights());
    return { callId, cdrId, e164, webhooks, pending: [] };
  }
  void sendInsights().then(onLater, (error: unknown) =>
    onLater({ event: 'callInsights', status: 0, body: String(error) })
  );
  return { callId, cdrId, e164, webhooks, pending: ['callInsights'] };
}
