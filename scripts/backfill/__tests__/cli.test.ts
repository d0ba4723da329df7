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
    [['--since', '2026-02-01', '--until', '2026-01-01'], '--until must be after --since'],
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
          SALESFORCE_INSTANCE_URL: org.instanceUrl,
          SALESFORCE_ACCESS_TOKEN: org.session.accessToken
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

  it('prints the usage for --help', async () => {
    const { logger, text } = createMemoryLogger();
    const code = await backfillMain(['--help'], { projectRoot: REPO_ROOT, logger, env: {} });
    expect(code).toBe(0);
    expect(text()).toContain('npm run backfill -- --since <date>');
  });
});
