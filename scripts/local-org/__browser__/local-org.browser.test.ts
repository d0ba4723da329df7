// The "Done when", end to end: `npm start` (the real command, in a temporary state dir),
// a call made through the fake Rinkel from a sample Weborder's number, its callEnd and then its
// callInsights landing live on that Weborder's timeline, the recording played, a second call
// appearing live, refused webhooks changing nothing, send-test-event as printed, Ctrl-C, and the
// state surviving a restart. Every figure on screen comes from the product's Apex in the runtime.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/paths';
import { launchChromium } from '../../lwc/harness/chromium';
import { SCREENSHOT_DIR } from '../../lwc/harness/paths';
import { type StartedProcess, startNpmStart } from '../start-process';

jest.setTimeout(240_000);

const run = promisify(execFile);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rinkel-local-org-'));
let started: StartedProcess | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
const pageErrors: string[] = [];

interface Status {
  counts: Record<string, number>;
  users: Record<string, { username: string; name: string }>;
  fake: { dials: { to: string; deviceId: string }[] };
}

async function post(pathname: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${started?.url ?? ''}${pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body)
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${pathname} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function status(): Promise<Status> {
  const response = await fetch(`${started?.url ?? ''}/local/status`);
  return (await response.json()) as Status;
}

async function counts(): Promise<Record<string, number>> {
  return (await status()).counts;
}

function secret(): string {
  return (
    JSON.parse(fs.readFileSync(path.join(stateDir, 'site.json'), 'utf8')) as {
      webhookSecret: string;
    }
  ).webhookSecret;
}

function calls(timeline: Locator): Locator {
  return timeline.locator('li.call');
}

async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

beforeAll(async () => {
  started = await startNpmStart(['--port', '0', '--state-dir', stateDir]);
  // A first start on a clean clone builds the pages (cached after): wait for them too.
  await started.waitFor(/Pages (ready|built)/, 180_000);
  browser = await launchChromium();
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await started?.interrupt();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

afterEach(() => {
  const errors = pageErrors.splice(0);
  if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
});

async function openWeborder(name: string): Promise<Locator> {
  if (!browser || !started) throw new Error('npm start did not start');
  page ??= await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${started.url}/`);
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForFunction('window.__LOCAL__ && window.__LOCAL__.streamOpen === true', null, {
    timeout: 30_000
  });
  const timeline = page.locator('c-call-timeline');
  await timeline.locator('li.call, .state_empty').first().waitFor({ timeout: 30_000 });
  return timeline;
}

describe('npm start: the product running locally', () => {
  it('is ready in under 15 s and prints the URLs, sample numbers, how to send an event and the state', () => {
    const output = started?.output() ?? '';
    expect(started?.readySeconds).toBeLessThan(15);
    expect(output).toContain(`${started?.url ?? ''}/services/apexrest/rinkel/v1/<event>`);
    expect(output).toMatch(/WO-10001\s+06 12345678\s+\+31612345678/);
    expect(output).toContain(`npm run send-test-event -- callEnd --url ${started?.url ?? ''}`);
    expect(output).toContain('curl -s -X POST');
    expect(output).toContain(stateDir);
    // A fresh state generates the secret and shows it once, in full.
    expect(output).toContain(`Webhook secret (new, shown once`);
    expect(output).toContain(secret());
  });

  it('shows a call from a sample number on its Weborder: callEnd, then callInsights, live', async () => {
    const timeline = await openWeborder('WO-10003');
    expect(await calls(timeline).count()).toBe(0);
    const created = await post('/local/calls', {
      number: '020-1234567',
      direction: 'inbound',
      duration: 95,
      insights: {
        summary: 'Mevrouw Bakker vroeg wanneer haar bestelling komt.',
        sentiment: 'POSITIVE'
      },
      insightsAfterMs: 8000
    });
    expect((created.webhooks as { event: string; status: number }[])[0]).toMatchObject({
      event: 'callEnd',
      status: 200
    });
    const call = calls(timeline).first();
    await call.waitFor({ timeout: 30_000 });
    // callEnd's CDR: direction, duration and agent, before the insights are ready.
    await expect(text(call.locator('.call-heading'))).resolves.toContain('Inbound call');
    await expect(text(call.locator('.call-duration'))).resolves.toBe('1 min 35 s');
    const agent = (await status()).users.agent?.name;
    await expect(text(call.locator('.call-agent'))).resolves.toBe(agent);
    // Answered, insights not there yet: the timeline says the summary is on its way.
    await expect(text(call.locator('.summary-pending'))).resolves.toBe('Summary pending');
    await expect(text(call)).resolves.not.toContain('Mevrouw Bakker');
    // callInsights: the summary arrives on the same item, without a reload.
    await call
      .getByText('Mevrouw Bakker vroeg wanneer haar bestelling komt.')
      .waitFor({ timeout: 30_000 });
    expect(await calls(timeline).count()).toBe(1);
    await timeline.screenshot({ path: path.join(SCREENSHOT_DIR, 'local-org-call.png') });
  });

  it('plays the recording through a fresh stream URL from the fake Rinkel', async () => {
    const timeline = page!.locator('c-call-timeline');
    await timeline.getByRole('button', { name: 'Play recording' }).first().click();
    const audio = timeline.locator('audio');
    await audio.waitFor({ timeout: 30_000 });
    await expect(audio.getAttribute('src')).resolves.toMatch(
      new RegExp(`^${started?.url ?? ''}/local/audio/call-recording/[0-9a-f]{24}\\?token=`)
    );
    await page!.waitForFunction(
      () =>
        ((
          document
            .querySelector('c-call-timeline')
            ?.shadowRoot?.querySelector('audio') as HTMLAudioElement | null
        )?.readyState ?? 0) >= 1,
      null,
      { timeout: 30_000 }
    );
    const duration = await audio.evaluate((element) => (element as HTMLAudioElement).duration);
    expect(duration).toBeGreaterThan(1);
  });

  it('shows a second call as soon as its webhook arrives', async () => {
    const timeline = page!.locator('c-call-timeline');
    await post('/local/calls', { number: '+31201234567', status: 'MISSED', insights: null });
    await calls(timeline).nth(1).waitFor({ timeout: 30_000 });
    expect(await calls(timeline).count()).toBe(2);
    // Newest first: the missed call, with its reason and no agent.
    await expect(text(calls(timeline).first().locator('.call-status'))).resolves.toContain(
      'Missed'
    );
    expect(await calls(timeline).first().locator('.call-agent').count()).toBe(0);
  });

  it('calls back the missed call and calls the Weborder through the fake Rinkel, as the agent', async () => {
    const timeline = page!.locator('c-call-timeline');
    const missed = calls(timeline).first();
    await missed.getByRole('button', { name: /^Actions for / }).click();
    await missed.getByRole('menuitem', { name: 'Call back' }).click();
    await page!.waitForFunction(
      (url) =>
        fetch(`${url}/local/status`)
          .then((r) => r.json())
          .then((s: { fake: { dials: unknown[] } }) => s.fake.dials.length === 1),
      started?.url,
      { timeout: 30_000 }
    );
    await page!.getByRole('button', { name: 'Call', exact: true }).click();
    await page!.locator('c-rinkel-call-action .call-action-placed').waitFor({ timeout: 30_000 });
    const { dials } = (await status()).fake;
    expect(dials.map((dial) => dial.to)).toEqual(['+31201234567', '+31201234567']);
    await page!.locator('c-rinkel-call-action').getByRole('button', { name: 'Close' }).click();
  });

  it("pops the ringing call up for the agent with the caller's Weborder, and opens it", async () => {
    await page!.goto(`${started?.url ?? ''}/`);
    await page!.waitForFunction('window.__LOCAL__.streamOpen === true', null, { timeout: 30_000 });
    const pop = page!.locator('c-rinkel-screen-pop');
    await pop.locator('.pop-waiting').waitFor({ timeout: 30_000 });
    await post('/local/calls', { number: '(010) 765 43 21', ring: true, insights: null });
    await pop.locator('.pop-call').waitFor({ timeout: 30_000 });
    await expect(text(pop.locator('.pop-headline'))).resolves.toBe(
      'Incoming call from +31107654321'
    );
    await pop.getByRole('button', { name: /WO-10005/ }).click();
    await page!.waitForURL(/\/weborders\//, { timeout: 30_000 });
    await expect(text(page!.locator('#record-name'))).resolves.toBe('WO-10005');
  });

  it('answers a malformed and an unauthenticated webhook with 400 and 401 and changes nothing', async () => {
    const before = await counts();
    const site = `${started?.url ?? ''}/services/apexrest/rinkel/v1/callEnd`;
    const malformed = await fetch(`${site}?token=${encodeURIComponent(secret())}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"id": "1c8b83a7c690084224ec3984515bc1a2", "cause": '
    });
    expect(malformed.status).toBe(400);
    await expect(malformed.json()).resolves.toMatchObject({ error: 'bad_request' });
    const unauthenticated = await fetch(site, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: '1c8b83a7c690084224ec3984515bc1a2',
        datetime: '2026-01-05T10:00:00Z',
        cause: 'ANSWERED'
      })
    });
    expect(unauthenticated.status).toBe(401);
    await expect(unauthenticated.json()).resolves.toEqual({ error: 'unauthorized' });
    const wrongSecret = await fetch(`${site}?token=not-the-secret`, { method: 'POST', body: '{}' });
    expect(wrongSecret.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('refuses control and Apex requests another site could forge, and keeps the Site open to tunnels', async () => {
    const base = started?.url ?? '';
    const before = await counts();
    const form = await fetch(`${base}/local/calls`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ number: '06 12345678' })
    });
    expect(form.status).toBe(415);
    const rebound = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      'Host: evil.example',
      `${base}/local/status`
    ]);
    expect(rebound.stdout).toBe('421');
    const tunnel = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      '-H',
      'Host: abc.ngrok.example',
      '-H',
      'Content-Type: application/json',
      '-d',
      '{}',
      `${base}/services/apexrest/rinkel/v1/callEnd`
    ]);
    expect(tunnel.stdout).toBe('401');
    expect(await counts()).toEqual(before);
  });

  it('answers bad control and Apex requests with what is wrong, and changes nothing', async () => {
    const base = started?.url ?? '';
    const before = await counts();
    const ask = async (pathname: string, body: unknown): Promise<[number, string]> => {
      const response = await fetch(`${base}${pathname}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body)
      });
      return [response.status, ((await response.json()) as { error: string }).error];
    };
    await expect(ask('/local/calls', { number: '06 12345678', duration: -5 })).resolves.toEqual([
      400,
      '"duration" must be whole seconds between 0 and 86400'
    ]);
    await expect(ask('/local/calls', { number: 'call me' })).resolves.toEqual([
      400,
      '"call me" is not a phone number (try one of the sample numbers npm start printed)'
    ]);
    const [status, error] = await ask('/local/aura', {
      className: 'CallTimelineController',
      method: 'getCalls',
      as: 'nobody@example.com'
    });
    expect(status).toBe(400);
    expect(error).toContain(
      '"nobody@example.com" is no user of the local org; use one of admin@example.com, agent@rinkel.local'
    );
    await expect(ask('/local/aura', { method: 'getCalls' })).resolves.toEqual([
      400,
      '"className" and "method" are required strings'
    ]);
    const forged = await fetch(
      `${base}/local/audio/call-recording/65a1f0c2e4b0a1b2c3d4e5f6?token=forged`
    );
    expect(forged.status).toBe(404);
    expect((await fetch(`${base}/weborders/a0C000000000000AAA`)).status).toBe(404);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it('takes send-test-event as printed, and a plain curl', async () => {
    const before = await counts();
    const { stdout } = await run(
      'npm',
      [
        'run',
        '--silent',
        'send-test-event',
        '--',
        'callEnd',
        '--url',
        started?.url ?? '',
        '--new-id'
      ],
      { cwd: REPO_ROOT, env: { ...process.env, RINKEL_WEBHOOK_SECRET: secret() } }
    );
    expect(stdout).toContain('OK: the endpoint accepted the callEnd event');
    const curl = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-X',
      'POST',
      `${started?.url ?? ''}/services/apexrest/rinkel/v1/callInsights?token=${encodeURIComponent(secret())}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      '{"id": "eff7c60d5790f0b5d54f7d9ee15d0a9f", "summary": "curl", "sentiment": "NEUTRAL"}'
    ]);
    expect(curl.stdout).toBe('200');
    const after = await counts();
    expect(after.Rinkel_Event__c).toBe((before.Rinkel_Event__c ?? 0) + 2);
  });

  it('stops cleanly on Ctrl-C and keeps the calls for the next start', async () => {
    const before = await counts();
    await page?.close();
    page = undefined;
    const stopped = await started?.interrupt();
    // npm passes Ctrl-C on and then ends by the same signal, as a terminal shows (exit 130).
    expect(stopped === 0 || stopped === 'SIGINT').toBe(true);
    expect(started?.output()).toContain('Stopped; the state is in');
    expect(started?.groupAlive()).toBe(false);
    started = await startNpmStart(['--port', '0', '--state-dir', stateDir]);
    expect(started.readySeconds).toBeLessThan(15);
    expect(started.output()).toContain('Webhook secret: **** (in ');
    expect(started.output()).not.toContain(secret());
    expect((await counts()).Task).toBe(before.Task);
    const timeline = await openWeborder('WO-10003');
    expect(await calls(timeline).count()).toBe(2);
    // The same page in Dutch: the components' labels from the project's nl_NL translation.
    await page!.goto(`${page!.url()}?lang=nl`);
    const dutch = page!.locator('c-call-timeline');
    await calls(dutch).nth(1).waitFor({ timeout: 30_000 });
    await expect(text(calls(dutch).nth(1).locator('.call-heading'))).resolves.toContain(
      'Inkomend gesprek'
    );
  });
  it('starts from the sample data again with --reset, with a new secret shown once', async () => {
    const oldSecret = secret();
    await page?.close();
    page = undefined;
    await started?.interrupt();
    started = await startNpmStart(['--port', '0', '--state-dir', stateDir, '--reset']);
    expect(started.readySeconds).toBeLessThan(15);
    expect(secret()).not.toBe(oldSecret);
    expect(started.output()).toContain(`Webhook secret (new, shown once`);
    expect(started.output()).toContain(secret());
    expect(await counts()).toEqual({ Task: 0, Rinkel_Event__c: 0 });
    const timeline = await openWeborder('WO-10003');
    await timeline.locator('.state_empty').waitFor({ timeout: 30_000 });
  });
});
