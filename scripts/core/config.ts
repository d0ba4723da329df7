// Command-line and environment parsing for the admin scripts. Every problem becomes a
// ConfigError that says what is wrong and how to fix it; nothing here touches the network.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import {
  DEFAULT_RINKEL_BASE_URL,
  RINKEL_EVENTS,
  type RinkelEvent,
  isRinkelEvent
} from './rinkel-api';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly fix: string
  ) {
    super(message);
  }
}

export const MIN_NODE_VERSION = '20.9.0';
export const DEFAULT_SCRATCH_ALIAS = 'rinkel-dev';
export const DEFAULT_DURATION_DAYS = 7;
export const DEFAULT_DEFINITION_FILE = 'config/project-scratch-def.json';

type Env = NodeJS.ProcessEnv;

/** True when `actual` (e.g. "20.20.2" or "v20.9.0") is at least `minimum`. */
export function isVersionAtLeast(actual: string, minimum: string): boolean {
  const parse = (v: string): number[] =>
    v
      .replace(/^v/, '')
      .split('.')
      .map((p) => Number.parseInt(p, 10) || 0);
  const a = parse(actual);
  const m = parse(minimum);
  for (let i = 0; i < Math.max(a.length, m.length); i++) {
    const x = a[i] ?? 0;
    const y = m[i] ?? 0;
    if (x !== y) {
      return x > y;
    }
  }
  return true;
}

export function checkNodeVersion(version: string): ConfigError | undefined {
  if (isVersionAtLeast(version, MIN_NODE_VERSION)) {
    return undefined;
  }
  return new ConfigError(
    `Node.js ${version.replace(/^v/, '')} is too old; these scripts need Node.js ${MIN_NODE_VERSION} or newer.`,
    'Install Node.js 20 LTS or newer (https://nodejs.org, or `nvm install 20`), then run `npm ci` again.'
  );
}

export function requireApiKey(env: Env): string {
  const key = env.RINKEL_API_KEY?.trim();
  if (!key) {
    throw missingApiKeyError();
  }
  return key;
}

export function missingApiKeyError(): ConfigError {
  return new ConfigError(
    'RINKEL_API_KEY is not set.',
    'Export the Rinkel API key first, e.g. `export RINKEL_API_KEY=…` (request one at https://www.rinkel.com/en-nl/integrations/). It is never written to a file.'
  );
}

export function rinkelBaseUrl(env: Env): string {
  const value = env.RINKEL_API_BASE_URL?.trim();
  if (!value) {
    return DEFAULT_RINKEL_BASE_URL;
  }
  validateUrl(value, 'RINKEL_API_BASE_URL', true);
  return value.replace(/\/+$/, '');
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** https only, except loopback addresses (the local fakes the tests use). */
export function validateUrl(value: string, what: string, allowLoopbackHttp = true): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `${what} "${value}" is not a URL.`,
      `Give a full URL such as https://example.my.salesforce-sites.com`
    );
  }
  const loopbackHttp = allowLoopbackHttp && url.protocol === 'http:' && LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new ConfigError(
      `${what} must use https (got ${url.protocol}).`,
      'Rinkel only delivers webhooks to https URLs; use the https Site URL.'
    );
  }
  return url;
}

function parse(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  usage: string,
  allowPositionals: boolean
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      message.replace(/\. To specify a positional argument.*$/s, '.'),
      `Usage: ${usage}`
    );
  }
}

function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

function boolOption(values: Record<string, unknown>, name: string): boolean {
  return values[name] === true;
}

function stringList(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$/;

function validateOrgName(value: string, flag: string): string {
  if (!ALIAS_PATTERN.test(value)) {
    throw new ConfigError(
      `${flag} "${value}" is not a valid org alias or username.`,
      'Use letters, digits, ".", "_", "-" or "@" (e.g. rinkel-dev or admin@example.com).'
    );
  }
  return value;
}

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

// ---------------------------------------------------------------------------------------------
// npm run setup

export const SETUP_USAGE = `npm run setup -- [options]

Creates a scratch org (or uses --target-org), deploys Rinkel for Salesforce, and configures it.

Options:
  --target-org <alias>       use this existing org instead of creating a scratch org
  --alias <alias>            scratch org alias (default ${DEFAULT_SCRATCH_ALIAS})
  --duration-days <1-30>     scratch org lifetime (default ${DEFAULT_DURATION_DAYS})
  --dev-hub <alias>          Dev Hub to create the scratch org with (default: your default Dev Hub)
  --definition-file <file>   scratch org definition (default ${DEFAULT_DEFINITION_FILE})
  --integration-user <user>  username that processes webhook events (default: you)
  --rotate-secret            generate a new webhook secret (re-register webhooks afterwards)
  --force-deploy             deploy even when the sources did not change (ignores conflicts)
  --skip-sample-data         do not load the sample Weborders into a scratch org
  --register-webhooks        also register the webhooks at Rinkel (callEnd, callInsights)
  --all                      with --register-webhooks: all five events
  -h, --help                 show this help

Environment:
  RINKEL_API_KEY             Rinkel API key (required; stored only in the org's External Credential)
  RINKEL_API_BASE_URL        override ${DEFAULT_RINKEL_BASE_URL} (tests)`;

export interface SetupOptions {
  help: boolean;
  /** Existing org to configure; undefined = create or reuse the scratch org `alias`. */
  targetOrg?: string;
  alias: string;
  durationDays: number;
  devHub?: string;
  definitionFile: string;
  integrationUser?: string;
  rotateSecret: boolean;
  forceDeploy: boolean;
  skipSampleData: boolean;
  registerWebhooks: boolean;
  allEvents: boolean;
  apiKey?: string;
  rinkelBaseUrl: string;
}

export function parseSetupArgs(argv: string[], env: Env): SetupOptions {
  const { values } = parse(
    argv,
    {
      'target-org': { type: 'string', short: 'o' },
      alias: { type: 'string', short: 'a' },
      'duration-days': { type: 'string', short: 'y' },
      'dev-hub': { type: 'string', short: 'v' },
      'definition-file': { type: 'string', short: 'f' },
      'integration-user': { type: 'string' },
      'rotate-secret': { type: 'boolean' },
      'force-deploy': { type: 'boolean' },
      'skip-sample-data': { type: 'boolean' },
      'register-webhooks': { type: 'boolean' },
      all: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    },
    SETUP_USAGE,
    false
  );
  const help = boolOption(values, 'help');
  const targetOrg = stringOption(values, 'target-org');
  const aliasFlag = stringOption(values, 'alias');
  if (targetOrg && aliasFlag) {
    throw new ConfigError(
      '--target-org and --alias cannot be combined.',
      'Use --target-org for an existing org, or --alias to name the scratch org setup creates.'
    );
  }
  const durationRaw = stringOption(values, 'duration-days');
  let durationDays = DEFAULT_DURATION_DAYS;
  if (durationRaw !== undefined) {
    durationDays = Number(durationRaw);
    if (!Number.isInteger(durationDays) || durationDays < 1 || durationDays > 30) {
      throw new ConfigError(
        `--duration-days "${durationRaw}" is not a whole number from 1 to 30.`,
        'Scratch orgs live 1 to 30 days, e.g. --duration-days 7.'
      );
    }
    if (targetOrg) {
      throw new ConfigError(
        '--duration-days only applies to a new scratch org.',
        'Drop --duration-days when using --target-org.'
      );
    }
  }
  if (boolOption(values, 'all') && !boolOption(values, 'register-webhooks')) {
    throw new ConfigError(
      '--all only makes sense with --register-webhooks.',
      'Add --register-webhooks, or run `npm run webhooks -- register --all` later.'
    );
  }
  const integrationUser = stringOption(values, 'integration-user');
  return {
    help,
    targetOrg: targetOrg ? validateOrgName(targetOrg, '--target-org') : undefined,
    alias: validateOrgName(aliasFlag ?? DEFAULT_SCRATCH_ALIAS, '--alias'),
    durationDays,
    devHub: stringOption(values, 'dev-hub'),
    definitionFile: stringOption(values, 'definition-file') ?? DEFAULT_DEFINITION_FILE,
    integrationUser: integrationUser
      ? validateOrgName(integrationUser, '--integration-user')
      : undefined,
    rotateSecret: boolOption(values, 'rotate-secret'),
    forceDeploy: boolOption(values, 'force-deploy'),
    skipSampleData: boolOption(values, 'skip-sample-data'),
    registerWebhooks: boolOption(values, 'register-webhooks'),
    allEvents: boolOption(values, 'all'),
    apiKey: env.RINKEL_API_KEY?.trim() || undefined,
    rinkelBaseUrl: help ? DEFAULT_RINKEL_BASE_URL : rinkelBaseUrl(env)
  };
}

// ---------------------------------------------------------------------------------------------
// npm run webhooks

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
  RINKEL_API_BASE_URL      override ${DEFAULT_RINKEL_BASE_URL} (tests)`;

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
}

export function parseWebhooksArgs(argv: string[], env: Env): WebhooksOptions {
  const { values, positionals } = parse(
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
    rinkelBaseUrl: rinkelBaseUrl(env)
  };
}

// ---------------------------------------------------------------------------------------------
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
  const { values, positionals } = parse(
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
