// The webhook secret and the small local state file that remembers it.
//
// The org only ever stores the SHA-256 of the secret (Rinkel_Webhook_Secret__c.Secret_Hash__c);
// the plain value lives in `.rinkel/<org-alias>.json` (gitignored, mode 0600) because it is part
// of the URL that `npm run webhooks -- register` gives to Rinkel.

import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config';
import { isRecord } from './json';

export const SECRET_BYTES = 32;
export const STATE_DIR = '.rinkel';
/**
 * Backfill resume points live in their own folder: a file beside the per-org setup files would be
 * taken for an org by `webhooks` and `send-test-event`.
 */
export const BACKFILL_STATE_DIR = `${STATE_DIR}/backfill`;

/** 32 random bytes, base64url: URL-safe without escaping, 43 characters. */
export function generateWebhookSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** Lowercase hex SHA-256, the format the Apex receiver compares with. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export interface LocalOrgState {
  /** 18-character org id the state belongs to; a new scratch org under the same alias resets it. */
  orgId: string;
  username?: string;
  webhookSecret?: string;
  /** Token of the VoIPGRID caller-id lookup URL (the org keeps only its SHA-256). */
  lookupToken?: string;
  /** Secure URL of the Rinkel_Webhooks site, e.g. https://x.my.salesforce-sites.com */
  siteUrl?: string;
  /** SHA-256 of the API key last stored in the External Credential (the key itself is never kept). */
  apiKeySha256?: string;
  /** Hash of the deployed source folders, so an unchanged tree is not deployed again. */
  deployedSourceHash?: string;
  updatedAt?: string;
}

export function stateFileName(orgAlias: string): string {
  return `${orgAlias.replace(/[^A-Za-z0-9._@-]/g, '_')}.json`;
}

export function stateFilePath(projectRoot: string, orgAlias: string): string {
  return join(projectRoot, STATE_DIR, stateFileName(orgAlias));
}

function optionalString(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function readLocalState(projectRoot: string, orgAlias: string): LocalOrgState | undefined {
  const file = stateFilePath(projectRoot, orgAlias);
  if (!existsSync(file)) {
    return undefined;
  }
  const parsed = parseStateFile(file);
  const fix = `Delete ${join(STATE_DIR, stateFileName(orgAlias))} and run \`npm run setup -- --target-org ${orgAlias} --rotate-secret\` (then \`npm run webhooks -- register\` so Rinkel gets the new secret).`;
  if (parsed === undefined) {
    throw new ConfigError(`${file} is not valid JSON (a cut-off or hand-edited setup file).`, fix);
  }
  if (!isRecord(parsed) || typeof parsed.orgId !== 'string') {
    throw new ConfigError(`${file} is not a setup file of this project (it has no orgId).`, fix);
  }
  return {
    orgId: parsed.orgId,
    username: optionalString(parsed, 'username'),
    webhookSecret: optionalString(parsed, 'webhookSecret'),
    lookupToken: optionalString(parsed, 'lookupToken'),
    siteUrl: optionalString(parsed, 'siteUrl'),
    apiKeySha256: optionalString(parsed, 'apiKeySha256'),
    deployedSourceHash: optionalString(parsed, 'deployedSourceHash'),
    updatedAt: optionalString(parsed, 'updatedAt')
  };
}

/** Writes atomically with owner-only permissions (the file holds the plain webhook secret). */
export function writeLocalState(
  projectRoot: string,
  orgAlias: string,
  state: LocalOrgState
): string {
  const dir = join(projectRoot, STATE_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = stateFilePath(projectRoot, orgAlias);
  const tmp = `${file}.${process.pid}.tmp`;
  const content = `${JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2)}\n`;
  writeFileSync(tmp, content, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

function parseStateFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Aliases that have a setup file, e.g. to pick the only org when none was named. Only files that
 * setup wrote count (they hold an orgId): a backfill state left at the old place
 * (`.rinkel/backfill-<alias>.json`) or any other JSON file there is not an org.
 */
export function listLocalStateAliases(projectRoot: string): string[] {
  const dir = join(projectRoot, STATE_DIR);
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .filter((entry) => {
      const parsed = parseStateFile(join(dir, entry.name));
      // A broken setup file still names an org: readLocalState then says how to repair it.
      return parsed === undefined || (isRecord(parsed) && typeof parsed.orgId === 'string');
    })
    .map((entry) => entry.name.slice(0, -'.json'.length))
    .sort();
}
