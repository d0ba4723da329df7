// The org client against the fake sf on PATH and the fake org REST API.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Org,
  OrgApiError,
  SfCli,
  SfCommandError,
  parseSfJson,
  soqlQuote,
  summarizeDeploy
} from '../org';
import { FakeOrg } from '../../testing/fake-org';

describe('Org', () => {
  let fake: FakeOrg;
  let root: string;
  let sf: SfCli;

  beforeEach(async () => {
    fake = await FakeOrg.start();
    fake.addOrg('acme');
    root = mkdtempSync(join(tmpdir(), 'rinkel-org-'));
    sf = new SfCli({ projectRoot: root, env: fake.env() });
  });

  afterEach(async () => {
    await fake.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('runs sf with --json and the quiet environment, and reads the session', async () => {
    const org = await Org.open(sf, 'acme');

    expect(fake.sfCalls).toEqual([['org', 'display', '--target-org', 'acme', '--json']]);
    expect(org.info).toEqual(
      expect.objectContaining({
        id: fake.orgId,
        username: fake.username,
        isScratch: false,
        apiVersion: '68.0'
      })
    );
  });

  it('gets a new session from sf when the old one expired', async () => {
    const org = await Org.open(sf, 'acme');
    fake.expireSession();

    const users = await org.query(
      `SELECT Id FROM User WHERE Username = ${soqlQuote(fake.username)}`
    );

    expect(users).toEqual([{ Id: fake.userId }]);
    expect(fake.sfCallsMatching('org display')).toHaveLength(2);
  });

  it('turns Salesforce REST errors into OrgApiError with the error code', async () => {
    const org = await Org.open(sf, 'acme');

    const error = (await org
      .query('SELECT Id FROM Nope__c')
      .catch((e: unknown) => e)) as OrgApiError;

    expect(error).toBeInstanceOf(OrgApiError);
    expect(error.status).toBe(400);
    expect(error.errorCode).toBe('INVALID_TYPE');
  });

  it('runs anonymous Apex and turns a compile problem into an error naming line and problem', async () => {
    const org = await Org.open(sf, 'acme');

    const notDeployed = (await org
      .executeAnonymous('RinkelSchedules.ensureScheduled();')
      .catch((e: unknown) => e)) as OrgApiError;

    expect(notDeployed).toBeInstanceOf(OrgApiError);
    expect(notDeployed.errorCode).toBe('APEX_COMPILE_ERROR');
    expect(notDeployed.message).toBe(
      'Anonymous Apex did not compile (line 1): Variable does not exist: RinkelSchedules'
    );

    fake.apexClasses.add('RinkelSchedules');
    await org.executeAnonymous('RinkelSchedules.ensureScheduled();');

    expect(fake.anonymousApex).toEqual([
      'RinkelSchedules.ensureScheduled();',
      'RinkelSchedules.ensureScheduled();'
    ]);
    expect([...fake.scheduledJobs].sort()).toEqual([
      'Rinkel audit retention',
      'Rinkel contact sync',
      'Rinkel reconciliation'
    ]);
  });

  it('reports sf failures with sf’s error name and a readable message', async () => {
    const error = (await Org.open(sf, 'missing').catch((e: unknown) => e)) as SfCommandError;

    expect(error).toBeInstanceOf(SfCommandError);
    expect(error.sfName).toBe('NamedOrgNotFoundError');
    expect(error.message).toBe('No authorization information found for missing.');
  });
});

describe('sf output helpers', () => {
  it('finds the JSON after warning lines', () => {
    expect(parseSfJson('Warning: something\n{"status":0,"result":{"a":1}}')).toEqual({
      status: 0,
      result: { a: 1 }
    });
    expect(parseSfJson('no json here')).toBeUndefined();
  });

  it('counts created and changed components once each', () => {
    const summary = summarizeDeploy({
      files: [
        { type: 'ApexClass', fullName: 'A', state: 'Changed' },
        { type: 'ApexClass', fullName: 'A', state: 'Changed' },
        { type: 'CustomObject', fullName: 'B__c', state: 'Unchanged' },
        { type: 'CustomField', fullName: 'B__c.C__c', state: 'Created' }
      ]
    });

    expect(summary.components).toHaveLength(3);
    expect(summary.changedCount).toBe(2);
  });

  it('escapes SOQL string literals', () => {
    expect(soqlQuote("O'Brien\\x")).toBe("'O\\'Brien\\\\x'");
  });
});
