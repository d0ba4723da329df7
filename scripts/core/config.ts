// What every command's argument and environment parsing shares (each command family parses its
// own flags in its folder: setup/config.ts, webhooks/config.ts, backfill/cli.ts). Every problem
// becomes a ConfigError that says what is wrong and how to fix it; nothing here touches the network.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_RINKEL_BASE_URL } from '../clients/rinkel-api';

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

export type Env = NodeJS.ProcessEnv;

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

/**
 * RINKEL_API_BASE_URL, checked here so a wrong value fails with its own message: without `/v1`
 * every call would be a 404 that reads like a wrong event or id.
 */
export function rinkelBaseUrl(env: Env): string {
  const value = env.RINKEL_API_BASE_URL?.trim();
  if (!value) {
    return DEFAULT_RINKEL_BASE_URL;
  }
  const fix = `Unset it to use ${DEFAULT_RINKEL_BASE_URL}, or give the full https base URL ending in /v1.`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`RINKEL_API_BASE_URL "${value}" is not a URL.`, fix);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new ConfigError(
      `RINKEL_API_BASE_URL must use https (got ${url.protocol}): the API key travels in a header.`,
      fix
    );
  }
  if (url.search || url.hash || !/\/v1\/*$/.test(url.pathname)) {
    throw new ConfigError(
      `RINKEL_API_BASE_URL "${value}" does not end in /v1 (Rinkel's API lives under ${DEFAULT_RINKEL_BASE_URL}).`,
      fix
    );
  }
  return value.replace(/\/+$/, '');
}

/** RINKEL_API_TIMEOUT_SECONDS: how long one Rinkel call may take (default 30 s). */
export function rinkelTimeoutMs(env: Env): number {
  const value = env.RINKEL_API_TIMEOUT_SECONDS?.trim();
  if (!value) return 30_000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new ConfigError(
      `RINKEL_API_TIMEOUT_SECONDS "${value}" is not a number of seconds between 0 and 600.`,
      'Unset it (30 s) or give e.g. 60.'
    );
  }
  return seconds * 1000;
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

export function parseOptions(
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

export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value.trim().length > 0 ? value.trim() : undefined;
}

export function boolOption(values: Record<string, unknown>, name: string): boolean {
  return values[name] === true;
}

export function stringList(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$/;

export function validateOrgName(value: string, flag: string): string {
  if (!ALIAS_PATTERN.test(value)) {
    throw new ConfigError(
      `${flag} "${value}" is not a valid org alias or username.`,
      'Use letters, digits, ".", "_", "-" or "@" (e.g. rinkel-dev or admin@example.com).'
    );
  }
  return value;
}
