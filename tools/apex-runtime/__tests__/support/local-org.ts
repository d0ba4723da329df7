/** What the host tests share: where the project and its fixtures are, the parse cache, a webhook. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LocalOrg } from '../../src/host/index';

export const ROOT = path.join(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(ROOT, 'scripts', 'testing', 'fixtures', 'rinkel');
/** Parsed Apex shared by the host tests (keyed on each file's content, so never stale). */
export const CACHE_DIR = path.join(os.tmpdir(), 'rinkel-local-org-test-cache');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export function fixture(name: string): Json {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as Json;
}

/** Posts `body` to the local Site as Rinkel would, with `token` as the webhook secret. */
export function webhook(
  org: LocalOrg,
  event: string,
  token: string,
  body: unknown
): ReturnType<LocalOrg['rest']> {
  return org.rest({
    method: 'POST',
    path: `/services/apexrest/rinkel/v1/${event}?token=${encodeURIComponent(token)}`,
    headers: { 'Content-Type': 'application/json' },
    body: Buffer.from(JSON.stringify(body)),
    remoteAddress: '127.0.0.1'
  });
}
