/* eslint-disable @lwc/lwc/no-document-query -- the queries run inside the preview page (playwright), not in a component; the LWC rules reach this folder only because of its name */
// The timeline in a real browser: the component compiled from its TypeScript source with the real
// lightning-* base components and SLDS, platform modules stubbed, served on loopback and driven in
// Debian's Chromium. Screenshots land in build/screenshots/.
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { SCREENSHOT_DIR as SHOTS } from '../harness/paths';
import { usePreviewSuite } from '../harness/preview-suite';

jest.setTimeout(240_000);

const preview = usePreviewSuite('c-call-timeline');
const open = (query: string, height = 900): Promise<Locator> => preview.open(query, { height });

async function shoot(timeline: Locator, name: string): Promise<void> {
  await preview.page.evaluate(() => document.fonts.ready);
  await timeline.screenshot({ path: path.join(SHOTS, name), animations: 'disabled' });
}

function items(timeline: Locator): Locator {
  return timeline.locator('li.call');
}

async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

const state = <T>(pick: (state: RinkelPreviewState) => T): Promise<T> => preview.state(pick);

describe('call timeline in Chromium', () => {
  it('shows the empty state with 0 calls, in English and Dutch', async () => {
    let timeline = await open('calls=0');
    await expect(timeline.getByText('No calls yet', { exact: true }).isVisible()).resolves.toBe(
      true
    );
    expect(await items(timeline).count()).toBe(0);
    await shoot(timeline, 'timeline-0-calls.png');

    await preview.page.close();
    timeline = await open('calls=0&lang=nl');
    await expect(
      timeline.getByText('Nog geen gesprekken', { exact: true }).isVisible()
    ).resolves.toBe(true);
    await shoot(timeline, 'timeline-0-calls-nl.png');
  });

  it('renders 3 calls newest first with status, time, insights and Play buttons', async () => {
    const timeline = await open('calls=3');
    await expect(timeline.locator('article.slds-card').innerText()).resolves.toContain('Calls');
    expect(await items(timeline).count()).toBe(3);
    expect(await texts(timeline.locator('li.call .call-status'))).toEqual([
      'Answered',
      'Missed: no answer',
      'Answered'
    ]);
    // Real times, grouped by day: a time today or "Yesterday …", then a date (2 days ago).
    const times = await texts(timeline.locator('li.call time'));
    expect(times.slice(0, 2).every((time) => /^(Yesterday )?\d{1,2}:\d{2} [AP]M$/.test(time))).toBe(
      true
    );
    expect(times[2]).toMatch(/^[A-Z][a-z]{2} \d{1,2}$/);
    expect((await texts(timeline.locator('.call-group-title'))).length).toBeGreaterThanOrEqual(2);
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
    await preview.page.waitForFunction(
      () =>
        ((
          document
            .querySelector('c-call-timeline')
            ?.shadowRoot?.querySelector('audio') as HTMLAudioElement | null
        )?.readyState ?? 0) >= 1
    );
    await shoot(timeline, 'timeline-3-calls-playing.png');

    await timeline.getByRole('button', { name: 'Play recording' }).first().click();
    await preview.page.waitForFunction(() => window.__RINKEL__.streamRequests.length === 2);
    await expect(items(timeline).nth(2).locator('audio').count()).resolves.toBe(1);
    expect(await timeline.locator('audio').count()).toBe(1);
    expect(await state((s) => s.streamRequests)).toHaveLength(2);
  });

  it('filters by direction and missed, and widens to the same number on other records', async () => {
    const timeline = await open('calls=6');
    expect(await items(timeline).count()).toBe(6);

    await timeline.locator('lightning-radio-group label', { hasText: 'Missed' }).click();
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    await expect(items(timeline).count()).resolves.toBe(2);
    expect(await texts(timeline.locator('li.call .call-status'))).toEqual([
      'Missed: no answer',
      'Voicemail'
    ]);

    await timeline.locator('lightning-radio-group label', { hasText: 'Outbound' }).click();
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 3);
    await expect(items(timeline).count()).resolves.toBe(1);
    await shoot(timeline, 'timeline-filter-outbound.png');

    await timeline.locator('lightning-radio-group label', { hasText: 'All' }).click();
    await timeline.getByText('Include calls with the same number on other records').click();
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 5);
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
    await preview.page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 40
    );
    const focused = await preview.page.evaluate(
      () =>
        (document.querySelector('c-call-timeline')?.shadowRoot?.activeElement as HTMLElement | null)
          ?.dataset.id
    );
    expect(focused).toBe(await items(timeline).nth(20).getAttribute('data-id'));
    const last = (await state((s) => s.requests.at(-1))) as { request: Record<string, unknown> };
    expect(last.request.pageSize).toBe(20);
    expect(String(last.request.cursor)).toMatch(/^\d+_00TRk0000000019AAA$/);
  });

  it('is usable with the keyboard: Enter expands a summary, arrows pick a filter, Enter loads more', async () => {
    const timeline = await open('calls=30');
    await timeline.getByRole('button', { name: 'Show more' }).first().focus();
    await preview.page.keyboard.press('Enter');
    await expect(
      timeline.getByRole('button', { name: 'Show less' }).first().getAttribute('aria-expanded')
    ).resolves.toBe('true');

    await timeline.locator('lightning-radio-group input[value="all"]').focus();
    await preview.page.keyboard.press('ArrowRight');
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    expect(await state((s) => s.requests.at(-1))).toMatchObject({ request: { filter: 'inbound' } });
    await expect(items(timeline).count()).resolves.toBe(20);

    await timeline.getByRole('button', { name: 'Load more calls' }).focus();
    await preview.page.keyboard.press('Enter');
    await preview.page.waitForFunction(
      () =>
        (document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length ?? 0) > 20
    );
    const focused = await preview.page.evaluate(
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
    const times = await texts(timeline.locator('li.call time'));
    expect(times.slice(0, 2).every((time) => /^(Gisteren )?\d{2}:\d{2}$/.test(time))).toBe(true);
    expect(times[2]).toMatch(/^\d{1,2} [a-z]{3}$/);
    expect((await texts(timeline.locator('.call-group-title'))).length).toBeGreaterThanOrEqual(2);
    await expect(
      timeline.getByRole('button', { name: 'Opname afspelen' }).first().isVisible()
    ).resolves.toBe(true);
    await shoot(timeline, 'timeline-3-calls-nl.png');
  });

  it('shows a new call without a reload when the update event arrives', async () => {
    const timeline = await open('calls=3');
    await preview.page.evaluate(() => {
      const s = window.__RINKEL__;
      const newest = {
        ...s.calls[0]!,
        taskId: '00TRk9999999999AAA',
        callId: 'live',
        startedAt: new Date().toISOString()
      };
      s.calls.unshift(newest);
      // Ids only: the event carries no phone number.
      s.emit({ Record_Id__c: s.recordId, Call_Id__c: 'live' });
    });
    await preview.page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 4
    );
    await expect(items(timeline).first().getAttribute('data-id')).resolves.toBe(
      '00TRk9999999999AAA'
    );
    await expect(items(timeline).first().locator('time').innerText()).resolves.toBe('just now');
    expect(await state((s) => s.requests.length)).toBe(1);
    expect(await state((s) => s.getCallRequests)).toEqual(['live']);
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

    await preview.page.close();
    timeline = await open('calls=3&listen=0');
    expect(await items(timeline).count()).toBe(3);
    expect(await timeline.getByRole('button', { name: /Play/ }).count()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// The broken cases of issue 15, at a record page sidebar's 300 px and a main column's 1,000 px,
// in English and Dutch. Screenshots: build/screenshots/timeline-<case>-<width>-<lang>.png.

interface Overflow {
  what: string;
  left: number;
  right: number;
}

/**
 * Everything inside the card that pokes out of it, and every text cut with an ellipsis that
 * has no title to read it whole. Runs in the page; walks the shadow trees of the base components.
 */
function layoutProblems(): Promise<{ outside: Overflow[]; untitled: string[]; card: number }> {
  return preview.page.evaluate(() => {
    const host = document.querySelector('c-call-timeline');
    const root = host?.shadowRoot;
    const card = root?.querySelector('article') ?? host;
    const box = (card as Element).getBoundingClientRect();
    const outside: { what: string; left: number; right: number }[] = [];
    const untitled: string[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    const walk = (scope: ParentNode) => {
      for (const el of Array.from(scope.querySelectorAll('*'))) {
        if (el.shadowRoot) {
          walk(el.shadowRoot);
        }
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        if (
          rect.width === 0 ||
          rect.height === 0 ||
          style.visibility === 'hidden' ||
          el.closest('.slds-assistive-text, .slds-dropdown')
        ) {
          continue;
        }
        if (rect.right > box.right + 1 || rect.left < box.left - 1) {
          outside.push({ what: describe(el), left: rect.left, right: rect.right });
        }
        const html = el as HTMLElement;
        if (
          style.textOverflow === 'ellipsis' &&
          html.scrollWidth > html.clientWidth + 1 &&
          !el.closest('[title]')
        ) {
          untitled.push(describe(el));
        }
      }
    };
    if (root) {
      walk(root);
    }
    return { outside, untitled, card: box.width };
  });
}

async function setColumnWidth(width: number): Promise<void> {
  await preview.page.evaluate((w) => {
    const column = document.getElementById('timeline')!;
    column.style.flex = 'none';
    column.style.maxWidth = 'none';
    column.style.padding = '0';
    column.style.width = `${w}px`;
  }, width);
}

/** The focused element inside the component, through the shadow trees. */
function deepFocus(): Promise<{ tag: string; ring: boolean; inside: boolean; label: string }> {
  return preview.page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) {
      el = el.shadowRoot.activeElement;
    }
    const host = document.querySelector('c-call-timeline');
    const ringOf = (node: Element | null): boolean => {
      if (!node) return false;
      const style = getComputedStyle(node);
      return (
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== 'none'
      );
    };
    // SLDS draws some rings on the label beside a visually hidden input, or on the parent.
    const next = el?.nextElementSibling ?? null;
    const ring =
      ringOf(el) ||
      ringOf(next) ||
      Array.from(next?.querySelectorAll('*') ?? []).some(ringOf) ||
      ringOf(el?.parentElement ?? null) ||
      ringOf((el?.closest('label') as Element | null) ?? null);
    let node: Node | null = el;
    let inside = false;
    while (node) {
      if (node === host) {
        inside = true;
        break;
      }
      node = (node as Element).parentNode ?? (node as ShadowRoot).host ?? null;
    }
    return {
      tag: el?.tagName ?? '',
      ring,
      inside,
      label: `${el?.tagName ?? ''}.${el ? Array.from(el.classList).join('.') : ''} ${el?.getAttribute('aria-label') ?? el?.textContent?.trim().slice(0, 30) ?? ''}`
    };
  });
}

function contrast(foreground: string, background: string): number {
  const channels = (color: string) => (color.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const luminance = (color: string) => {
    const [r, g, b] = channels(color).map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return (light! + 0.05) / (dark! + 0.05);
}

describe.each([300, 1000])('at %s px', (width) => {
  describe.each(['en', 'nl'] as const)('in %s', (lang) => {
    it('shows the hard cases with nothing clipped or past the card', async () => {
      const timeline = await open(`set=hostile&width=${width}&lang=${lang}`, 1800);
      await timeline.locator('lightning-input.same-number label').click();
      await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
      await expect(items(timeline).count()).resolves.toBe(7);
      await preview.page.evaluate(() => document.fonts.ready);
      const problems = await layoutProblems();
      expect(problems.outside).toEqual([]);
      expect(problems.untitled).toEqual([]);
      expect(Math.round(problems.card)).toBe(width);
      // Narrow: the filters sit in comboboxes, as the standard activity timeline does.
      expect(await timeline.locator('lightning-radio-group').count()).toBe(width < 480 ? 0 : 1);
      expect(await timeline.locator('lightning-combobox.filter-combobox').count()).toBe(
        width < 480 ? 1 : 0
      );
      const nl = lang === 'nl';
      const row = (i: number) => timeline.locator(`li.call[data-id="00TRkH00000000${i}AAA"]`);
      const [skewed, long, multiple, missed, expired] = [0, 1, 2, 3, 4].map(row);
      await expect(skewed!.locator('time').innerText()).resolves.toBe(nl ? 'zojuist' : 'just now');
      await expect(long!.locator('time').innerText()).resolves.toMatch(
        nl ? /^Gisteren \d{2}:\d{2}$/ : /^Yesterday \d{1,2}:\d{2} [AP]M$/
      );
      await expect(long!.locator('.call-duration').innerText()).resolves.toBe(
        nl ? '10 u 0 min' : '10 h 0 min'
      );
      await expect(long!.locator('.call-topic_more').getAttribute('title')).resolves.toBe(
        'klacht over de bezorging en de communicatie daarover, retour'
      );
      await expect(multiple!.locator('.call-duration').innerText()).resolves.toBe('1 min 15 s');
      await expect(multiple!.locator('.call-number').getAttribute('title')).resolves.toBe(
        '+49 151 2345 6789 012'
      );
      expect(await missed!.locator('.call-duration, .call-agent').count()).toBe(0);
      await expect(missed!.locator('.call-status').innerText()).resolves.toBe(
        nl ? 'Gemist: buiten openingstijden' : 'Missed: outside business hours'
      );
      await expect(expired!.innerText()).resolves.toContain(
        nl ? 'Opname was beschikbaar tot en met' : 'Recording was available until'
      );
      expect(await timeline.getByText(nl ? 'Gekoppeld' : 'Linked', { exact: true }).count()).toBe(
        0
      );
      await expect(timeline.locator('.call-count').innerText()).resolves.toBe(
        nl ? '7 gesprekken' : '7 calls'
      );
      await shoot(timeline, `timeline-hard-cases-${width}-${lang}.png`);
    });

    it('keeps the error box readable: title whole, message and button below', async () => {
      const timeline = await open(
        `calls=3&width=${width}&lang=${lang}&fail=${encodeURIComponent(
          'Je hebt geen toegang tot de gespreksgegevens. Vraag je beheerder om de permission set Rinkel Agent.'
        )}`
      );
      const problems = await layoutProblems();
      expect(problems.outside).toEqual([]);
      // One word per line was the bug: the title now has the box's width, at most two lines.
      const title = await timeline.locator('.error-title').boundingBox();
      expect(title!.height).toBeLessThan(45);
      expect(title!.width).toBeGreaterThan(180);
      const retry = await timeline
        .getByRole('button', { name: lang === 'nl' ? 'Opnieuw proberen' : 'Try again' })
        .boundingBox();
      expect(retry!.y).toBeGreaterThan(title!.y + title!.height);
      await shoot(timeline, `timeline-error-${width}-${lang}.png`);
    });
  });

  it('never plays a recording again by itself after a filter change and back', async () => {
    const timeline = await open(`calls=6&width=${width}`);
    await timeline.getByRole('button', { name: 'Play recording' }).first().click();
    await timeline.locator('audio').waitFor();
    // Focus stays with the player that replaced the button, not <body>.
    await expect(deepFocus()).resolves.toMatchObject({ tag: 'AUDIO', inside: true });
    await shoot(timeline, `timeline-playing-${width}.png`);
    const choose = async (value: string, label: string) => {
      if (width < 480) {
        await timeline
          .locator(
            'lightning-combobox.filter-combobox button, lightning-combobox.filter-combobox input'
          )
          .first()
          .click();
        await timeline.getByRole('option', { name: label }).click();
      } else {
        await timeline.locator(`lightning-radio-group input[value="${value}"] + label`).click();
      }
    };
    await choose('missed', 'Missed');
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    await choose('all', 'All');
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 3);
    await expect(items(timeline).count()).resolves.toBe(6);
    await preview.page.waitForTimeout(300);
    const playing = await preview.page.evaluate(() =>
      Array.from(
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('audio') ?? []
      ).some((audio) => !audio.paused)
    );
    expect(playing).toBe(false);
    expect(await timeline.locator('audio').count()).toBe(0);
  });

  it('offers Show more as soon as the column narrows, and withdraws it when it widens', async () => {
    const timeline = await open(`calls=3&width=1000`);
    const third = items(timeline).nth(2);
    await expect(third.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(0);
    await setColumnWidth(300);
    await third.getByRole('button', { name: 'Show more' }).waitFor({ timeout: 2000 });
    await setColumnWidth(1000);
    await third
      .getByRole('button', { name: 'Show more' })
      .waitFor({ state: 'detached', timeout: 2000 });
    if (width === 300) {
      await setColumnWidth(300);
      await third.getByRole('button', { name: 'Show more' }).waitFor({ timeout: 2000 });
    }
  });

  it('gives Show more 4.5:1 on its grey box, and every interactive element a focus ring', async () => {
    const timeline = await open(`set=hostile&width=${width}`, 1800);
    const colours = await preview.page.evaluate(() => {
      const root = document.querySelector('c-call-timeline')!.shadowRoot!;
      const toggle = root.querySelector('.summary-toggle')!;
      const box = root.querySelector('.call-summary-box')!;
      const pick = (selector: string) => {
        const el = root.querySelector(selector);
        return el ? getComputedStyle(el).color : null;
      };
      return {
        toggle: getComputedStyle(toggle).color,
        box: getComputedStyle(box).backgroundColor,
        summary: getComputedStyle(root.querySelector('.call-summary')!).color,
        time: pick('.call-time'),
        meta: pick('.call-meta'),
        group: pick('.call-group-title'),
        missed: pick('.call-status_missed'),
        note: pick('.recording-note')
      };
    });
    expect(contrast(colours.toggle, colours.box)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colours.summary, colours.box)).toBeGreaterThanOrEqual(4.5);
    for (const key of ['time', 'meta', 'group', 'missed', 'note'] as const) {
      expect([key, contrast(colours[key]!, 'rgb(255, 255, 255)') >= 4.5]).toEqual([key, true]);
    }
    // Keyboard only: every stop inside the component shows where the focus is.
    await timeline.locator('lightning-button-icon.refresh button').focus();
    const stops: { label: string; ring: boolean }[] = [];
    for (let i = 0; i < 30; i++) {
      // eslint-disable-next-line no-await-in-loop -- one key press after the other, on purpose
      const focus = await deepFocus();
      if (!focus.inside) {
        break;
      }
      stops.push({ label: focus.label, ring: focus.ring });
      // eslint-disable-next-line no-await-in-loop -- one key press after the other, on purpose
      await preview.page.keyboard.press('Tab');
    }
    expect(stops.length).toBeGreaterThan(8);
    expect(stops.filter((stop) => !stop.ring)).toEqual([]);
  });
});

describe('live updates, actions and the rest of issue 15', () => {
  it('puts a live update in place with 260 calls loaded: no shrink, no jump', async () => {
    const timeline = await open('calls=400&pageSize=130');
    await timeline.getByRole('button', { name: 'Load more calls' }).click();
    await preview.page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 260
    );
    await preview.page.evaluate(() => window.scrollTo(0, 6000));
    const anchor = await preview.page.evaluate(() => {
      const rows = Array.from(
        document
          .querySelector('c-call-timeline')!
          .shadowRoot!.querySelectorAll<HTMLElement>('li.call')
      );
      const row = rows.find((r) => r.getBoundingClientRect().top > 0)!;
      return { id: row.dataset.id!, top: row.getBoundingClientRect().top };
    });
    await preview.page.evaluate(() => {
      const s = window.__RINKEL__;
      s.calls.unshift({
        ...s.calls[0]!,
        taskId: '00TRk8888888888AAA',
        callId: 'live-260',
        startedAt: new Date().toISOString()
      });
      s.emit({ Record_Id__c: s.recordId, Call_Id__c: 'live-260' });
    });
    await preview.page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 261
    );
    const after = await preview.page.evaluate((id) => {
      const row = document
        .querySelector('c-call-timeline')!
        .shadowRoot!.querySelector<HTMLElement>(`li.call[data-id="${id}"]`)!;
      return row.getBoundingClientRect().top;
    }, anchor.id);
    expect(Math.abs(after - anchor.top)).toBeLessThan(4);
    expect(await state((s) => s.requests.length)).toBe(2);
  });

  it('keeps the page that was loading when a live update arrives', async () => {
    const timeline = await open('calls=60&delay=600');
    await timeline.getByRole('button', { name: 'Load more calls' }).click();
    await preview.page.evaluate(() => {
      const s = window.__RINKEL__;
      s.calls.unshift({
        ...s.calls[0]!,
        taskId: '00TRk7777777777AAA',
        callId: 'live-during',
        startedAt: new Date().toISOString()
      });
      s.emit({ Record_Id__c: s.recordId, Call_Id__c: 'live-during' });
    });
    await preview.page.waitForFunction(
      () =>
        document.querySelector('c-call-timeline')?.shadowRoot?.querySelectorAll('li.call')
          .length === 41,
      null,
      { timeout: 10_000 }
    );
    const ids = await items(timeline).evaluateAll((rows) =>
      rows.map((row) => (row as HTMLElement).dataset.id)
    );
    expect(new Set(ids).size).toBe(41);
    expect(ids[0]).toBe('00TRk7777777777AAA');
  });

  it('opens the Task, requests a link for an unmatched call, and filters by date range', async () => {
    const timeline = await open('set=hostile&width=300', 1800);
    await timeline.locator('lightning-input.same-number label').click();
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    const unmatched = items(timeline).filter({ hasText: 'Unmatched' }).first();
    await unmatched.locator('lightning-button-menu button').click();
    await unmatched.getByRole('menuitem', { name: 'Link to this record' }).click();
    await expect(unmatched.getByRole('status').innerText()).resolves.toBe(
      'Request sent: an administrator will confirm the link to this record.'
    );
    expect(await state((s) => s.linkRequests)).toEqual([
      { taskId: '00TRkH000000005AAA', recordId: 'a015g00000WO1234AA' }
    ]);
    await shoot(timeline, 'timeline-link-requested-300.png');

    const first = items(timeline).first();
    await first.locator('lightning-button-menu button').click();
    await first.getByRole('menuitem', { name: 'Open task' }).click();
    expect(await state((s) => s.navigations.at(-1))).toEqual({
      type: 'standard__recordPage',
      attributes: { recordId: '00TRkH000000000AAA', actionName: 'view' }
    });

    await timeline
      .locator('lightning-combobox.range button, lightning-combobox.range input')
      .first()
      .click();
    await timeline.getByRole('option', { name: 'Last 7 days' }).click();
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 3);
    expect(await state((s) => s.requests.at(-1))).toMatchObject({ request: { range: 'week' } });
    await expect(timeline.locator('.call-count').innerText()).resolves.toBe('5 calls');
  });

  it('gives the 4,000-character summary Show less at its top and a bounded scroll box', async () => {
    const timeline = await open('set=hostile&width=300', 1800);
    const long = timeline.locator('li.call[data-id="00TRkH000000001AAA"]');
    await long.getByRole('button', { name: 'Show more' }).click();
    await expect(long.getByRole('button', { name: 'Show less' }).count()).resolves.toBe(2);
    const box = await long.getByRole('region', { name: 'Summary' }).boundingBox();
    expect(box!.height).toBeLessThanOrEqual(241);
    expect((await layoutProblems()).outside).toEqual([]);
    await long.getByRole('button', { name: 'Show less' }).first().click();
    await expect(long.getByRole('button', { name: 'Show more' }).count()).resolves.toBe(1);
    await expect(deepFocus()).resolves.toMatchObject({ inside: true });
  });

  it('fits about twice as many calls on a sidebar screen: rows of at most 110 px on average', async () => {
    // Measured before this change with the same twenty sample calls at 300 px: 181 px a call.
    await open('calls=20&width=300');
    const average = await preview.page.evaluate(() => {
      const rows = Array.from(
        document.querySelector('c-call-timeline')!.shadowRoot!.querySelectorAll('li.call')
      );
      const top = rows[0]!.getBoundingClientRect().top;
      const bottom = rows.at(-1)!.getBoundingClientRect().bottom;
      return (bottom - top) / rows.length;
    });
    expect(average).toBeLessThanOrEqual(110);
    await shoot(preview.page.locator('c-call-timeline'), 'timeline-20-calls-300.png');
  });

  it('reloads on the standard refresh and says so; without a record it says why', async () => {
    let timeline = await open('calls=3');
    await preview.page.evaluate(() => window.__RINKEL__.refreshHandlers[0]?.());
    await preview.page.waitForFunction(() => window.__RINKEL__.requests.length === 2);
    await expect(
      timeline.locator('.slds-assistive-text[aria-live="polite"]').innerText()
    ).resolves.toBe('The call list was updated.');

    await preview.page.close();
    timeline = await open('calls=3&record=none');
    expect(await timeline.locator('lightning-spinner').count()).toBe(0);
    await expect(timeline.getByRole('alert').innerText()).resolves.toContain(
      'there is no record here'
    );
    expect(await state((s) => s.requests.length)).toBe(0);
  });
});
