/* eslint-disable no-await-in-loop -- page loads are timed one after another on purpose */
// npm run bench:timeline: time to first render of the timeline in Chromium for a Weborder with 20
// and with 2,000 calls (median of several loads). With paging the component only ever renders one
// page, so the two must stay within 1.5× of each other; an unpaged 2,000 is shown for contrast.
// Not a test: timings depend on the machine. Exits 1 when the paged ratio exceeds 1.5.
import { launchChromium } from './harness/chromium';
import { buildPreviewBundle } from './harness/bundle';
import { startPreviewServer } from './harness/server';

const RUNS = Number(process.env.BENCH_RUNS ?? '7');
const LIMIT = 1.5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function main(): Promise<number> {
  await buildPreviewBundle();
  const server = await startPreviewServer();
  const browser = await launchChromium();
  const scenarios = [
    { name: '20 calls', query: 'calls=20' },
    { name: '2,000 calls (paged by 20)', query: 'calls=2000' },
    { name: '2,000 calls, no paging (contrast)', query: 'calls=2000&pageSize=2000' }
  ];
  const results: Record<string, number> = {};
  try {
    for (const scenario of scenarios) {
      const times: number[] = [];
      // One warm-up load so the first scenario does not pay for Chromium's cold start.
      for (let run = 0; run <= RUNS; run++) {
        const page = await browser.newPage({ viewport: { width: 1180, height: 900 } });
        await page.goto(`${server.url}/?${scenario.query}`);
        await page.waitForFunction(() => window.__RINKEL__.firstRenderMs !== null, null, {
          timeout: 60_000
        });
        const ms = await page.evaluate(() => window.__RINKEL__.firstRenderMs ?? Number.NaN);
        if (run > 0) {
          times.push(ms);
        }
        await page.close();
      }
      results[scenario.name] = median(times);
      process.stdout.write(
        `${scenario.name.padEnd(36)} first render ${median(times).toFixed(1).padStart(8)} ms (median of ${RUNS})\n`
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const ratio = results['2,000 calls (paged by 20)']! / results['20 calls']!;
  process.stdout.write(
    `paged 2,000 / 20 = ${ratio.toFixed(2)}× (limit ${LIMIT}×): ${ratio <= LIMIT ? 'OK' : 'TOO SLOW'}\n`
  );
  return ratio <= LIMIT ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? error.message : String(error)}\n`
    );
    process.exit(1);
  }
);
