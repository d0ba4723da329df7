// The hostile-input corpus: one JSON file per malformed or hostile webhook request in
// test-data/hostile. jest runs every case through ./validate; the org runs the same cases, shipped
// as the static resource RinkelHostileCorpus (built by `npm run build:hostile-corpus`), through
// RinkelWebhookResource and RinkelWebhookTriggerHandler in RinkelHostileInputTest.

import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, staticResource } from '../core/paths';
import type { WebhookRequest } from './validate';

export const CORPUS_DIR = path.join(REPO_ROOT, 'test-data', 'hostile');
/** The static resource RinkelHostileCorpus, wherever it sits in the package directories. */
export const STATIC_RESOURCE_FILE = staticResource('RinkelHostileCorpus');
/** A test value, stored only as its hash by the tests; it opens nothing anywhere. */
export const CORPUS_SECRET = 'hostile-corpus-test-secret-not-a-real-one-4f9c2a7e1b';

export interface BodyRepeat {
  prefix: string;
  text: string;
  times: number;
  suffix: string;
}

export interface HostileExpectation {
  status: number;
  /** Whether anything may be published and stored. */
  stored: boolean;
  callId?: string;
  eventName?: string;
  /** Strings the stored payload must not contain (secrets, dropped token fields). */
  payloadExcludes?: string[];
  payloadIncludes?: string[];
  /** Payload field → what the phone normaliser must make of it (null = refused). */
  phones?: Record<string, string | null>;
}

export interface HostileCase {
  name: string;
  description: string;
  category: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  contentType: string | null;
  body?: string;
  bodyBase64?: string;
  bodyRepeat?: BodyRepeat;
  expected: HostileExpectation;
}

export function loadCorpus(dir: string = CORPUS_DIR): HostileCase[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const data = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Omit<
        HostileCase,
        'name'
      >;
      return { name: file.replace(/\.json$/, ''), ...data };
    });
}

export function bodyOf(testCase: HostileCase): Buffer {
  if (testCase.bodyBase64 !== undefined) {
    return Buffer.from(testCase.bodyBase64, 'base64');
  }
  if (testCase.bodyRepeat !== undefined) {
    const { prefix, text, times, suffix } = testCase.bodyRepeat;
    return Buffer.from(prefix + text.repeat(times) + suffix, 'utf8');
  }
  return Buffer.from(testCase.body ?? '', 'utf8');
}

export function toRequest(testCase: HostileCase): WebhookRequest {
  const headers: Record<string, string> = { ...testCase.headers };
  if (testCase.contentType !== null) {
    headers['Content-Type'] = testCase.contentType;
  }
  return {
    method: testCase.method,
    path: testCase.path,
    query: { ...testCase.query },
    headers,
    body: bodyOf(testCase)
  };
}

/** Non-ASCII as \uXXXX, so invisible characters stay visible in files and diffs. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\uffff]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  );
}

/** What the static resource holds: the secret the cases use and every case, sorted by name. */
export function staticResourceContent(cases: HostileCase[]): {
  secret: string;
  cases: HostileCase[];
} {
  return { secret: CORPUS_SECRET, cases };
}
