// What the org's webhook endpoint answers to one request, computed offline.
//
// Mirrors force-app/intake/classes/RinkelWebhookResource.cls and RinkelWebhookParser.cls
// check by check, in the same order: secret (401) → event name (404) → body size (413) → parse and
// call id (400) → normalised payload size (413) → 200. Where Apex and JavaScript differ (String.trim,
// URL decoding, regexes) this module spells out the Apex/Java behaviour instead of the JS default.
// The hostile-input corpus (test-data/hostile) runs through this module in jest and through the
// real Apex classes in RinkelHostileInputTest, so the two stay in step.

import { createHash, timingSafeEqual } from 'node:crypto';

export const EVENTS: Readonly<Record<string, string>> = {
  incomingcall: 'incomingCall',
  outgoingcall: 'outgoingCall',
  callstart: 'callStart',
  callend: 'callEnd',
  callinsights: 'callInsights'
};
export const TOKEN_PARAM = 'token';
export const MAX_PAYLOAD_CHARS = 131072;
export const DEFAULT_MAX_BODY_BYTES = 65536;
const MAX_CALL_ID = 64;
/** RinkelIds.UNSAFE: URL delimiters, whitespace, controls, format characters, separators. */
const CALL_ID_UNSAFE = /[/\\?#%:\s\p{Cc}\p{Cf}\p{Z}]/u;
/** RinkelWebhookParser.MAX_JSON_DEPTH. */
export const MAX_JSON_DEPTH = 20;

export interface WebhookRequest {
  method: string;
  /** Path below /services/apexrest, e.g. /rinkel/v1/callEnd. */
  path: string;
  /** Query parameters as Apex REST hands them over (RestRequest.params). */
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
  remoteAddress?: string;
}

export interface EndpointConfig {
  /** Lowercase hex SHA-256 of the secret (Rinkel_Webhook_Secret__c.Secret_Hash__c). */
  secretHash: string;
  maxBodyBytes?: number;
}

export interface PublishedEvent {
  eventName: string;
  callId: string;
  payloadJson: string;
  payload: Record<string, unknown>;
}

export interface EndpointAnswer {
  status: number;
  body: string;
  /** What would be published on Rinkel_Webhook__e; only for 200. */
  event?: PublishedEvent;
}

export const ANSWERS = {
  ok: '{"ok":true}',
  unauthorized: '{"error":"unauthorized"}',
  unknownEvent: '{"error":"unknown_event"}',
  tooLarge: '{"error":"payload_too_large"}',
  badRequest: '{"error":"bad_request"}',
  methodNotAllowed: '{"error":"method_not_allowed"}'
} as const;

class ParseError extends Error {}
class TooLargeError extends Error {}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Java's String.trim(): strips code units <= U+0020 only (not U+00A0, U+FEFF, U+2028 …). */
export function javaTrim(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value.charCodeAt(start) <= 0x20) start++;
  while (end > start && value.charCodeAt(end - 1) <= 0x20) end--;
  return value.substring(start, end);
}

/** Apex String.isBlank: empty, or nothing but whitespace (Java Character.isWhitespace). */
function isBlank(value: string): boolean {
  return /^[\s\u001c-\u001f]*$/.test(value.replace(/[\u00a0\u2007\u202f\ufeff]/g, 'x'));
}

/**
 * java.net.URLDecoder.decode(value, "UTF-8"): '+' is a space, runs of %XX are UTF-8 bytes
 * (invalid sequences become U+FFFD), a '%' without two hex digits is an error.
 */
export function javaUrlDecode(value: string): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i] ?? '';
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i < value.length && value[i] === '%') {
        const hex = value.substring(i + 1, i + 3);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
          throw new ParseError('form body is not URL-encoded');
        }
        bytes.push(Number.parseInt(hex, 16));
        i += 3;
      }
      out += new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(bytes));
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function header(request: WebhookRequest, name: string): string {
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === name.toLowerCase()) {
      return value ?? '';
    }
  }
  return '';
}

function lastPathSegment(uri: string): string | null {
  if (isBlank(uri)) {
    return null;
  }
  let path = uri.split('?')[0] ?? '';
  if (path.endsWith('/')) {
    path = path.substring(0, path.length - 1);
  }
  const at = path.lastIndexOf('/');
  return at < 0 ? '' : path.substring(at + 1);
}

export function canonicalEvent(name: string | null): string | null {
  if (name === null || isBlank(name)) {
    return null;
  }
  return EVENTS[javaTrim(name).toLowerCase()] ?? null;
}

function isAuthorized(token: string | undefined, config: EndpointConfig): boolean {
  const stored = javaTrim(config.secretHash ?? '').toLowerCase();
  const given = sha256Hex(token ?? '');
  return (
    stored.length === 64 && timingSafeEqual(Buffer.from(given), Buffer.from(stored.padEnd(64)))
  );
}

/** Form posts may arrive with the fields in params and an empty body; count those then. */
function bodySize(request: WebhookRequest): number {
  let size = request.body.length;
  if (size === 0) {
    for (const [key, value] of Object.entries(request.query)) {
      size += key.length + (value ?? '').length + 2;
    }
  }
  return size;
}

function bodyText(body: Buffer): string {
  if (body.length === 0) {
    return '';
  }
  try {
    return javaTrim(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body));
  } catch {
    throw new ParseError('body is not UTF-8');
  }
}

function isForm(contentType: string, text: string): boolean {
  const type = contentType.toLowerCase();
  if (type.includes('x-www-form-urlencoded')) {
    return true;
  }
  return !type.includes('json') && !text.startsWith('{');
}

type Fields = Map<string, unknown>;

function toFields(value: unknown): Fields | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return null;
  }
  return new Map(Object.entries(value as Record<string, unknown>));
}

/** RinkelWebhookParser.exceedsDepth: brackets outside strings, counted before parsing. */
export function exceedsDepth(text: string, cap: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const c of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      depth++;
      if (depth > cap) return true;
    } else if (c === '}' || c === ']') depth--;
  }
  return false;
}

/** RinkelWebhookParser.stripTokens: every key named token, any case, at any depth. */
function stripTokens(value: unknown): void {
  if (value instanceof Map) {
    for (const key of [...(value as Fields).keys()]) {
      if (key.toLowerCase() === TOKEN_PARAM) (value as Fields).delete(key);
      else stripTokens((value as Fields).get(key));
    }
  } else if (Array.isArray(value)) {
    value.forEach(stripTokens);
  } else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === TOKEN_PARAM) delete record[key];
      else stripTokens(record[key]);
    }
  }
}

function parseJson(text: string): Fields {
  if (exceedsDepth(text, MAX_JSON_DEPTH)) {
    throw new ParseError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    throw new ParseError('body is not JSON');
  }
  const fields = toFields(parsed);
  if (!fields) {
    throw new ParseError('body is not a JSON object');
  }
  return fields;
}

function addField(fields: Fields, rawKey: string, value: string): void {
  const isList = rawKey.endsWith('[]');
  const key = isList ? rawKey.substring(0, rawKey.length - 2) : rawKey;
  if (isBlank(key)) {
    return;
  }
  const existing = fields.get(key);
  if (Array.isArray(existing)) {
    existing.push(value);
  } else if (fields.has(key)) {
    fields.set(key, [existing, value]);
  } else if (isList) {
    fields.set(key, [value]);
  } else {
    fields.set(key, value);
  }
}

/** Java's String.split drops trailing empty strings; blank pairs are skipped anyway. */
function parseForm(text: string): Fields {
  const fields: Fields = new Map();
  for (const pair of text.split('&')) {
    if (isBlank(pair)) {
      continue;
    }
    const at = pair.indexOf('=');
    const key = javaUrlDecode(at < 0 ? pair : pair.substring(0, at));
    const value = at < 0 ? '' : javaUrlDecode(pair.substring(at + 1));
    addField(fields, key, value);
  }
  if (fields.size === 0) {
    throw new ParseError('form body has no fields');
  }
  return fields;
}

function fromParams(params: Record<string, string>): Fields {
  const fields: Fields = new Map();
  for (const [key, value] of Object.entries(params)) {
    addField(fields, key, value);
  }
  return fields;
}

function flattenInsights(fields: Fields): Fields {
  const wrapped = toFields(fields.get('insights'));
  if (!wrapped) {
    return fields;
  }
  const flat: Fields = new Map(fields);
  flat.delete('insights');
  for (const [key, value] of wrapped) {
    if (key !== 'id' || !flat.has('id')) {
      flat.set(key, value);
    }
  }
  return flat;
}

/** Apex String.valueOf for the scalar types JSON.deserializeUntyped produces. */
function apexValueOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function callIdOf(fields: Fields): string {
  let value = fields.get('id');
  if (value === null || value === undefined) {
    value = fields.get('callId');
  }
  if (value === null || value === undefined || typeof value === 'object') {
    throw new ParseError('missing call id');
  }
  const id = javaTrim(apexValueOf(value));
  if (
    id.length === 0 ||
    id.length > MAX_CALL_ID ||
    id === '.' ||
    id === '..' ||
    CALL_ID_UNSAFE.test(id)
  ) {
    throw new ParseError(
      `invalid call id: 1-${MAX_CALL_ID} characters, none of / \\ ? # % : whitespace or control characters, not . or ..`
    );
  }
  return id;
}

function parse(
  eventName: string,
  contentType: string,
  body: Buffer,
  params: Record<string, string>
): PublishedEvent {
  const text = bodyText(body);
  let fields: Fields;
  if (isForm(contentType, text)) {
    fields = isBlank(text) ? fromParams(params) : parseForm(text);
  } else {
    fields = parseJson(text);
  }
  if (eventName === 'callInsights') {
    fields = flattenInsights(fields);
  }
  stripTokens(fields);
  const callId = callIdOf(fields);
  fields.set('id', callId);
  const payload = Object.fromEntries(fields) as Record<string, unknown>;
  const payloadJson = JSON.stringify(payload);
  if (payloadJson.length > MAX_PAYLOAD_CHARS) {
    throw new TooLargeError('payload too large');
  }
  return { eventName, callId, payloadJson, payload };
}

/**
 * The endpoint's answer. Apex REST itself answers 405 to any method but POST (the resource only
 * has @HttpPost), before Apex runs.
 */
export function answer(request: WebhookRequest, config: EndpointConfig): EndpointAnswer {
  if (request.method.toUpperCase() !== 'POST') {
    return { status: 405, body: ANSWERS.methodNotAllowed };
  }
  if (!isAuthorized(request.query[TOKEN_PARAM], config)) {
    return { status: 401, body: ANSWERS.unauthorized };
  }
  const eventName = canonicalEvent(lastPathSegment(request.path));
  if (eventName === null) {
    return { status: 404, body: ANSWERS.unknownEvent };
  }
  if (bodySize(request) > (config.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) {
    return { status: 413, body: ANSWERS.tooLarge };
  }
  try {
    const event = parse(eventName, header(request, 'Content-Type'), request.body, request.query);
    return { status: 200, body: ANSWERS.ok, event };
  } catch (error) {
    if (error instanceof TooLargeError) {
      return { status: 413, body: ANSWERS.tooLarge };
    }
    if (error instanceof ParseError) {
      // RinkelWebhookResource.errorBody: the parser's fixed message, never request data.
      return {
        status: 400,
        body: JSON.stringify({ error: 'bad_request', message: error.message })
      };
    }
    throw error;
  }
}
