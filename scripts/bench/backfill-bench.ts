// npm run bench:backfill [-- --calls 100000 --small 10000 --sample 1000 --rinkel-latency 50 --salesforce-latency 80]
//
// Backfills synthetic calls against loopback fakes of the Rinkel API and of Salesforce, and prints,
// in one table, the tool beside a naive per-record baseline (one REST upsert per call,
// PATCH /sobjects/Task/Rinkel_Call_Id__c/{id}, no matching: that only flatters it).
//
// Assumptions, printed with the figures: every fake answer waits a fixed latency (default 50 ms
// for Rinkel, 80 ms for Salesforce: a round trip to a cloud API from an office). Under that latency
// the baseline would take hours for 100,000 calls, so it runs on a sample (default 1,000 calls) and
// its time is scaled linearly, which the output says; its request count is exact arithmetic.
//
// Each run is a child process of its own (and the fakes a child of that), so peak RSS is the
// backfill's own and the 100,000-call run is compared with the 10,000-call run, not with a heap
// that an earlier run left behind. Not a test: the figures depend on the machine.

import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadLabels, mapCdr } from '../twin';
import { RinkelApiClient } from '../clients/rinkel-api';
import {
  BACKFILL_HEAP_FLAG,
  ConcurrencyLimit,
  DEFAULT_RINKEL_CONCURRENCY,
  runBackfill
} from '../backfill/run';
import { OrgData, openOrg } from '../clients/salesforce';
import { SYNTHETIC_START } from '../testing/synthetic-cdrs';
import type { FakesReady, FakesStats } from './bench-fakes';

interface Result {
  name: string;
  calls: number;
  seconds: number;
  peakRssMb: number;
  rinkelRequests: number;
  salesforceRequests: number;
  salesforceByRoute?: Record<string, number>;
  rateLimited: number;
  scaled?: number;
}

interface WorkerArgs {
  kind: 'tool' | 'naive';
  calls: number;
  rinkelLatency: number;
  salesforceLatency: number;
}

const SINCE = new Date(SYNTHETIC_START - 60_000);

interface Fakes {
  ready: FakesReady;
  stats(): Promise<FakesStats>;
  close(): Promise<void>;
}

/** Starts the fakes in a child process and waits until they listen. */
async function fakes(args: WorkerArgs): Promise<Fakes> {
  const child = fork(
    path.join(__dirname, 'bench-fakes.ts'),
    [String(args.calls), String(args.rinkelLatency), String(args.salesforceLatency)],
    { execArgv: ['--import', 'tsx'] }
  );
  const next = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('error', reject);
    });
  const ready = await next<FakesReady>();
  return {
    ready,
    stats: () => {
      const answer = next<FakesStats>();
      child.send('stats');
      return answer;
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('close');
      })
  };
}

async function tool(servers: Fakes, calls: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-bench-'));
  try {
    const opened = await openOrg({
      targetOrg: 'bench',
      isDefault: false,
      env: {
        SALESFORCE_INSTANCE_URL: servers.ready.session.instanceUrl,
        SALESFORCE_ACCESS_TOKEN: servers.ready.session.accessToken
      }
    });
    const limit = new ConcurrencyLimit(DEFAULT_RINKEL_CONCURRENCY);
    const report = await runBackfill(
      { since: SINCE, resume: false, dryRun: false, statePath: path.join(dir, 'state.json') },
      {
        rinkel: new RinkelApiClient({
          apiKey: servers.ready.apiKey,
          baseUrl: servers.ready.rinkelBaseUrl,
          onRetry: (info) => {
            if (info.kind === 'rateLimited') limit.onRateLimited();
          }
        }),
        salesforce: new OrgData(opened),
        labels: loadLabels(),
        rinkelLimit: limit,
        // The progress lines go to stderr, so the run can be watched; stdout carries the result.
        log: (line) => {
          if (line.startsWith('  pages')) process.stderr.write(`    ${calls}: ${line.trim()}\n`);
        }
      }
    );
    if (report.created !== calls) {
      throw new Error(`expected ${calls} Tasks, got ${report.created}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function naive(servers: Fakes): Promise<void> {
  const labels = loadLabels();
  const client = new RinkelApiClient({
    apiKey: servers.ready.apiKey,
    baseUrl: servers.ready.rinkelBaseUrl
  });
  const { instanceUrl, apiVersion, accessToken } = servers.ready.session;
  const base = `${instanceUrl}/services/data/v${apiVersion}/sobjects/Task/Rinkel_Call_Id__c/`;
  for (let page = 1; ; page++) {
    const listed = await client.listCallDetailRecordsPage({ startDate: SINCE, page });
    for (const cdr of listed.records) {
      const { fields } = mapCdr(cdr, { labels, language: 'nl_NL' });
      const { Rinkel_Call_Id__c: callId, ...rest } = fields;
      const response = await fetch(`${base}${encodeURIComponent(callId)}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...rest, Rinkel_Match_Status__c: 'Unmatched' })
      });
      await response.arrayBuffer();
    }
    if (!listed.hasNextPage) break;
  }
}

/** Inside a worker process: one run, its figures as JSON on stdout. */
async function worker(args: WorkerArgs): Promise<void> {
  const servers = await fakes(args);
  try {
    global.gc?.();
    const started = process.hrtime.bigint();
    if (args.kind === 'tool') await tool(servers, args.calls);
    else await naive(servers);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const stats = await servers.stats();
    if (stats.tasks !== args.calls) {
      throw new Error(`expected ${args.calls} Tasks stored, got ${stats.tasks}`);
    }
    const result: Result = {
      name: args.kind,
      calls: args.calls,
      seconds,
      // maxRSS is the operating system's peak for this process (kilobytes).
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      rinkelRequests: stats.rinkelRequests,
      salesforceRequests: stats.salesforceRequests,
      salesforceByRoute: stats.salesforceByRoute,
      rateLimited: stats.rateLimited
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await servers.close();
  }
}

function run(args: WorkerArgs): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = fork(
      __filename,
      [
        '--worker',
        args.kind,
        '--calls',
        String(args.calls),
        '--rinkel-latency',
        String(args.rinkelLatency),
        '--salesforce-latency',
        String(args.salesforceLatency)
      ],
      {
        // The tool runs as `npm run backfill` does (its heap cap); gc() lets the start settle.
        execArgv: [
          '--import',
          'tsx',
          '--expose-gc',
          ...(args.kind === 'tool' ? [BACKFILL_HEAP_FLAG] : [])
        ],
        stdio: ['ignore', 'pipe', 'inherit', 'ipc']
      }
    );
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`${args.kind} run of ${args.calls} calls failed (exit ${code})`));
      } else {
        resolve(JSON.parse(line) as Result);
      }
    });
  });
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  return [line(header), ...rows.map(line)];
}

const n = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      worker: { type: 'string' },
      calls: { type: 'string' },
      small: { type: 'string' },
      sample: { type: 'string' },
      'rinkel-latency': { type: 'string' },
      'salesforce-latency': { type: 'string' }
    }
  });
  const calls = Number(values.calls ?? 100_000);
  const rinkelLatency = Number(values['rinkel-latency'] ?? 50);
  const salesforceLatency = Number(values['salesforce-latency'] ?? 80);
  if (values.worker === 'tool' || values.worker === 'naive') {
    await worker({ kind: values.worker, calls, rinkelLatency, salesforceLatency });
    return;
  }
  const small = Number(values.small ?? calls / 10);
  const sample = Math.min(calls, Number(values.sample ?? 1_000));
  const latency = { rinkelLatency, salesforceLatency };
  console.log(
    `Backfill benchmark on loopback fakes (Node ${process.version}, ${os.cpus().length} cores).`
  );
  console.log(
    `Assumed latency per request: Rinkel ${rinkelLatency} ms, Salesforce ${salesforceLatency} ms (--rinkel-latency, --salesforce-latency).`
  );
  console.log(
    `The tool fetches ${DEFAULT_RINKEL_CONCURRENCY} Rinkel pages at once (one fewer after a 429) and runs with ${BACKFILL_HEAP_FLAG} as npm run backfill does; one call a request is the baseline.`
  );
  const big = await run({ kind: 'tool', calls, ...latency });
  const smaller = await run({ kind: 'tool', calls: small, ...latency });
  const base = await run({ kind: 'naive', calls: sample, ...latency });
  const factor = calls / sample;
  const baseline: Result = {
    ...base,
    calls,
    seconds: base.seconds * factor,
    rinkelRequests: Math.ceil(calls / 50),
    salesforceRequests: calls,
    scaled: factor
  };
  const rows = [smaller, big, baseline].map((r) => [
    r.name === 'tool'
      ? 'this tool (Bulk API 2.0)'
      : `one REST call per record${r.scaled ? ` (${n(sample)}-call sample ×${n(factor)})` : ''}`,
    n(r.calls),
    n(r.seconds, 1),
    n(r.calls / r.seconds),
    r.scaled ? `(${n(base.peakRssMb)})` : n(r.peakRssMb),
    n(r.rinkelRequests),
    n(r.salesforceRequests),
    n(r.rinkelRequests + r.salesforceRequests)
  ]);
  console.log('');
  for (const line of table(
    [
      'run',
      'calls',
      'seconds',
      'calls/s',
      'peak RSS MB',
      'Rinkel req',
      'Salesforce req',
      'HTTP req'
    ],
    rows
  )) {
    console.log(line);
  }
  const totalTool = big.rinkelRequests + big.salesforceRequests;
  const totalBase = baseline.rinkelRequests + baseline.salesforceRequests;
  console.log('');
  console.log(
    `Salesforce requests for ${n(calls)} calls: ${n(big.salesforceRequests)} (target ≤ 200) — ${Object.entries(
      big.salesforceByRoute ?? {}
    )
      .map(([route, count]) => `${route} ${count}`)
      .join(', ')}`
  );
  console.log(
    `HTTP requests: ${n(totalBase / totalTool, 1)}× fewer than the baseline (target ≥ 45×; Rinkel's 50-call pages make ${n(calls / 50)} Rinkel requests the floor)`
  );
  console.log(
    `Time: ${n(baseline.seconds / big.seconds, 1)}× faster than the baseline (target ≥ 20×; baseline scaled from ${n(sample)} calls, ${n(base.seconds, 1)} s measured)`
  );
  console.log(
    `Memory: peak RSS ${n(big.peakRssMb)} MB for ${n(calls)} calls vs ${n(smaller.peakRssMb)} MB for ${n(small)} calls = ${n(big.peakRssMb / smaller.peakRssMb, 2)}× (target ≤ 1.5×)`
  );
  console.log(`Rinkel 429s during the tool's run: ${big.rateLimited}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
