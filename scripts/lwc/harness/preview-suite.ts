// The set-up every browser suite shares (timeline, telephony): build the preview page once, serve
// it on loopback, start Chromium, open one fresh page per test, and fail the test in which the
// page threw, even when its assertions passed. Call usePreviewSuite() at the top of a suite file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from '../../core/paths';
import { launchChromium } from './chromium';
import { SCREENSHOT_DIR } from './paths';
import { type PreviewServer, startPreviewServer } from './server';

export interface PreviewSuite {
  /** The page of the running test (opened by open()). */
  readonly page: Page;
  /** Opens the preview with a query (calls=3, action=pop, lang=nl …) and returns the component. */
  open(query: string, options?: { selector?: string; height?: number }): Promise<Locator>;
  /** Reads the page's preview state; `pick` runs in the browser. */
  state<T>(pick: (state: RinkelPreviewState) => T): Promise<T>;
}

/** Rollup and the LWC compiler are ES modules: build the page in a tsx child process. */
function buildPreview(): void {
  execFileSync(
    path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(REPO_ROOT, 'scripts', 'lwc', 'build-preview.ts')],
    { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }
  );
}

export function usePreviewSuite(defaultSelector: string): PreviewSuite {
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;
  let current: Page | undefined;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    buildPreview();
    server = await startPreviewServer();
    browser = await launchChromium();
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    await current?.close();
    current = undefined;
    const errors = pageErrors;
    pageErrors = [];
    if (errors.length > 0) {
      throw new Error(`errors in the page: ${errors.join('; ')}`);
    }
  });

  return {
    get page(): Page {
      if (!current) throw new Error('no page: call open() first');
      return current;
    },
    async open(query, options = {}) {
      if (!browser || !server) throw new Error('the preview suite did not start');
      await current?.close();
      const page = await browser.newPage({
        viewport: { width: 1180, height: options.height ?? 900 }
      });
      current = page;
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`${server.url}/?${query}`);
      // A string, not a function: with --coverage jest instruments this module, and a function
      // sent to the page would carry coverage counters the page does not have.
      await page.waitForFunction('window.__RINKEL__.firstRenderMs !== null', null, {
        timeout: 30_000
      });
      return page.locator(options.selector ?? defaultSelector);
    },
    /** `pick` comes from the suite file, which jest does not instrument. */
    state<T>(pick: (state: RinkelPreviewState) => T): Promise<T> {
      if (!current) throw new Error('no page: call open() first');
      return current.evaluate<T>(`(${pick.toString()})(window.__RINKEL__)`);
    }
  };
}
