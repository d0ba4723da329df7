// Posts a sample Rinkel webhook body to the org's endpoint, the way Rinkel does, so an admin can
// check the whole path (Site → REST resource → platform event → Task) without a real call.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../core/config';
import { SEND_TEST_EVENT_USAGE, parseSendTestEventArgs } from './config';
import type { Logger } from '../core/log';
import type { RinkelEvent } from '../clients/rinkel-api';
import { WEBHOOK_PATH, resolveWebhookTarget, webhookEndpoint } from './commands';
import { isRecord } from '../core/json';

export const SAMPLE_EVENTS_DIR = 'scripts/testing/fixtures/rinkel';

/** The built-in sample body for an event, or the given file; always a JSON object. */
export function loadEventBody(
  projectRoot: string,
  event: RinkelEvent,
  file?: string
): Record<string, unknown> {
  const path = file
    ? resolve(projectRoot, file)
    : join(projectRoot, SAMPLE_EVENTS_DIR, `${event}.json`);
  if (!existsSync(path)) {
    throw new ConfigError(
      `${path} does not exist.`,
      file
        ? 'Check the --file path.'
        : 'Restore the sample events (git checkout scripts/testing/fixtures).'
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
      'Fix the JSON in that file.'
    );
  }
  if (!isRecord(parsed)) {
    throw new ConfigError(
      `${path} must hold one JSON object (a webhook body).`,
      'Rinkel sends flat objects such as {"id": "…", "datetime": "…", "cause": "ANSWERED"}.'
    );
  }
  return parsed;
}

/** A fresh network call id in Rinkel's format (32 hex characters). */
export function randomCallId(): string {
  return randomBytes(16).toString('hex');
}

/** Rinkel counts a delivery as accepted only when it gets 200 within this time (reference §1.1). */
export const RINKEL_DEADLINE_MS = 2000;

/**
 * `--url` may be the Site URL or already the full endpoint. A full endpoint must be the one of the
 * event being sent, and the secret never comes from the URL: both would otherwise go unnoticed
 * (the event would be posted to another event's endpoint; the URL's token would be dropped or sent
 * beside the real one).
 */
export function endpointFor(url: string, event: RinkelEvent): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `--url "${url}" is not a URL.`,
      'Pass the Site URL that `npm run setup` printed, e.g. --url https://example.my.salesforce-sites.com'
    );
  }
  if (parsed.searchParams.has('token')) {
    throw new ConfigError(
      '--url carries its own token=…; the secret is never taken from the URL.',
      'Leave the query off --url; the secret comes from .rinkel/<alias>.json or RINKEL_WEBHOOK_SECRET (--no-token sends none).'
    );
  }
  const clean = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  const at = clean.indexOf(WEBHOOK_PATH);
  if (at < 0) {
    return webhookEndpoint(clean, event);
  }
  const named = clean.slice(at + WEBHOOK_PATH.length);
  if (named !== event) {
    throw new ConfigError(
      `--url ends in /${named || '(no event)'} but the event sent is ${event}.`,
      `Pass the Site URL alone (…/services/apexrest/rinkel/v1/${event} is added), or the endpoint of ${event}.`
    );
  }
  return clean;
}

export interface TestEventResult {
  endpoint: string;
  status: number;
  body: string;
  /** Rinkel's rule: 200, nothing else (a redirect, 201 or 204 is not an acceptance). */
  ok: boolean;
  elapsedMs: number;
  /** Where a redirect pointed. */
  location?: string;
}

export async function sendTestEvent(input: {
  url: string;
  event: RinkelEvent;
  body: Record<string, unknown>;
  secret?: string;
  timeoutMs?: number;
}): Promise<TestEventResult> {
  const endpoint = endpointFor(input.url, input.event);
  const target = input.secret ? `${endpoint}?token=${encodeURIComponent(input.secret)}` : endpoint;
  const timeoutMs = input.timeoutMs ?? 10_000;
  const started = performance.now();
  try {
    // Rinkel does not follow redirects: an inactive Site answers 302 to its login page, which a
    // followed redirect would turn into a 200.
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    });
    const text = await response.text();
    return {
      endpoint,
      status: response.status,
      body: text.slice(0, 2000),
      ok: response.status === 200,
      elapsedMs: performance.now() - started,
      location: response.headers.get('location') ?? undefined
    };
  } catch (error) {
    const elapsed = ((performance.now() - started) / 1000).toFixed(1);
    const name = (error as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new ConfigError(
        `${endpoint} did not answer within ${timeoutMs / 1000} s (Rinkel gives up after 2 s).`,
        'See the debug logs of the Site guest user for what the endpoint does that long; it must publish the event and answer at once.'
      );
    }
    const cause =
      error instanceof Error ? ((error as Error & { cause?: unknown }).cause ?? error) : error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(
      `Could not reach ${endpoint} (${detail}, after ${elapsed} s).`,
      'Check the URL (the Site URL `npm run setup` printed) and that the Site is active.'
    );
  }
}

function failureText(result: TestEventResult): string {
  const { status } = result;
  if (status >= 300 && status < 400) {
    return `✖ The endpoint redirected (${status}${result.location ? ` to ${result.location}` : ''}); Rinkel does not follow redirects, so it would count every event as failed. An inactive Site redirects to its login page. Fix: activate the Site and give its guest user Rinkel_Webhook_Guest (npm run setup), and use the https Site URL setup printed.`;
  }
  if (status >= 200 && status < 300) {
    return `✖ The endpoint answered ${status}, not 200; Rinkel accepts only 200. Fix: check that --url is the Rinkel webhook endpoint of this org (npm run setup prints it).`;
  }
  if (status === 401 || status === 403) {
    return '✖ The endpoint refused the secret. Fix: use the org’s current secret (.rinkel/<alias>.json or RINKEL_WEBHOOK_SECRET); after --rotate-secret re-register.';
  }
  if (status === 404) {
    return '✖ Not found. Fix: check the Site URL and that the Site is active with Rinkel_Webhook_Guest on its guest user (npm run setup).';
  }
  return `✖ The endpoint answered ${status}. Fix: see Rinkel Events (Rinkel_Event__c) and the debug logs of the Site guest user.`;
}

/** `npm run send-test-event -- <event> --url …`; resolves with the exit code. */
export async function sendTestEventMain(
  argv: string[],
  context: { projectRoot: string; env: NodeJS.ProcessEnv; logger: Logger }
): Promise<number> {
  const { logger } = context;
  const options = parseSendTestEventArgs(argv, context.env);
  if (options.help || !options.event || !options.url) {
    logger.info(SEND_TEST_EVENT_USAGE);
    return 0;
  }
  let secret: string | undefined;
  if (!options.noToken) {
    secret = resolveWebhookTarget(
      context.projectRoot,
      { targetOrg: options.targetOrg, siteUrl: options.url, secretFromEnv: options.secretFromEnv },
      true
    ).secret;
  }
  logger.addSecret(secret);
  const body = loadEventBody(context.projectRoot, options.event, options.file);
  if (options.newId) {
    body.id = randomCallId();
  }
  const result = await sendTestEvent({ url: options.url, event: options.event, body, secret });
  const elapsed = `${Math.round(result.elapsedMs)} ms`;
  logger.info(`POST ${result.endpoint}${secret ? '?token=****' : ''}`);
  logger.info(`  body: ${JSON.stringify(body)}`);
  logger.info(
    `  answer: HTTP ${result.status} in ${elapsed}${result.body ? ` ${result.body}` : ''}`
  );
  if (result.elapsedMs > RINKEL_DEADLINE_MS) {
    logger.warn(
      `The endpoint took ${elapsed}; Rinkel requires 200 within 2 s and counts a slower answer as failed. Check the debug logs of the Site guest user.`
    );
  }
  if (result.ok) {
    logger.info(
      `OK: the endpoint accepted the ${options.event} event in ${elapsed} (call id ${String(body.id)}).`
    );
    return result.elapsedMs > RINKEL_DEADLINE_MS ? 1 : 0;
  }
  logger.error(failureText(result));
  return 1;
}
