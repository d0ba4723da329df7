// `npm run send-test-event` against a real HTTP server on loopback standing in for the Site.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportFailure } from '../core/cli';
import { createMemoryLogger } from '../core/log';
import { RINKEL_EVENTS } from '../clients/rinkel-api';
import { writeLocalState } from '../core/secret';
import { SAMPLE_EVENTS_DIR, sendTestEventMain } from '../webhooks/test-event';
import { REPO_ROOT } from '../core/paths';

const SECRET = 'dGVzdF9zZWNyZXRfZm9yX3NlbmRfdGVzdF9ldmVudF8x';

describe('npm run send-test-event', () => {
  let server: Server;
  let siteUrl: string;
  let received: { url: string; contentType?: string; body: unknown }[];
  let answer: { status: number; body: string; headers?: Record<string, string>; delayMs?: number };
  let root: string;

  beforeEach(async () => {
    received = [];
    answer = { status: 200, body: '{"status":"accepted"}' };
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        received.push({
          url: req.url ?? '',
          contentType: req.headers['content-type'],
          body: JSON.parse(raw) as unknown
        });
        setTimeout(() => {
          res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
          res.end(answer.body);
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    root = mkdtempSync(join(tmpdir(), 'rinkel-send-'));
    writeLocalState(root, 'rinkel-dev', {
      orgId: '00DFAKE00000000001',
      webhookSecret: SECRET,
      siteUrl
    });
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv = {}, projectRoot = process.cwd()) {
    const memory = createMemoryLogger();
    let code: number;
    try {
      code = await sendTestEventMain(argv, { projectRoot, env, logger: memory.logger });
    } catch (error) {
      code = reportFailure(memory.logger, error);
    }
    expect(memory.text()).not.toContain(SECRET);
    return { code, output: memory.text() };
  }

  it('posts the sample callEnd body as JSON with the secret in the query', async () => {
    const { code, output } = await run(['callEnd', '--url', siteUrl], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });

    expect(code).toBe(0);
    expect(received).toEqual([
      {
        url: `/services/apexrest/rinkel/v1/callEnd?token=${SECRET}`,
        contentType: 'application/json',
        body: {
          id: '1c8b83a7c690084224ec3984515bc1a2',
          datetime: '2023-06-14T13:56:24.969Z',
          cause: 'ANSWERED'
        }
      }
    ]);
    expect(output).toContain(`POST ${siteUrl}/services/apexrest/rinkel/v1/callEnd?token=****`);
    expect(output).toContain('answer: HTTP 200');
  });

  it('takes the secret from .rinkel/<alias>.json and a body from --file, with a fresh id', async () => {
    const file = join(root, 'insights.json');
    writeFileSync(
      file,
      JSON.stringify({
        id: 'x',
        summary: 'Klant belt over levering',
        sentiment: 'NEUTRAL',
        topics: ['levering']
      })
    );

    const { code } = await run(
      [
        'callInsights',
        '--url',
        `${siteUrl}/services/apexrest/rinkel/v1/callInsights`,
        '--file',
        file,
        '--target-org',
        'rinkel-dev',
        '--new-id'
      ],
      {},
      root
    );

    expect(code).toBe(0);
    expect(received[0]?.url).toBe(`/services/apexrest/rinkel/v1/callInsights?token=${SECRET}`);
    expect(received[0]?.body).toEqual(
      expect.objectContaining({
        summary: 'Klant belt over levering',
        id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown
      })
    );
  });

  it('fails with a fix when the endpoint refuses the secret', async () => {
    answer = { status: 401, body: '{"error":"invalid token"}' };

    const { code, output } = await run(['callEnd', '--url', siteUrl, '--no-token']);

    expect(code).toBe(1);
    expect(received[0]?.url).toBe('/services/apexrest/rinkel/v1/callEnd');
    expect(output).toContain('The endpoint refused the secret');
  });

  it('fails on a redirect (an inactive Site) and does not follow it', async () => {
    answer = { status: 302, body: '', headers: { Location: `${siteUrl}/login` } };

    const { code, output } = await run(['callEnd', '--url', siteUrl], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });

    expect(code).toBe(1);
    expect(received).toHaveLength(1);
    expect(output).toMatch(/answer: HTTP 302 in \d+ ms/);
    expect(output).toContain(`The endpoint redirected (302 to ${siteUrl}/login)`);
    expect(output).toContain('activate the Site');
    expect(output).not.toContain('OK:');
  });

  it('fails on a 2xx other than 200: Rinkel accepts only 200', async () => {
    answer = { status: 204, body: '' };

    const { code, output } = await run(['callEnd', '--url', siteUrl], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });

    expect(code).toBe(1);
    expect(output).toContain('The endpoint answered 204, not 200');
  });

  it('shows the elapsed time and warns when the answer takes longer than 2 s', async () => {
    answer = { status: 200, body: '{}', delayMs: 2100 };

    const { code, output } = await run(['callEnd', '--url', siteUrl], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });

    expect(code).toBe(1);
    expect(output).toMatch(/answer: HTTP 200 in 2\d{3} ms/);
    expect(output).toContain('Rinkel requires 200 within 2 s');
  });

  it('refuses a --url of another event or with its own token', async () => {
    const other = await run(
      ['callEnd', '--url', `${siteUrl}/services/apexrest/rinkel/v1/callInsights`],
      { RINKEL_WEBHOOK_SECRET: SECRET }
    );
    expect(other.code).toBe(2);
    expect(other.output).toContain('--url ends in /callInsights but the event sent is callEnd');

    const token = await run(['callEnd', '--url', `${siteUrl}?token=abcdefgh`], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });
    expect(token.code).toBe(2);
    expect(token.output).toContain('--url carries its own token');
    expect(received).toHaveLength(0);
  });

  it('says when the URL cannot be reached', async () => {
    const { code, output } = await run(['callEnd', '--url', 'http://127.0.0.1:1'], {
      RINKEL_WEBHOOK_SECRET: SECRET
    });

    expect(code).toBe(2);
    expect(output).toContain(
      'Could not reach http://127.0.0.1:1/services/apexrest/rinkel/v1/callEnd'
    );
  });

  it('ships a sample body for every event', () => {
    for (const event of RINKEL_EVENTS) {
      const local = readFileSync(join(REPO_ROOT, SAMPLE_EVENTS_DIR, `${event}.json`), 'utf8');
      expect(JSON.parse(local)).toEqual(
        expect.objectContaining({ id: expect.any(String) as unknown })
      );
    }
  });
});
