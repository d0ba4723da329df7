/* eslint-disable @lwc/lwc/no-document-query -- the queries run inside the preview page (playwright), not in a component; the LWC rules reach this folder only because of its name */
// The timeline in a real browser: the component compiled from its TypeScript source with the real
// lightning-* base components and SLDS, platform modules stubbed, served on loopback and driven in
// Debian's Chromium. Screenshots land in build/screenshots/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/paths';
import { launchChromium } from '../harness/chromium';
import { SCREENSHOT_DIR as SHOTS } from '../harness/paths';
import { type PreviewServer, startPreviewServer } from '../harness/server';

/** Rollup and the LWC compiler are ES modules: build the page in a tsx child process. */
function buildPreview(): void {
  const root = REPO_ROOT;
  execFileSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    [path.join(root, 'scripts', 'lwc', 'build-preview.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe']
    }
  );
}

jest.setTimeout(240_000);

let server: PreviewServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  buildPreview();
  server = await startPreviewServer();
  browser = await launchChromium();
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  await page?.close();
  // A script error in the page fails the test that caused it, even when its assertions passed.
  if (pageErrors.length > 0) {
    throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  }
});

async function open(query: string): Promise<Locator> {
  page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/?${query}`);
  await page.waitForFunction(() => window.__RINKEL__.firstRenderMs !== null, null, {
    timeout: 30_000
  });
  return page.locator('c-call-timeline');
}

async function shoot(timeline: Locator, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await timeline.screenshot({ path: path.join(SHOTS, name), animations: 'disabled' });
}

function items(timeline: Locator): Locator {
  return timeline.locator('li.call');
}

async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Reads the page's preview state; `pick` runs in the browser. */
function state<T>(pick: (state: RinkelPreviewState) => T): Promise<T> {
  return page.evaluate<T>(`(${pick.toString()})(window.__RINKEL__)`);
}

describe('call timeline in Chromium', () => {
  it('shows the empty state with 0 calls, in English and Dutch', async () => {
    let timeline = await open('calls=0');
    await expect(timeline.getByText('No calls yet', { exact: true }).isVisible()).resolves.toBe(
      true
    );
    expect(await items(timeline).count()).toBe(0);
    await shoot(timeline, 'timeline-0-calls.png');

    await page.close();
    timeline = await open('calls=0&lang=nl');
    await expect(
      timeline.getByText('Nog geen gesprekken', { exact: true }).isVisible()
    ).resolves.toBe(true);
    await shoot(timeline, 'timeline-0-calls-nl.png');
  });

  it('renders 3 calls newest first with status, time, insights and Play buttons', async () => {
    const timeline = await open('calls=3');
    await expect(timeline.locator('lightning-card').innerText()).resolves.toContain('Calls');
    expect(await items(timeline).count()).toBe(3);
    expect(await texts(timeline.locator('li.call .call-status'))).toEqual([
      'Answered',
      'Missed: no answer',
      'Answered'
    ]);
    expect(await texts(timeline.locator('li.call time'))).toEqual([
      '12 minutes ago',
      '3 hours ago',
      '2 days ago'
    ]);
    expect(await texts(timeline.locator('li.call .call-number'))).toEqual([
      '06 12345678',
      '06 12345678',
      '06 12345678'
    ]);
    const first = items(timeline).first();
    await expect(first.innerText()).resolves.toContain('Summary pending');
    const third = items(timeline).nth(2);
    await expect(third.locator('.call-sentiment').innerText()).resolves.toBe('Sentiment: Positive');
    expect(await texts(third.locator('.call-topic'))).toEqual(['delivery', 'order status']);
    expect(await timeline.getByRole('button', { name: 'Play recording' }).count()).toBe(2);
    await expect(
      timeline.getByRole('list', { name: 'Calls, newest first' }).isVisible()
    ).resolves.toBe(true);
    await shoot(timeline, 'timeline-3-calls.png');

    // Measured in the real layout: only the third call's summary needs more than two lines.
    expect(await timeline.getByRole('button', { name: 'Show more' }).count()).toBe(1);
    const more = third.getByRole('button', { name: 'Show more' });
    await expect(more.getAttribute('aria-expanded')).resolves.toBe('false');
    await more.click();
    await expect(
      third.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')
    ).resolves.toBe('true');
  });

  it('plays a recording from a freshly fetched URL, one at a time', async () => {
    const timeline = await open('calls=3');
    await timeline.getByRole('button', { name: 'Play recording' }).first().click();
    const audio = timeline.locator('audio');
    await audio.waitFor();
    expect(await audio.count()).toBe(1);
    await expect(audio.getAttribute('src')).resolves.toContain('/audio/recording.wav?task=');
    await page.waitForFunction(
      () =>
        ((
          document
            .querySelector('c-call-timeline')
            ?.shadowRoot?.querySelector('audio') as HTMLAudioElement | null
        )?.readyState ?? 0) >= 1
    );
    await shoot(timeline, 'timeline-3-calls-playing.png');

    await timeline.getByRole('button', { name: 'Play recording' }).first().click();
    await page.waitForFunction(() => window.__RINKEL__.streamRequests.length === 2);
    await expect(items(timeline).nth(2).locator('audio').count()).resolves.toBe(1);
    expect(await timeline.locator('audio').count()).toBe(1);
    expect(await state((s) => s.streamRequests)).toHaveLength(2);
  });

  it('filters by direction and missed, and widens to the same number on other records', async () => {
    const timeline = await open('calls=6');
    expect(await items(timeline).count()).toBe(6);

    await timeline.locator('lightning-radio-group label', { hasText: 'Missed' }).click();
    await page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    await expect(items(timeline).count()).resolves.toBe(2);
    expect(await texts(timeline.locator('li.call .call-status'))).toEqual([
      'Missed: no answer',
      'Voicemail'
    ]);

    await timeline.locator('lightning-radio-group label', { hasText: 'Outbound' }).click();
    await page.waitForFunction(() => window.__RINKEL__.requests.length === 3);
    await expect(items(timeline).count()).resolves.toBe(1);
    await shoot(timeline, 'timeline-filter-outbound.png');

    await timeline.locator('lightning-radio-group label', { hasText: 'All' }).click();
    await timeline.getByText('Include calls with the same number on other records').click();
    await page.waitForFunction(() => window.__RINKEL__.requests.length === 5);
    await expect(items(timeline).count()).resolves.toBe(8);
    const elsewhere = timeline.getByRole('link', { name: 'Linked to WO-1187' });
    expect(await elsewhere.count()).toBe(2);
    await expect(elsewhere.first().getAttribute('href')).resolves.toMatch(
      /^\/lightning\/r\/a015g00000WO1187AA\/view$/
    );
    expect(await state((s) => s.requests.at(-1))).toMatchObject({
      request: { includeSameNumber: true, filter: 'all' }
    });
    await shoot(timeline, 'timeline-same-number.png');
  });

  it('pages 200 calls twenty at a time and moves focus to the first new call', async () => {
    const timeline = await open('calls=200');
    expect(await items(timeline).count()).toBe(20);
    const loadMore = timeline.getByRole('button', { name: 'Load more calls' });
    await expect(loadMore.isVisible()).resolves.toBe(true);
    await shoot(timeline, 'timeline-200-calls.png');

    await loadMore.click();
    await page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 40
    );
    const focused = await page.evaluate(
      () =>
        (document.querySelector('c-call-timeline')?.shadowRoot?.activeElement as HTMLElement | null)
          ?.dataset.id
    );
    expect(focused).toBe(await items(timeline).nth(20).getAttribute('data-id'));
    expect(await state((s) => s.requests.at(-1))).toMatchObject({
      request: { cursor: '20', pageSize: 20 }
    });
  });

  it('is usable with the keyboard: Enter expands a summary, arrows pick a filter, Enter loads more', async () => {
    const timeline = await open('calls=30');
    await timeline.getByRole('button', { name: 'Show more' }).first().focus();
    await page.keyboard.press('Enter');
    await expect(
      timeline.getByRole('button', { name: 'Show less' }).first().getAttribute('aria-expanded')
    ).resolves.toBe('true');

    await timeline.locator('lightning-radio-group input[value="all"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    expect(await state((s) => s.requests.at(-1))).toMatchObject({ request: { filter: 'inbound' } });
    await expect(items(timeline).count()).resolves.toBe(20);

    await timeline.getByRole('button', { name: 'Load more calls' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () =>
        (document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length ?? 0) > 20
    );
    const focused = await page.evaluate(
      () =>
        (document.querySelector('c-call-timeline')?.shadowRoot?.activeElement as HTMLElement | null)
          ?.tagName
    );
    expect(focused).toBe('LI');
  });

  it('speaks Dutch with the Dutch labels and locale', async () => {
    const timeline = await open('calls=3&lang=nl');
    expect(await texts(timeline.locator('li.call .call-status'))).toEqual([
      'Beantwoord',
      'Gemist: niet opgenomen',
      'Beantwoord'
    ]);
    expect(await texts(timeline.locator('li.call time'))).toEqual([
      '12 minuten geleden',
      '3 uur geleden',
      'eergisteren'
    ]);
    await expect(
      timeline.getByRole('button', { name: 'Opname afspelen' }).first().isVisible()
    ).resolves.toBe(true);
    await shoot(timeline, 'timeline-3-calls-nl.png');
  });

  it('shows a new call without a reload when the update event arrives', async () => {
    const timeline = await open('calls=3');
    await page.evaluate(() => {
      const s = window.__RINKEL__;
      const newest = {
        ...s.calls[0]!,
        taskId: '00TRk9999999999AAA',
        callId: 'live',
        startedAt: new Date().toISOString()
      };
      s.calls.unshift(newest);
      s.emit({ Record_Id__c: s.recordId, Call_Id__c: 'live' });
    });
    await page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 4
    );
    await expect(items(timeline).first().getAttribute('data-id')).resolves.toBe(
      '00TRk9999999999AAA'
    );
    await expect(items(timeline).first().locator('time').innerText()).resolves.toBe('now');
  });

  it('explains a failure and offers to try again; hides Play without the listen permission', async () => {
    let timeline = await open(
      'calls=3&fail=You%20don%27t%20have%20access%20to%20the%20call%20details.'
    );
    await expect(timeline.getByRole('alert').innerText()).resolves.toContain(
      'The calls could not be loaded.'
    );
    await expect(timeline.getByRole('alert').innerText()).resolves.toContain(
      "You don't have access to the call details."
    );
    await expect(timeline.getByRole('button', { name: 'Try again' }).isVisible()).resolves.toBe(
      true
    );
    await shoot(timeline, 'timeline-error.png');

    await page.close();
    timeline = await open('calls=3&listen=0');
    expect(await items(timeline).count()).toBe(3);
    expect(await timeline.getByRole('button', { name: /Play/ }).count()).toBe(0);
  });
});
