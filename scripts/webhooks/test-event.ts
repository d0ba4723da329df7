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

/** `--url` may be the Site URL or already the full endpoint. */
export function endpointFor(url: string, event: RinkelEvent): string {
  const clean = url.replace(/\?.*$/, '');
  return clean.includes(WEBHOOK_PATH) ? clean : webhookEndpoint(clean, event);
}

export interface TestEventResult {
  endpoint: string;
  status: number;
  body: string;
  ok: boolean;
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
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input.body),
      signal: AbortSignal.timeout(input.timeoutMs ?? 30_000)
    });
    const text = await response.text();
    return { endpoint, status: response.status, body: text.slice(0, 2000), ok: response.ok };
  } catch (error) {
    const cause =
      error instanceof Error ? ((error as Error & { cause?: unknown }).cause ?? error) : error;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ConfigError(
      `Could not reach ${endpoint} (${detail}).`,
      'Check the URL (the Site URL `npm run setup` printed) and that the Site is active.'
    );
  }
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
  logger.info(`POST ${result.endpoint}${secret ? '?token=****' : ''}`);
  logger.info(`  body: ${JSON.stringify(body)}`);
  logger.info(`  answer: HTTP ${result.status}${result.body ? ` ${result.body}` : ''}`);
  if (result.ok) {
    logger.info(
      `OK: the endpoint accepted the ${options.event} event (call id ${String(body.id)}).`
    );
    return 0;
  }
  logger.error(
    result.status === 401 || result.status === 403
      ? '✖ The endpoint refused the secret. Fix: use the org’s current secret (.rinkel/<alias>.json or RINKEL_WEBHOOK_SECRET); after --rotate-secret re-register.'
      : result.status === 404
        ? '✖ Not found. Fix: check the Site URL and that the Site is active with Rinkel_Webhook_Guest on its guest user (npm run setup).'
        : `✖ The endpoint answered ${result.status}. Fix: see Rinkel Events (Rinkel_Event__c) and the debug logs of the Site guest user.`
  );
  return 1;
}
