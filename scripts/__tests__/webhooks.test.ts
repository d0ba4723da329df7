// `npm run webhooks -- list|register|test|unregister` against the fake Rinkel API on loopback.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFailure } from '../core/cli';
import { createMemoryLogger } from '../core/log';
import { writeLocalState } from '../core/secret';
import { webhooksMain } from '../webhooks/commands';
import { parseBackfillArgs } from '../backfill/cli';
import { emptyTotals, writeState } from '../backfill/state';
import { FakeRinkel } from '../testing/fake-rinkel';
import { REPO_ROOT } from '../core/paths';

jest.setTimeout(30_000);

const API_KEY = 'rk_live_0123456789abcdef';
const SECRET = 'Zm9vYmFyYmF6cXV4X3NlY3JldF92YWx1ZV8xMjM0NTY3';
const SITE = 'https://rinkel-dev.scratch.my.salesforce-sites.com';
const ENDPOINT = `${SITE}/services/apexrest/rinkel/v1`;

describe('npm run webhooks', () => {
  let rinkel: FakeRinkel;
  let root: string;

  beforeEach(async () => {
    rinkel = await FakeRinkel.start({ apiKey: API_KEY });
    root = mkdtempSync(join(tmpdir(), 'rinkel-webhooks-'));
    writeLocalState(root, 'rinkel-dev', {
      orgId: '00DFAKE00000000001',
      webhookSecret: SECRET,
      siteUrl: SITE
    });
  });

  afterEach(async () => {
    await rinkel.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
    const memory = createMemoryLogger();
    let code: number;
    try {
      code = await webhooksMain(argv, {
        projectRoot: root,
        env: { RINKEL_API_KEY: API_KEY, RINKEL_API_BASE_URL: rinkel.baseUrl, ...env },
        logger: memory.logger,
        retryBaseDelayMs: 1
      });
    } catch (error) {
      // The entry point prints these through reportFailure; the tests look at the error itself.
      code = reportFailure(memory.logger, error);
    }
    const output = memory.text();
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(API_KEY);
    return { code, output };
  }

  const postsTo = (event: string) =>
    rinkel.requestsTo('POST', `/v1/webhooks/${event}`).filter((r) => !r.path.endsWith('/test'));

  it('subscribes callEnd and callInsights on a fresh account, then tests them', async () => {
    const { code, output } = await run(['register']);

    expect(code).toBe(0);
    expect([...rinkel.subscriptions.values()]).toEqual([
      {
        event: 'callEnd',
        url: `${ENDPOINT}/callEnd?token=${SECRET}`,
        contentType: 'application/json',
        active: true,
        description: 'Rinkel for Salesforce'
      },
      {
        event: 'callInsights',
        url: `${ENDPOINT}/callInsights?token=${SECRET}`,
        contentType: 'application/json',
        active: true,
        description: 'Rinkel for Salesforce'
      }
    ]);
    expect(rinkel.testRequests).toEqual([
      {
        event: 'callEnd',
        url: `${ENDPOINT}/callEnd?token=${SECRET}`,
        contentType: 'application/json'
      },
      {
        event: 'callInsights',
        url: `${ENDPOINT}/callInsights?token=${SECRET}`,
        contentType: 'application/json'
      }
    ]);
    expect(rinkel.requests.every((r) => r.apiKey === API_KEY)).toBe(true);
    expect(output).toContain(`callEnd: subscribed → ${ENDPOINT}/callEnd?token=****`);
    expect(output).toContain('test callInsights: OK');
  });

  it('subscribes all five events with --all', async () => {
    await run(['register', '--all']);

    expect([...rinkel.subscriptions.keys()].sort()).toEqual([
      'callEnd',
      'callInsights',
      'callStart',
      'incomingCall',
      'outgoingCall'
    ]);
  });

  it('updates instead of duplicating when registering again after a secret rotation', async () => {
    await run(['register']);
    const rotated = 'bmV3X3NlY3JldF92YWx1ZV9hZnRlcl9yb3RhdGlvbl8x';
    writeLocalState(root, 'rinkel-dev', {
      orgId: '00DFAKE00000000001',
      webhookSecret: rotated,
      siteUrl: SITE
    });

    const { code, output } = await run(['register']);

    expect(code).toBe(0);
    expect(postsTo('callEnd')).toHaveLength(1);
    expect(rinkel.requestsTo('PUT', '/v1/webhooks/')).toHaveLength(2);
    expect(rinkel.subscriptions.size).toBe(2);
    expect(rinkel.subscriptions.get('callEnd')?.url).toBe(`${ENDPOINT}/callEnd?token=${rotated}`);
    expect(output).toContain('callEnd: updated');
    expect(output).not.toContain(rotated);
  });

  it('leaves a correct subscription alone on a re-run', async () => {
    await run(['register']);
    const requestsBefore = rinkel.requests.length;

    const { output } = await run(['register']);

    const writes = rinkel.requests
      .slice(requestsBefore)
      .filter((r) => r.method !== 'GET' && !r.path.endsWith('/test'));
    expect(writes).toEqual([]);
    expect(output).toContain('callEnd: already registered');
  });

  it('does not take over a subscription that points elsewhere unless forced', async () => {
    rinkel.subscriptions.set('callEnd', {
      event: 'callEnd',
      url: 'https://crm.example.com/rinkel?token=theirs-secret',
      contentType: 'application/json',
      active: true
    });

    const refused = await run(['register']);

    expect(refused.code).toBe(2);
    expect(refused.output).toContain(
      'Rinkel already sends callEnd to another address (https://crm.example.com/rinkel?token=****)'
    );
    expect(refused.output).toContain('--force');
    expect(rinkel.subscriptions.get('callEnd')?.url).toContain('crm.example.com');

    const forced = await run(['register', '--force']);

    expect(forced.code).toBe(0);
    expect(rinkel.subscriptions.get('callEnd')?.url).toBe(`${ENDPOINT}/callEnd?token=${SECRET}`);
  });

  it('explains the 403 plan error: webhooks need the Expert plan', async () => {
    rinkel.plan = 'basic';

    const { code, output } = await run(['register']);

    expect(code).toBe(1);
    expect(output).toContain('Current plan does not include integrations');
    expect(output).toContain('Expert plan');
    expect(rinkel.subscriptions.size).toBe(0);
  });

  it('says the API key is wrong on 401', async () => {
    const { code, output } = await run(['list'], { RINKEL_API_KEY: 'rk_live_wrong_key_000' });

    expect(code).toBe(1);
    expect(output).toContain('the API key is wrong');
    expect(output).toContain('Check RINKEL_API_KEY');
    expect(output).not.toContain('rk_live_wrong_key_000');
  });

  it("shows Rinkel's error code and message on 400", async () => {
    rinkel.rejectOnce(
      'PUT',
      '/webhooks/callEnd',
      400,
      'INVALID_URL',
      'The url must be reachable over HTTPS'
    );
    rinkel.subscriptions.set('callEnd', {
      event: 'callEnd',
      url: `${ENDPOINT}/callEnd?token=old-secret-value`,
      contentType: 'application/json',
      active: true
    });

    const { code, output } = await run(['register']);

    expect(code).toBe(1);
    expect(output).toContain(
      'Rinkel rejected the request (400) — INVALID_URL: The url must be reachable over HTTPS'
    );
  });

  it('retries through a flaky network', async () => {
    rinkel.failNext(2, 'network');

    const { code, output } = await run(['register']);

    expect(code).toBe(0);
    expect(rinkel.subscriptions.size).toBe(2);
    expect(output).toMatch(/retry 1 in \d+ ms/);
    expect(output).toMatch(/retry 2 in \d+ ms/);
  });

  it('gives up after a few retries and says what to check', async () => {
    rinkel.failNext(10, 503);

    const { code, output } = await run(['list']);

    expect(code).toBe(1);
    expect(output).toContain('Gave up after 4 attempts');
    expect(output).toContain('Fix: Retry in a few minutes');
  });

  it('lists subscriptions in a table with the secret masked', async () => {
    await run(['register']);
    rinkel.subscriptions.set('incomingCall', {
      event: 'incomingCall',
      url: 'https://other.example.com/hook?token=abcdef123456',
      contentType: 'application/json',
      active: false
    });

    const { code, output } = await run(['list']);

    expect(code).toBe(0);
    const lines = output.split('\n');
    expect(lines[0]).toMatch(/^EVENT\s+ACTIVE\s+CONTENT TYPE\s+THIS ORG\s+URL$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^callEnd\\s+yes\\s+application/json\\s+yes\\s+${ENDPOINT.replace(/[.]/g, '\\.')}/callEnd\\?token=\\*\\*\\*\\*$`
        )
      )
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^incomingCall\s+no\s+application\/json\s+no\s+https:\/\/other\.example\.com\/hook\?token=\*\*\*\*$/
      )
    );
    expect(output).not.toContain('abcdef123456');
  });

  it('lists without a saved org, marking ownership as unknown', async () => {
    rmSync(join(root, '.rinkel'), { recursive: true });
    rinkel.subscriptions.set('callEnd', {
      event: 'callEnd',
      url: `${ENDPOINT}/callEnd?token=${SECRET}`,
      contentType: 'application/json',
      active: true
    });

    const { code, output } = await run(['list']);

    expect(code).toBe(0);
    expect(output).toMatch(/callEnd\s+yes\s+application\/json\s+\?\s+/);
  });

  it('lists across pages', async () => {
    // 5 subscriptions, but the client asks for 50 per page; force small pages through the fake.
    for (const event of ['incomingCall', 'outgoingCall', 'callStart', 'callEnd', 'callInsights']) {
      rinkel.subscriptions.set(event, {
        event,
        url: `https://x.example/${event}`,
        contentType: 'application/json',
        active: true
      });
    }
    const { output } = await run(['list']);

    expect(output.split('\n').filter((l) => l.includes('https://x.example/'))).toHaveLength(5);
  });

  it('tests our subscriptions', async () => {
    await run(['register']);
    rinkel.testRequests.length = 0;

    const { code, output } = await run(['test']);

    expect(code).toBe(0);
    expect(rinkel.testRequests.map((t) => t.event)).toEqual(['callEnd', 'callInsights']);
    expect(output).toContain('test callEnd: OK');
  });

  it('reports a failed test delivery with exit code 1', async () => {
    rinkel.deliverTests = true; // the site URL is not reachable from the fake
    await run(['register']).catch(() => undefined);
    rinkel.testRequests.length = 0;

    const { code, output } = await run(['test', '--event', 'callEnd']);

    expect(code).toBe(1);
    expect(output).toContain('test callEnd: FAILED');
    expect(output).toContain('WEBHOOK_TEST_FAILED');
  });

  it('unregisters ours only', async () => {
    await run(['register', '--all']);
    rinkel.subscriptions.set('incomingCall', {
      event: 'incomingCall',
      url: 'https://crm.example.com/in',
      contentType: 'application/json',
      active: true
    });

    const { code, output } = await run(['unregister']);

    expect(code).toBe(0);
    expect([...rinkel.subscriptions.keys()]).toEqual(['incomingCall']);
    expect(
      rinkel
        .requestsTo('DELETE', '/v1/webhooks/')
        .map((r) => r.path)
        .sort()
    ).toEqual(
      [
        '/v1/webhooks/callEnd',
        '/v1/webhooks/callInsights',
        '/v1/webhooks/callStart',
        '/v1/webhooks/outgoingCall'
      ].sort()
    );
    expect(output).toContain('incomingCall: left alone');
  });

  it('asks which org when several were set up', async () => {
    writeLocalState(root, 'other-org', {
      orgId: '00DOTHER0000000001',
      webhookSecret: SECRET,
      siteUrl: SITE
    });

    const { code, output } = await run(['register']);

    expect(code).toBe(2);
    expect(output).toContain('Several orgs were set up here (other-org, rinkel-dev)');
    expect(output).toContain('--target-org');
  });

  it('keeps using the one org after a backfill saved its resume point', async () => {
    const { statePath } = parseBackfillArgs(['--since', '2026-01-01'], {}, root);
    writeState(statePath, {
      version: 1,
      since: '2026-01-01T00:00:00.000Z',
      until: '2026-02-01T00:00:00.000Z',
      perPage: 50,
      nextPage: 3,
      done: false,
      jobs: [],
      totals: emptyTotals(),
      updatedAt: '2026-02-01T00:00:00.000Z'
    });

    const { code, output } = await run(['register']);

    expect(code).toBe(0);
    expect(output).not.toContain('Several orgs');
    expect(rinkel.subscriptions.get('callEnd')?.url).toBe(`${ENDPOINT}/callEnd?token=${SECRET}`);
  });

  it('names the fix for a broken .rinkel/<alias>.json instead of a stack trace', async () => {
    mkdirSync(join(root, '.rinkel'), { recursive: true });
    writeFileSync(join(root, '.rinkel', 'rinkel-dev.json'), '{"orgId": "00DFAKE0000');

    const { code, output } = await run(['register']);

    expect(code).toBe(2);
    expect(output).toContain('rinkel-dev.json is not valid JSON');
    expect(output).toContain('npm run setup -- --target-org rinkel-dev --rotate-secret');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('never reads a cut-off answer as "no subscriptions"', async () => {
    await run(['register']);
    rinkel.failNext(4, 'truncated');

    const { code, output } = await run(['list']);

    expect(code).toBe(1);
    expect(output).not.toContain('No webhook subscriptions');
    expect(output).toContain('not JSON (cut off?)');
    expect(output).toContain('Fix:');
  });

  it('asks for the API key', async () => {
    const { code, output } = await run(['list'], { RINKEL_API_KEY: '' });

    expect(code).toBe(2);
    expect(output).toContain('RINKEL_API_KEY is not set.');
  });

  it('works end to end through the real entry point (tsx scripts/webhooks.ts)', async () => {
    await run(['register']);
    const repoRoot = REPO_ROOT;
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
          join(repoRoot, 'scripts/webhooks.ts'),
          'list'
        ],
        {
          cwd: root,
          env: { ...process.env, RINKEL_API_KEY: API_KEY, RINKEL_API_BASE_URL: rinkel.baseUrl },
          stdio: ['ignore', 'pipe', 'pipe']
        }
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });

    expect(result.code).toBe(0);
    expect(result.out).toContain(`${ENDPOINT}/callEnd?token=****`);
    expect(result.out).not.toContain(SECRET);
    expect(result.out).not.toContain(API_KEY);
  });
});
