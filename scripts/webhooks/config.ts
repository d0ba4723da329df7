// npm run webhooks and npm run send-test-event: arguments and environment (see docs/scripts.md).

import {
  ConfigError,
  type Env,
  boolOption,
  parseOptions,
  requireApiKey,
  rinkelBaseUrl,
  rinkelTimeoutMs,
  stringOption,
  stringList,
  validateOrgName,
  validateUrl
} from '../core/config';
import {
  DEFAULT_RINKEL_BASE_URL,
  RINKEL_EVENTS,
  type RinkelEvent,
  isRinkelEvent
} from '../clients/rinkel-api';

function parseEvents(raw: string[]): RinkelEvent[] {
  const events: RinkelEvent[] = [];
  for (const item of raw.flatMap((r) => r.split(','))) {
    const name = item.trim();
    if (!name) {
      continue;
    }
    if (!isRinkelEvent(name)) {
      throw new ConfigError(
        `Unknown Rinkel event "${name}".`,
        `Use one of: ${RINKEL_EVENTS.join(', ')}.`
      );
    }
    if (!events.includes(name)) {
      events.push(name);
    }
  }
  return events;
}

export const WEBHOOK_COMMANDS = ['list', 'register', 'test', 'unregister'] as const;
export type WebhookCommand = (typeof WEBHOOK_COMMANDS)[number];

export const WEBHOOKS_USAGE = `npm run webhooks -- <list|register|test|unregister> [options]

  list         show Rinkel's webhook subscriptions (secrets masked)
  register     subscribe callEnd and callInsights (--all: all five) to this org's Site, then test them
  test         ask Rinkel to send a test event to each of our subscriptions
  unregister   remove the subscriptions that point at this org's Site (others are left alone)

Options:
  --target-org <alias>   org whose Site URL and secret setup saved in .rinkel/<alias>.json
                         (default: the only org there)
  --site-url <url>       Site URL, when there is no .rinkel file (secret from RINKEL_WEBHOOK_SECRET)
  --event <name>         limit to these events (repeatable or comma-separated)
  --all                  register: all five events
  --force                register: replace subscriptions that point somewhere else
  -h, --help             show this help

Environment:
  RINKEL_API_KEY           Rinkel API key (required)
  RINKEL_WEBHOOK_SECRET    webhook secret, when not taken from .rinkel/<alias>.json
  RINKEL_API_BASE_URL      override ${DEFAULT_RINKEL_BASE_URL} (tests)
  RINKEL_API_TIMEOUT_SECONDS  how long one Rinkel call may take (default 30)`;

export interface WebhooksOptions {
  help: boolean;
  command?: WebhookCommand;
  targetOrg?: string;
  siteUrl?: string;
  events: RinkelEvent[];
  allEvents: boolean;
  force: boolean;
  apiKey: string;
  secretFromEnv?: string;
  rinkelBaseUrl: string;
  rinkelTimeoutMs?: number;
}

export function parseWebhooksArgs(argv: string[], env: Env): WebhooksOptions {
  const { values, positionals } = parseOptions(
    argv,
    {
      'target-org': { type: 'string', short: 'o' },
      'site-url': { type: 'string' },
      event: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    WEBHOOKS_USAGE,
    true
  );
  const help = boolOption(values, 'help');
  if (help) {
    return {
      help,
      events: [],
      allEvents: false,
      force: false,
      apiKey: '',
      rinkelBaseUrl: DEFAULT_RINKEL_BASE_URL
    };
  }
  const [commandRaw, ...rest] = positionals;
  if (!commandRaw) {
    throw new ConfigError('No command given.', `Usage: ${WEBHOOKS_USAGE}`);
  }
  if (!(WEBHOOK_COMMANDS as readonly string[]).includes(commandRaw)) {
    throw new ConfigError(
      `Unknown command "${commandRaw}".`,
      `Use one of: ${WEBHOOK_COMMANDS.join(', ')}.`
    );
  }
  if (rest.length > 0) {
    throw new ConfigError(`Unexpected argument "${rest[0]}".`, `Usage: ${WEBHOOKS_USAGE}`);
  }
  const command = commandRaw as WebhookCommand;
  const events = parseEvents(stringList(values, 'event'));
  const allEvents = boolOption(values, 'all');
  if (allEvents && events.length > 0) {
    throw new ConfigError(
      '--all and --event cannot be combined.',
      'Use --all for every event, or list the events with --event.'
    );
  }
  const siteUrl = stringOption(values, 'site-url');
  if (siteUrl) {
    validateUrl(siteUrl, '--site-url');
  }
  const targetOrg = stringOption(values, 'target-org');
  return {
    help,
    command,
    targetOrg: targetOrg ? validateOrgName(targetOrg, '--target-org') : undefined,
    siteUrl: siteUrl?.replace(/\/+$/, ''),
    events,
    allEvents,
    force: boolOption(values, 'force'),
    apiKey: requireApiKey(env),
    secretFromEnv: env.RINKEL_WEBHOOK_SECRET?.trim() || undefined,
    rinkelBaseUrl: rinkelBaseUrl(env),
    rinkelTimeoutMs: rinkelTimeoutMs(env)
  };
}

// npm run send-test-event

export const SEND_TEST_EVENT_USAGE = `npm run send-test-event -- <event> --url <site-url> [options]

Posts a sample Rinkel event to the org's webhook endpoint, as Rinkel would.

  <event>                one of ${RINKEL_EVENTS.join(', ')}
  --url <url>            the Site URL (…/services/apexrest/rinkel/v1/<event> is added), or the full endpoint URL
  --file <file>          JSON body to send instead of the built-in sample
  --target-org <alias>   take the secret from .rinkel/<alias>.json (default: the only org there)
  --new-id               give the event a fresh random call id (so it is not deduplicated)
  --no-token             send without the secret (to see the endpoint reject it)
  -h, --help             show this help

Environment:
  RINKEL_WEBHOOK_SECRET  the secret, when not taken from .rinkel/<alias>.json`;

export interface SendTestEventOptions {
  help: boolean;
  event?: RinkelEvent;
  url?: string;
  file?: string;
  targetOrg?: string;
  newId: boolean;
  noToken: boolean;
  secretFromEnv?: string;
}

export function parseSendTestEventArgs(argv: string[], env: Env): SendTestEventOptions {
  const { values, positionals } = parseOptions(
    argv,
    {
      url: { type: 'string' },
      file: { type: 'string' },
      'target-org': { type: 'string', short: 'o' },
      'new-id': { type: 'boolean' },
      'no-token': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    SEND_TEST_EVENT_USAGE,
    true
  );
  const help = boolOption(values, 'help');
  if (help) {
    return { help, newId: false, noToken: false };
  }
  const [eventRaw, ...rest] = positionals;
  if (!eventRaw) {
    throw new ConfigError(
      'No event given.',
      `Name one of: ${RINKEL_EVENTS.join(', ')} (e.g. npm run send-test-event -- callEnd --url https://…).`
    );
  }
  if (rest.length > 0) {
    throw new ConfigError(`Unexpected argument "${rest[0]}".`, `Usage: ${SEND_TEST_EVENT_USAGE}`);
  }
  const [event] = parseEvents([eventRaw]);
  const url = stringOption(values, 'url');
  if (!url) {
    throw new ConfigError(
      '--url is missing.',
      'Pass the Site URL that `npm run setup` printed, e.g. --url https://example.my.salesforce-sites.com'
    );
  }
  validateUrl(url, '--url');
  const targetOrg = stringOption(values, 'target-org');
  return {
    help,
    event,
    url: url.replace(/\/+$/, ''),
    file: stringOption(values, 'file'),
    targetOrg: targetOrg ? validateOrgName(targetOrg, '--target-org') : undefined,
    newId: boolOption(values, 'new-id'),
    noToken: boolOption(values, 'no-token'),
    secretFromEnv: env.RINKEL_WEBHOOK_SECRET?.trim() || undefined
  };
}
