import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBulkApi } from '../../testing/fake-bulk-api';
import { FakeRinkel } from '../../testing/fake-rinkel';
import { syntheticCdr } from '../../testing/synthetic-cdrs';
import { ConfigError } from '../../core/config';
import { createMemoryLogger } from '../../core/log';
import { REPO_ROOT } from '../../core/paths';
import { backfillMain, parseBackfillArgs } from '../cli';
import { reportFailure } from '../../core/cli';
import { spawn } from 'node:child_process';
import { readState } from '../state';
import { BACKFILL_HEAP_FLAG } from '../run';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

describe('parseBackfillArgs', () => {
  it('reads dates as whole UTC days and defaults the state file per org', () => {
    const options = parseBackfillArgs(
      ['--since', '2026-01-01', '--until', '2026-01-31', '--target-org', 'prod'],
      {},
      '/repo'
    );
    expect(options.since?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(options.until?.toISOString()).toBe('2026-01-31T23:59:59.999Z');
    expect(options.statePath).toBe(path.resolve('/repo/.rinkel/backfill/prod.json'));
    expect(options.dryRun).toBe(false);
  });

  it.each([
    [[], '--since is required'],
    [['--since', 'yesterday'], 'is not a date'],
    [['--since', '2026-02-01', '--until', '2026-01-01'], '--until 2026-01-01 is not after --since'],
    [['--since', '2026-02-30'], '--since 2026-02-30 is not a day of the calendar'],
    [['--since', '2026-13-01'], 'is not a day of the calendar'],
    [['--since', '2999-01-01'], '--since 2999-01-01 is in the future'],
    [['--since', '2026-01-01', '--rinkel-concurrency', '99'], 'is not a count between 1 and 16'],
    [['--since', '2026-01-01', '--per-job', '0'], 'is not a count'],
    [['--since', '2026-01-01', '--bogus'], 'Unknown option']
  ])('refuses %j', (argv, message) => {
    expect(() => parseBackfillArgs(argv, {}, '/repo')).toThrow(ConfigError);
    expect(() => parseBackfillArgs(argv, {}, '/repo')).toThrow(message);
  });
});

describe('npm run backfill', () => {
  let rinkel: FakeRinkel;
  let org: FakeBulkApi;
  let dir: string;

  beforeEach(async () => {
    rinkel = await FakeRinkel.start();
    org = await FakeBulkApi.start({ pollsUntilComplete: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-cli-'));
  });

  afterEach(async () => {
    await rinkel.close();
    await org.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports the calls, prints a report and never prints the session or the API key', async () => {
    rinkel.callDetailRecords = Array.from({ length: 12 }, (_, i) => syntheticCdr(i));
    const { logger, text } = createMemoryLogger();
    const statePath = path.join(dir, 'state.json');

    const code = await backfillMain(
      ['--since', '2026-01-01', '--until', '2026-01-31', '--state-file', statePath],
      {
        projectRoot: REPO_ROOT,
        logger,
        env: {
          RINKEL_API_KEY: rinkel.apiKey,
          RINKEL_API_BASE_URL: rinkel.baseUrl,
          ...org.env
        }
      }
    );

    expect(code).toBe(0);
    expect(org.tasks.size).toBe(12);
    expect(text()).toContain('Tasks created: 12');
    expect(text()).not.toContain(rinkel.apiKey);
    expect(text()).not.toContain(org.session.accessToken);
    expect(fs.existsSync(statePath)).toBe(true);
  });

  async function fails(argv: string[], env: NodeJS.ProcessEnv) {
    const { logger, text } = createMemoryLogger();
    let code: number;
    try {
      code = await backfillMain(argv, { projectRoot: REPO_ROOT, logger, env, pollInitialMs: 1 });
    } catch (error) {
      code = reportFailure(logger, error);
    }
    expect(text()).not.toMatch(/\n\s+at /);
    return { code, output: text() };
  }

  const base = (): NodeJS.ProcessEnv => ({
    RINKEL_API_KEY: rinkel.apiKey,
    RINKEL_API_BASE_URL: rinkel.baseUrl
  });

  it('without a login names the default alias, sf org login web, --target-org and the variables', async () => {
    const { code, output } = await fails(['--since', '2026-01-01'], base());

    expect(code).toBe(1);
    expect(output).toContain('The sf CLI has no login for org "rinkel-dev"');
    expect(output).toContain('sf org login web --alias rinkel-dev');
    expect(output).toContain('--target-org <alias>');
    expect(output).toContain('SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN');
  });

  /** Runs `tsx <script> …args` with HOME set to a fresh sf store; resolves when it exits. */
  function child(
    script: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    onOutput?: (text: string, kill: (signal: NodeJS.Signals) => void) => void
  ): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, HOME: home, ...env },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let output = '';
      const add = (chunk: Buffer): void => {
        output += chunk.toString();
        onOutput?.(output, (signal) => proc.kill(signal));
      };
      proc.stdout.on('data', add);
      proc.stderr.on('data', add);
      proc.on('error', reject);
      proc.on('close', (code) => resolve({ code, output }));
    });
  }

  let home: string;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'sf-store-'));
  });

  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('uses the login the sf CLI stored for --target-org, and Ctrl-C stops it with a way to resume', async () => {
    const stored = await child(
      'scripts/testing/store-sf-login.ts',
      ['acme', org.instanceUrl, org.session.accessToken],
      {}
    );
    expect(stored.code).toBe(0);
    rinkel.callDetailRecords = Array.from({ length: 400 }, (_, i) => syntheticCdr(i));
    rinkel.latencyMs = 40;
    const statePath = path.join(dir, 's.json');
    const env = { RINKEL_API_KEY: rinkel.apiKey, RINKEL_API_BASE_URL: rinkel.baseUrl };
    const args = ['--since', '2026-01-01', '--target-org', 'acme', '--state-file', statePath];

    let sent = false;
    const stopped = await child(
      'scripts/backfill.ts',
      [...args, '--per-job', '100', '--rinkel-concurrency', '1'],
      env,
      (text, kill) => {
        if (!sent && text.includes('Bulk job')) {
          sent = true;
          kill('SIGINT');
        }
      }
    );

    expect(stopped.output).toContain(`Org: ${org.username} at ${org.instanceUrl}`);
    expect(stopped.code).toBe(130);
    expect(stopped.output).toContain('✖ Interrupted.');
    expect(stopped.output).toMatch(
      /Fix: Resume with `npm run backfill -- --target-org acme --state-file \S+ --since \S+ --until \S+ --resume`/
    );
    expect(stopped.output).not.toMatch(/\n\s+at /);
    const saved = readState(statePath);
    expect(saved?.done).toBe(false);
    expect(
      [...org.jobs.values()].some((j) => j.state === 'Open' || j.state === 'UploadComplete')
    ).toBe(false);

    rinkel.latencyMs = 0;
    const resumed = await child(
      'scripts/backfill.ts',
      [...args, '--resume', '--until', saved?.until ?? ''],
      env
    );
    expect(resumed.output).toContain('Backfill complete.');
    expect(resumed.code).toBe(0);
    expect(org.tasks.size).toBe(400);
  }, 60_000);

  it('says the org refused the session and how to get a new one', async () => {
    org.sessionExpired = true;

    const { code, output } = await fails(['--since', '2026-01-01', '--target-org', 'prod'], {
      ...base(),
      ...org.env
    });

    expect(code).toBe(1);
    expect(output).toContain(`at ${org.instanceUrl} refused the session`);
    expect(output).toContain('sf org login web --alias prod');
    expect(output).not.toContain(org.session.accessToken);
  });

  it('names the instance URL it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const { code, output } = await fails(['--since', '2026-01-01'], {
      ...base(),
      SALESFORCE_INSTANCE_URL: `http://127.0.0.1:${port}`,
      SALESFORCE_ACCESS_TOKEN: org.session.accessToken
    });

    expect(code).toBe(1);
    expect(output).toContain(`Could not reach the org at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('says there is nothing to resume without a stack trace', async () => {
    const { code, output } = await fails(
      ['--since', '2026-01-01', '--resume', '--state-file', path.join(dir, 'none.json')],
      { ...base(), ...org.env }
    );

    expect(code).toBe(2);
    expect(output).toContain('there is nothing to resume');
    expect(output).toContain('Fix: Start without --resume');
  });

  it('npm run backfill runs with the heap cap that keeps memory flat', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.backfill).toBe(`tsx ${BACKFILL_HEAP_FLAG} scripts/backfill.ts`);
  });

  it('prints the usage for --help', async () => {
    const { logger, text } = createMemoryLogger();
    const code = await backfillMain(['--help'], { projectRoot: REPO_ROOT, logger, env: {} });
    expect(code).toBe(0);
    expect(text()).toContain('npm run backfill -- --since <date>');
  });
});
