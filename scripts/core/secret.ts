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
import { isRecord } from './json';

export const SECRET_BYTES = 32;
export const STATE_DIR = '.rinkel';

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(
      `${file} is not valid JSON. Delete it and run setup again (with --rotate-secret).`
    );
  }
  if (!isRecord(parsed) || typeof parsed.orgId !== 'string') {
    throw new Error(`${file} has no orgId. Delete it and run setup again (with --rotate-secret).`);
  }
  return {
    orgId: parsed.orgId,
    username: optionalString(parsed, 'username'),
    webhookSecret: optionalString(parsed, 'webhookSecret'),
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

/** Aliases that have a state file, e.g. to pick the only org when none was named. */
export function listLocalStateAliases(projectRoot: string): string[] {
  const dir = join(projectRoot, STATE_DIR);
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}
