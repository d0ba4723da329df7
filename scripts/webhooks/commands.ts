// What `npm run webhooks -- list|register|test|unregister` does, as functions that setup
// (`--register-webhooks`) and later tools can call too.

import { ConfigError } from '../core/config';
import { WEBHOOKS_USAGE, parseWebhooksArgs } from './config';
import type { Logger } from '../core/log';
import { listLocalStateAliases, readLocalState } from '../core/secret';
import {
  DEFAULT_WEBHOOK_EVENTS,
  RINKEL_EVENTS,
  RinkelApiClient,
  RinkelApiError,
  type RinkelEvent,
  type WebhookSubscription,
  type WebhookSubscriptionInput
} from '../clients/rinkel-api';

export const WEBHOOK_PATH = '/services/apexrest/rinkel/v1/';
export const WEBHOOK_CONTENT_TYPE = 'application/json';
export const WEBHOOK_DESCRIPTION = 'Rinkel for Salesforce';

/** Where Rinkel must deliver: the org's Site and, for register/test, the secret. */
export interface WebhookTarget {
  siteUrl: string;
  secret?: string;
  /** Where the values came from, for messages. */
  source: string;
}

export function normalizeSiteUrl(siteUrl: string): string {
  return siteUrl.trim().replace(/\/+$/, '');
}

/** `<site>/services/apexrest/rinkel/v1/<event>`, without the secret. */
export function webhookEndpoint(siteUrl: string, event: string): string {
  return `${normalizeSiteUrl(siteUrl)}${WEBHOOK_PATH}${event}`;
}

export function webhookUrl(siteUrl: string, event: string, secret: string): string {
  return `${webhookEndpoint(siteUrl, event)}?token=${encodeURIComponent(secret)}`;
}

/** A subscription is ours when it points at this org's webhook path (whatever the token). */
export function isOurSubscription(subscription: WebhookSubscription, siteUrl: string): boolean {
  return subscription.url.startsWith(`${normalizeSiteUrl(siteUrl)}${WEBHOOK_PATH}`);
}

/**
 * Finds the Site URL and secret: --site-url / RINKEL_WEBHOOK_SECRET win, else the state file that
 * setup wrote for --target-org (or the only one there is).
 */
export function resolveWebhookTarget(
  projectRoot: string,
  options: { targetOrg?: string; siteUrl?: string; secretFromEnv?: string },
  needSecret: boolean
): WebhookTarget {
  let alias = options.targetOrg;
  if (!alias && !(options.siteUrl && (options.secretFromEnv || !needSecret))) {
    const aliases = listLocalStateAliases(projectRoot);
    if (aliases.length === 1) {
      alias = aliases[0];
    } else if (aliases.length > 1) {
      throw new ConfigError(
        `Several orgs were set up here (${aliases.join(', ')}); which one is meant?`,
        `Add --target-org <alias>, e.g. --target-org ${aliases[0] ?? 'rinkel-dev'}.`
      );
    }
  }
  const state = alias ? readLocalState(projectRoot, alias) : undefined;
  if (alias && !state && !options.siteUrl) {
    throw new ConfigError(
      `No saved setup for org "${alias}" (.rinkel/${alias}.json is missing).`,
      `Run \`npm run setup -- --target-org ${alias}\` first, or pass --site-url and RINKEL_WEBHOOK_SECRET.`
    );
  }
  const siteUrl = options.siteUrl ?? state?.siteUrl;
  if (!siteUrl) {
    throw new ConfigError(
      'The Site URL of the org is unknown.',
      'Run `npm run setup` first (it saves the Site URL), or pass --site-url https://….my.salesforce-sites.com'
    );
  }
  const secret = options.secretFromEnv ?? state?.webhookSecret;
  if (needSecret && !secret) {
    throw new ConfigError(
      'The webhook secret is unknown.',
      'Run `npm run setup` first (it generates the secret), or set RINKEL_WEBHOOK_SECRET.'
    );
  }
  const source =
    options.siteUrl || options.secretFromEnv
      ? 'command line / environment'
      : `.rinkel/${alias ?? ''}.json`;
  return { siteUrl: normalizeSiteUrl(siteUrl), secret, source };
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

// ---------------------------------------------------------------------------------------------

export async function listWebhooks(
  api: RinkelApiClient,
  logger: Logger,
  target?: WebhookTarget
): Promise<WebhookSubscription[]> {
  const subscriptions = await api.listWebhooks();
  if (subscriptions.length === 0) {
    logger.info('No webhook subscriptions at Rinkel.');
    return subscriptions;
  }
  const rows = subscriptions.map((s) => [
    s.event,
    s.active ? 'yes' : 'no',
    s.contentType,
    target ? (isOurSubscription(s, target.siteUrl) ? 'yes' : 'no') : '?',
    s.url
  ]);
  // The logger masks token=… and every registered secret in the URLs.
  logger.info(formatTable(['EVENT', 'ACTIVE', 'CONTENT TYPE', 'THIS ORG', 'URL'], rows));
  return subscriptions;
}

export type RegisterAction = 'subscribed' | 'updated' | 'unchanged';

export interface EventResult {
  event: RinkelEvent;
  action?: RegisterAction | 'removed' | 'not ours' | 'absent';
  /** Outcome of Rinkel's test delivery: undefined when not tested. */
  testOk?: boolean;
  testMessage?: string;
}

function desiredInput(target: WebhookTarget, event: RinkelEvent): WebhookSubscriptionInput {
  if (!target.secret) {
    throw new ConfigError(
      'The webhook secret is unknown.',
      'Run `npm run setup` first, or set RINKEL_WEBHOOK_SECRET.'
    );
  }
  return {
    url: webhookUrl(target.siteUrl, event, target.secret),
    contentType: WEBHOOK_CONTENT_TYPE,
    active: true,
    description: WEBHOOK_DESCRIPTION
  };
}

/**
 * Subscribes the events to the org's Site: POST when Rinkel has none for the event, PUT when one
 * exists (so running it twice never fails or duplicates), nothing when it is already right.
 * A subscription that points elsewhere is only replaced with `force`.
 */
export async function registerWebhooks(
  api: RinkelApiClient,
  logger: Logger,
  target: WebhookTarget,
  events: readonly RinkelEvent[],
  options: { force?: boolean; test?: boolean } = {}
): Promise<EventResult[]> {
  if (target.secret) {
    logger.addSecret(target.secret);
  }
  const existing = await api.listWebhooks();
  const results: EventResult[] = [];
  const foreign = events
    .map((event) => existing.find((s) => s.event === event))
    .filter(
      (s): s is WebhookSubscription => s !== undefined && !isOurSubscription(s, target.siteUrl)
    );
  if (foreign.length > 0 && !options.force) {
    throw new ConfigError(
      `Rinkel already sends ${foreign.map((s) => s.event).join(', ')} to another address (${foreign
        .map((s) => logger.mask(s.url))
        .join(', ')}). Rinkel keeps one subscription per event.`,
      'Run `npm run webhooks -- register --force` to point them at this org instead (the other receiver, e.g. an earlier scratch org, stops getting events).'
    );
  }

  for (const event of events) {
    const input = desiredInput(target, event);
    const current = existing.find((s) => s.event === event);
    let action: RegisterAction;
    if (
      current &&
      current.url === input.url &&
      current.active &&
      current.contentType === input.contentType
    ) {
      action = 'unchanged';
    } else if (current) {
      await api.updateWebhook(event, input);
      action = 'updated';
    } else {
      try {
        await api.subscribeWebhook(event, input);
        action = 'subscribed';
      } catch (error) {
        // A POST retried after a lost answer may find its own earlier success: switch to PUT.
        if (!(error instanceof RinkelApiError) || error.kind !== 'badRequest') {
          throw error;
        }
        const again = (await api.listWebhooks()).find((s) => s.event === event);
        if (!again) {
          throw error;
        }
        await api.updateWebhook(event, input);
        action = 'updated';
      }
    }
    logger.info(
      `  ${event}: ${action === 'unchanged' ? 'already registered' : action} → ${logger.mask(input.url)}`
    );
    results.push({ event, action });
  }

  if (options.test !== false) {
    await testEvents(api, logger, target, results);
  }
  return results;
}

async function testEvents(
  api: RinkelApiClient,
  logger: Logger,
  target: WebhookTarget,
  results: EventResult[]
): Promise<void> {
  for (const result of results) {
    const input = desiredInput(target, result.event);
    try {
      const status = await api.testWebhook(result.event, {
        url: input.url,
        contentType: WEBHOOK_CONTENT_TYPE
      });
      result.testOk = true;
      result.testMessage = `Rinkel delivered a test ${result.event} event (HTTP ${status})`;
      logger.info(`  test ${result.event}: OK (Rinkel answered ${status})`);
    } catch (error) {
      if (
        error instanceof RinkelApiError &&
        (error.kind === 'unauthorized' || error.kind === 'plan')
      ) {
        throw error;
      }
      result.testOk = false;
      result.testMessage = error instanceof Error ? error.message : String(error);
      logger.error(`  test ${result.event}: FAILED — ${result.testMessage}`);
    }
  }
}

/** Asks Rinkel to send a test event to each of our subscriptions (or the given events). */
export async function testWebhooks(
  api: RinkelApiClient,
  logger: Logger,
  target: WebhookTarget,
  events: readonly RinkelEvent[]
): Promise<EventResult[]> {
  if (target.secret) {
    logger.addSecret(target.secret);
  }
  let selected = [...events];
  if (selected.length === 0) {
    const ours = (await api.listWebhooks()).filter((s) => isOurSubscription(s, target.siteUrl));
    selected = RINKEL_EVENTS.filter((e) => ours.some((s) => s.event === e));
    if (selected.length === 0) {
      logger.info(
        'No subscriptions point at this org yet; run `npm run webhooks -- register` first.'
      );
      return [];
    }
  }
  const results: EventResult[] = selected.map((event) => ({ event }));
  await testEvents(api, logger, target, results);
  return results;
}

/** Removes the subscriptions that point at this org's Site; leaves every other one alone. */
export async function unregisterWebhooks(
  api: RinkelApiClient,
  logger: Logger,
  target: WebhookTarget,
  events: readonly RinkelEvent[]
): Promise<EventResult[]> {
  const subscriptions = await api.listWebhooks();
  const results: EventResult[] = [];
  const selected = events.length > 0 ? events : RINKEL_EVENTS;
  for (const event of selected) {
    const current = subscriptions.find((s) => s.event === event);
    if (!current) {
      if (events.length > 0) {
        logger.info(`  ${event}: no subscription`);
        results.push({ event, action: 'absent' });
      }
      continue;
    }
    if (!isOurSubscription(current, target.siteUrl)) {
      logger.info(`  ${event}: left alone (points elsewhere: ${logger.mask(current.url)})`);
      results.push({ event, action: 'not ours' });
      continue;
    }
    await api.deleteWebhook(event);
    logger.info(`  ${event}: removed`);
    results.push({ event, action: 'removed' });
  }
  if (!results.some((r) => r.action === 'removed')) {
    logger.info('Nothing to remove: no subscription points at this org.');
  }
  return results;
}

/** `npm run webhooks -- <command>`; resolves with the exit code. */
export async function webhooksMain(
  argv: string[],
  context: {
    projectRoot: string;
    env: NodeJS.ProcessEnv;
    logger: Logger;
    retryBaseDelayMs?: number;
  }
): Promise<number> {
  const { logger } = context;
  const options = parseWebhooksArgs(argv, context.env);
  if (options.help || !options.command) {
    logger.info(WEBHOOKS_USAGE);
    return 0;
  }
  logger.addSecret(options.apiKey);
  logger.addSecret(options.secretFromEnv);
  const api = new RinkelApiClient({
    apiKey: options.apiKey,
    baseUrl: options.rinkelBaseUrl,
    timeoutMs: options.rinkelTimeoutMs,
    retryBaseDelayMs: context.retryBaseDelayMs,
    onRetry: (info) =>
      logger.warn(
        `Rinkel call failed (${info.reason}); retry ${info.attempt} in ${info.delayMs} ms`
      )
  });
  const needSecret = options.command === 'register' || options.command === 'test';
  let target: WebhookTarget | undefined;
  try {
    target = resolveWebhookTarget(context.projectRoot, options, needSecret);
  } catch (error) {
    // `list` works without a saved org; it just cannot tell which subscriptions are ours.
    if (options.command !== 'list') {
      throw error;
    }
  }
  if (target?.secret) {
    logger.addSecret(target.secret);
  }
  switch (options.command) {
    case 'list':
      await listWebhooks(api, logger, target);
      return 0;
    case 'register': {
      const events = options.allEvents
        ? RINKEL_EVENTS
        : options.events.length > 0
          ? options.events
          : DEFAULT_WEBHOOK_EVENTS;
      logger.info(`Registering ${events.join(', ')} at Rinkel for ${target?.siteUrl ?? ''}`);
      const results = await registerWebhooks(api, logger, target as WebhookTarget, events, {
        force: options.force
      });
      return results.some((r) => r.testOk === false) ? 1 : 0;
    }
    case 'test': {
      const results = await testWebhooks(api, logger, target as WebhookTarget, options.events);
      return results.some((r) => r.testOk === false) ? 1 : 0;
    }
    case 'unregister':
      await unregisterWebhooks(api, logger, target as WebhookTarget, options.events);
      return 0;
  }
}
