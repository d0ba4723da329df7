/* eslint-disable @lwc/lwc/no-document-query -- the queries run inside the preview page (playwright), not in a component */
// Click-to-dial in a real browser: Call back in the timeline's row menu and the Call quick action
// on the Weborder, compiled from their TypeScript sources with the real base components and SLDS,
// at 300 px (a sidebar or a phone) and 1,000 px, English and Dutch. Screenshots in build/screenshots/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/paths';
import { launchChromium } from '../harness/chromium';
import { SCREENSHOT_DIR as SHOTS } from '../harness/paths';
import { type PreviewServer, startPreviewServer } from '../harness/server';

jest.setTimeout(240_000);

let server: PreviewServer;
let browser: Browser;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  execFileSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(REPO_ROOT, 'scripts', 'lwc', 'build-preview.ts')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }
  );
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
  if (pageErrors.length > 0) {
    throw new Error(`errors in the page: ${pageErrors.join('; ')}`);
  }
});

async function open(query: string, selector: string): Promise<Locator> {
  page = await browser.newPage({ viewport: { width: 1180, height: 1200 } });
  pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${server.url}/?${query}`);
  await page.waitForFunction(() => window.__RINKEL__.firstRenderMs !== null, null, {
    timeout: 30_000
  });
  return page.locator(selector);
}

function state<T>(pick: (state: RinkelPreviewState) => T): Promise<T> {
  return page.evaluate<T>(`(${pick.toString()})(window.__RINKEL__)`);
}

/** Nothing of the element reaches past its own box (no horizontal overflow anywhere inside). */
async function overflowing(root: Locator): Promise<string[]> {
  return root.evaluate((host) => {
    const box = host.getBoundingClientRect();
    const found: string[] = [];
    const visit = (node: Element | ShadowRoot) => {
      for (const child of Array.from(node.children)) {
        const r = child.getBoundingClientRect();
        if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
          found.push(`${child.tagName.toLowerCase()}.${(child as HTMLElement).className}`);
        }
        if (child.shadowRoot) visit(child.shadowRoot);
        visit(child);
      }
    };
    visit(host.shadowRoot ?? host);
    return found;
  });
}

describe('Call back in the timeline', () => {
  for (const width of [300, 1000]) {
    it(`dials a missed call from its row menu and says Rinkel rings the agent (${width} px)`, async () => {
      const timeline = await open(`calls=6&width=${width}`, 'c-call-timeline');
      const missed = timeline.locator('li.call').filter({ hasText: 'Missed' }).first();
      await missed.locator('lightning-button-menu button').click();
      await missed.getByRole('menuitem', { name: 'Call back' }).click();
      await expect(missed.getByRole('status').innerText()).resolves.toBe(
        'Rinkel is calling your phone. Answer it to be connected to 06 12345678.'
      );
      const requests = await state((s) => s.dialRequests);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ method: 'dialCall', recordId: 'a015g00000WO1234AA' });
      expect(await overflowing(timeline)).toEqual([]);
      await timeline.screenshot({ path: path.join(SHOTS, `telephony-call-back-${width}.png`) });
    });
  }

  it('offers Call back only on missed calls and voicemails, and only with the permission', async () => {
    const timeline = await open('calls=6&width=1000', 'c-call-timeline');
    const answered = timeline.locator('li.call').first();
    await answered.locator('lightning-button-menu button').click();
    await expect(answered.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(0);
    await page.keyboard.press('Escape');
    const voicemail = timeline.locator('li.call').filter({ hasText: 'Voicemail' }).first();
    await voicemail.locator('lightning-button-menu button').click();
    await expect(voicemail.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(1);
    await page.close();

    const without = await open('calls=6&width=1000&dial=0', 'c-call-timeline');
    const missed = without.locator('li.call').filter({ hasText: 'Missed' }).first();
    await missed.locator('lightning-button-menu button').click();
    await expect(missed.getByRole('menuitem', { name: 'Open task' }).count()).resolves.toBe(1);
    await expect(missed.getByRole('menuitem', { name: 'Call back' }).count()).resolves.toBe(0);
  });

  it('shows a refusal as an alert, in Dutch for a Dutch agent', async () => {
    const timeline = await open('calls=6&width=300&lang=nl&dialResult=refused', 'c-call-timeline');
    const missed = timeline.locator('li.call').filter({ hasText: 'Gemist' }).first();
    await missed.locator('lightning-button-menu button').click();
    await missed.getByRole('menuitem', { name: 'Terugbellen' }).click();
    await expect(missed.getByRole('alert').innerText()).resolves.toBe(
      'Rinkel heeft geen telefoon of app om voor je te laten overgaan. Log in op de Rinkel-app of webphone en probeer het opnieuw.'
    );
    expect(await overflowing(timeline)).toEqual([]);
    await timeline.screenshot({ path: path.join(SHOTS, 'telephony-call-back-refused-300-nl.png') });
  });
});

describe('Call action on the Weborder', () => {
  for (const width of [300, 1000]) {
    it(`dials the Weborder as the action opens, once, and closes (${width} px)`, async () => {
      const action = await open(`action=call&width=${width}&delay=1500`, 'c-rinkel-call-action');
      await expect(action.locator('.call-action-calling').innerText()).resolves.toContain(
        'Calling…'
      );
      await expect(
        action.locator('.call-action-placed').innerText({ timeout: 5000 })
      ).resolves.toBe('Rinkel is calling your phone. Answer it to be connected to 06 12345678.');
      expect(await state((s) => s.dialRequests)).toEqual([
        { method: 'dialRecord', recordId: 'a015g00000WO1234AA' }
      ]);
      expect(await overflowing(action)).toEqual([]);
      await action.screenshot({ path: path.join(SHOTS, `telephony-call-action-${width}.png`) });
      await action.getByRole('button', { name: 'Close' }).click();
      expect(await state((s) => s.actionClosed)).toBe(true);
    });
  }

  it('shows why nothing was dialled, in Dutch, at 300 px', async () => {
    const action = await open(
      'action=call&width=300&lang=nl&dialResult=refused',
      'c-rinkel-call-action'
    );
    await expect(action.getByRole('alert').innerText()).resolves.toBe(
      'Rinkel heeft geen telefoon of app om voor je te laten overgaan. Log in op de Rinkel-app of webphone en probeer het opnieuw.'
    );
    await expect(action.getByRole('button', { name: 'Sluiten' }).count()).resolves.toBe(1);
    expect(await overflowing(action)).toEqual([]);
    await action.screenshot({ path: path.join(SHOTS, 'telephony-call-action-refused-300-nl.png') });
  });
});
