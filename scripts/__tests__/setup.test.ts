// `npm run setup` against a fake `sf` on PATH and a fake org REST API (scripts/testing/fake-org.ts),
// both real processes / HTTP servers on 127.0.0.1, and a fake Rinkel API for --register-webhooks.

import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, sourceFile } from '../core/paths';
import { parseSetupArgs } from '../setup/config';
import { createMemoryLogger } from '../core/log';
import { readLocalState, sha256Hex } from '../core/secret';
import { runSetup, setupMain, SetupStepError, type SetupContext } from '../setup/runner';
import { FakeOrg } from '../testing/fake-org';
import { FakeRinkel } from '../testing/fake-rinkel';
import { createTestProject, type TestProject } from '../testing/test-project';

jest.setTimeout(60_000);

const API_KEY = 'rk_live_0123456789abcdef';

describe('npm run setup', () => {
  let org: FakeOrg;
  let rinkel: FakeRinkel;
  let project: TestProject;

  beforeEach(async () => {
    org = await FakeOrg.start();
    rinkel = await FakeRinkel.start({ apiKey: API_KEY });
    project = createTestProject();
  });

  afterEach(async () => {
    await org.close();
    await rinkel.close();
    project.remove();
  });

  function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...org.env({ RINKEL_API_KEY: API_KEY, RINKEL_API_BASE_URL: rinkel.baseUrl }),
      ...extra
    };
  }

  async function setup(
    argv: string[],
    extraEnv: NodeJS.ProcessEnv = {},
    context: Partial<SetupContext> = {}
  ) {
    const memory = createMemoryLogger();
    const runEnv = env(extraEnv);
    const code = await setupMain(argv, {
      projectRoot: project.root,
      env: runEnv,
      logger: memory.logger,
      rinkelRetryBaseDelayMs: 1,
      ...context
    });
    return { code, output: memory.text(), steps: memory.logger.steps };
  }

  /** `lookupTokenShown`: the run that generated the lookup token prints its URL exactly once. */
  function expectNoSecretsIn(text: string, lookupTokenShown = false): void {
    const state = readLocalState(project.root, 'rinkel-dev');
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(org.accessToken);
    if (state?.webhookSecret) {
      expect(text).not.toContain(state.webhookSecret);
    }
    const token = state?.lookupToken ?? '';
    expect(token).not.toBe('');
    expect(text.split(token).length - 1).toBe(lookupTokenShown ? 1 : 0);
  }

  function lookupUrl(token: string): string {
    return `${org.siteSecureUrl}/services/apexrest/rinkel/voipgrid/callerid?token=${token}&callerid={callerid}&did={did}&code={code}&callername={callername}`;
  }

  it('creates and configures a scratch org on the first run', async () => {
    const { code, output, steps } = await setup([]);

    expect(code).toBe(0);
    // The scratch org was created from the project's definition with the alias and duration.
    const [create] = org.sfCallsMatching('org create scratch');
    expect(create).toEqual(
      expect.arrayContaining([
        '--definition-file',
        'config/project-scratch-def.json',
        '--alias',
        'rinkel-dev',
        '--duration-days',
        '7',
        '--target-dev-hub',
        'DevHub'
      ])
    );
    // The product and the dev-only Weborder object were deployed together.
    expect(org.deploys[0]?.sourceDirs).toEqual(['force-app', 'config/dev-org']);
    // The LWC build ran before the deploy.
    expect(readFileSync(join(project.root, '.lwc-built'), 'utf8')).toBe('yes');
    // Six sample Weborders with Dutch numbers in mixed formats.
    expect(org.weborders.map((w) => w.Phone__c)).toEqual(
      expect.arrayContaining(['06 12345678', '+31 6 1234 5678', '0031 30 2345678'])
    );
    expect(org.weborders).toHaveLength(6);
    // Permission sets: every product one for the admin (also the agent: Call, screen pop), the
    // webhook and the caller-id lookup ones for the Site guest user.
    const assigned = org.assignments.map(
      (a) =>
        `${a.AssigneeId}:${[...org.permissionSets].find(([, id]) => id === a.PermissionSetId)?.[0] ?? ''}`
    );
    expect(assigned.sort()).toEqual(
      [
        `${org.userId}:Rinkel_Admin`,
        `${org.userId}:Rinkel_Agent`,
        `${org.userId}:Rinkel_Dialer`,
        `${org.userId}:Rinkel_Integration`,
        `${org.userId}:Rinkel_Operations`,
        `${org.userId}:Rinkel_Recording_Listener`,
        `${org.userId}:Rinkel_Sample_Weborders`,
        `${org.userId}:Rinkel_Screen_Pop`,
        `${org.guestUserId}:Rinkel_Lookup_Guest`,
        `${org.guestUserId}:Rinkel_Webhook_Guest`
      ].sort()
    );
    // The platform-event trigger runs as the (default) integration user, from a generated config.
    expect(org.subscriberConfig?.UserId).toBe(org.userId);
    const pescDeploy = org.deploys.find((d) =>
      d.files.some((f) => f.includes('platformEventSubscriberConfig'))
    );
    expect(pescDeploy?.cwd).not.toBe(project.root);
    // The API key went into the External Credential through the Connect API, in a request body.
    expect(org.credential).toEqual({ ApiKey: API_KEY });
    const credentialWrite = org.writes.find((c) =>
      c.path.includes('/named-credentials/credential')
    );
    expect(credentialWrite?.method).toBe('POST');
    expect(credentialWrite?.path).not.toContain(API_KEY);
    expect(org.sfCalls.flat().join(' ')).not.toContain(API_KEY);
    // Reconciliation, retention and the contact sync are scheduled through the project's own
    // anonymous Apex.
    expect([...org.scheduledJobs].sort()).toEqual([
      'Rinkel audit retention',
      'Rinkel contact sync',
      'Rinkel reconciliation'
    ]);
    expect(org.anonymousApex).toEqual([
      readFileSync(join(project.root, 'scripts', 'apex', 'schedule.apex'), 'utf8')
    ]);
    // Webhook secret: only its SHA-256 in the org; the secret in .rinkel/<alias>.json, mode 0600.
    const state = readLocalState(project.root, 'rinkel-dev');
    expect(state?.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(org.secretSetting?.Secret_Hash__c).toBe(sha256Hex(state?.webhookSecret ?? ''));
    expect(org.secretSetting?.SetupOwnerId).toBe(org.orgId);
    expect(statSync(join(project.root, '.rinkel', 'rinkel-dev.json')).mode & 0o777).toBe(0o600);
    // Caller-id lookup token: its own secret, the same way; its URL for the PBX printed once.
    expect(state?.lookupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(state?.lookupToken).not.toBe(state?.webhookSecret);
    expect(org.lookupSecretSetting?.Secret_Hash__c).toBe(sha256Hex(state?.lookupToken ?? ''));
    expect(org.lookupSecretSetting?.SetupOwnerId).toBe(org.orgId);
    expect(output).toContain(lookupUrl(state?.lookupToken ?? ''));
    // The Site was activated and its URL printed as the webhook base URL.
    expect(org.site?.Status).toBe('Active');
    expect(state?.siteUrl).toBe(org.siteSecureUrl);
    expect(output).toContain(`Webhook base URL: ${org.siteSecureUrl}/services/apexrest/rinkel/v1/`);
    // The prerequisite check says what it checks while its sf calls run.
    const checks = output.slice(
      output.indexOf('[1] Check prerequisites'),
      output.indexOf('all present')
    );
    expect(checks).toContain('… checking the Salesforce CLI (sf version)');
    expect(checks).toContain('… looking for scratch org "rinkel-dev"');
    expect(checks).toContain('… looking up the Dev Hub');
    // Every step reported, none silently.
    expect(steps.map((s) => `${s.title}: ${s.outcome}`)).toEqual([
      'Check prerequisites: local',
      'Scratch org: changed',
      'Build the Lightning web components: local',
      'Deploy the product: changed',
      'Sample Weborders: changed',
      'Permission sets: changed',
      'Event processing user: changed',
      'Rinkel API key: changed',
      'Scheduled jobs: changed',
      'Webhook secret: changed',
      'Caller-id lookup token: changed',
      'Webhook Site: changed',
      'Webhooks at Rinkel: skipped'
    ]);
    expectNoSecretsIn(output, true);
  });

  it('changes nothing on a second run and says so for every step', async () => {
    expect((await setup([])).code).toBe(0);
    const deploysBefore = org.deploys.length;
    const writesBefore = org.writes.length;
    const sfCallsBefore = org.sfCalls.length;
    const secretBefore = readLocalState(project.root, 'rinkel-dev')?.webhookSecret;
    const tokenBefore = readLocalState(project.root, 'rinkel-dev')?.lookupToken;

    const second = await setup([]);

    expect(second.code).toBe(0);
    expect(org.deploys).toHaveLength(deploysBefore);
    expect(org.writes).toHaveLength(writesBefore);
    expect(org.sfCalls.slice(sfCallsBefore).map((a) => a.slice(0, 3).join(' '))).not.toContainEqual(
      expect.stringMatching(/^(org create|project deploy|data import)/)
    );
    expect(readLocalState(project.root, 'rinkel-dev')?.webhookSecret).toBe(secretBefore);
    expect(readLocalState(project.root, 'rinkel-dev')?.lookupToken).toBe(tokenBefore);
    expect(second.output).toContain(lookupUrl('****'));
    expect(org.anonymousApex).toHaveLength(1);
    expect(second.steps.filter((s) => s.outcome === 'changed')).toEqual([]);
    for (const step of second.steps.filter((s) => s.outcome === 'unchanged')) {
      expect(step.detail).toMatch(/^already done: /);
    }
    expect(second.output).toContain('Nothing changed: the org was already set up.');
    expectNoSecretsIn(second.output);
  });

  it('deploys again when a source file changed, and only then', async () => {
    await setup([]);
    const before = org.deploys.length;
    const file = sourceFile('classes', 'RinkelWebhookResource.cls', project.root);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}// changed\n`);

    const rerun = await setup([]);

    expect(org.deploys.length).toBe(before + 1);
    expect(rerun.steps.find((s) => s.title === 'Deploy the product')?.outcome).toBe('changed');
  });

  it('loads only the sample Weborders that are missing', async () => {
    await setup([]);
    org.weborders.splice(0, 2);

    const rerun = await setup([]);

    expect(org.weborders.map((w) => w.Name).sort()).toEqual([
      'WO-10001',
      'WO-10002',
      'WO-10003',
      'WO-10004',
      'WO-10005',
      'WO-10006'
    ]);
    expect(rerun.steps.find((s) => s.title === 'Sample Weborders')?.detail).toBe(
      'inserted 2 sample Weborders (WO-10001, WO-10002)'
    );
  });

  it('rotates the webhook secret only when asked', async () => {
    await setup([]);
    const first = readLocalState(project.root, 'rinkel-dev')?.webhookSecret ?? '';

    const rotated = await setup(['--rotate-secret']);

    const second = readLocalState(project.root, 'rinkel-dev')?.webhookSecret ?? '';
    expect(rotated.code).toBe(0);
    expect(second).not.toBe(first);
    expect(org.secretSetting?.Secret_Hash__c).toBe(sha256Hex(second));
    expect(rotated.output).toContain('npm run webhooks -- register');
    expect(rotated.output).not.toContain(first);
    expect(rotated.output).not.toContain(second);
  });

  it('rotates the caller-id lookup token only when asked, and prints the new URL once', async () => {
    await setup([]);
    const first = readLocalState(project.root, 'rinkel-dev')?.lookupToken ?? '';
    const webhookSecret = readLocalState(project.root, 'rinkel-dev')?.webhookSecret;

    const rotated = await setup(['--rotate-lookup-token']);

    const second = readLocalState(project.root, 'rinkel-dev')?.lookupToken ?? '';
    expect(rotated.code).toBe(0);
    expect(second).not.toBe(first);
    expect(org.lookupSecretSetting?.Secret_Hash__c).toBe(sha256Hex(second));
    expect(readLocalState(project.root, 'rinkel-dev')?.webhookSecret).toBe(webhookSecret);
    expect(rotated.steps.find((s) => s.title === 'Caller-id lookup token')?.detail).toContain(
      'rotated'
    );
    expect(rotated.output).toContain(lookupUrl(second));
    expect(rotated.output).not.toContain(first);
    expectNoSecretsIn(rotated.output, true);
  });

  it('refuses to invent a lookup token when the org has one this machine does not know', async () => {
    await setup([]);
    const file = join(project.root, '.rinkel', 'rinkel-dev.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { lookupToken?: string };
    delete saved.lookupToken;
    writeFileSync(file, JSON.stringify(saved));

    const { code, output } = await setup([]);

    expect(code).toBe(1);
    expect(output).toContain('Step "Caller-id lookup token" failed.');
    expect(output).toContain('Fix:   Re-run setup with --rotate-lookup-token');
  });

  it('refuses to invent a secret when the org has one this machine does not know', async () => {
    await setup([]);
    rmSync(join(project.root, '.rinkel'), { recursive: true });

    const { code, output } = await setup([]);

    expect(code).toBe(1);
    expect(output).toContain('Step "Webhook secret" failed.');
    expect(output).toContain('Fix:   Re-run setup with --rotate-secret');
  });

  it('replaces the API key in the External Credential when it changed', async () => {
    await setup([]);
    const newKey = 'rk_live_fedcba9876543210';

    const { code, output } = await setup([], { RINKEL_API_KEY: newKey });

    expect(code).toBe(0);
    expect(org.credential).toEqual({ ApiKey: newKey });
    expect(
      org.writes.filter((c) => c.path.includes('named-credentials')).map((c) => c.method)
    ).toEqual(['POST', 'PUT']);
    expect(output).toContain('replaced the API key');
    expect(output).not.toContain(newKey);
  });

  it('registers the webhooks with --register-webhooks and stays idempotent', async () => {
    const first = await setup(['--register-webhooks']);

    expect(first.code).toBe(0);
    const secret = readLocalState(project.root, 'rinkel-dev')?.webhookSecret ?? '';
    expect([...rinkel.subscriptions.keys()].sort()).toEqual(['callEnd', 'callInsights']);
    expect(rinkel.subscriptions.get('callEnd')?.url).toBe(
      `${org.siteSecureUrl}/services/apexrest/rinkel/v1/callEnd?token=${secret}`
    );
    expect(rinkel.testRequests.map((t) => t.event).sort()).toEqual(['callEnd', 'callInsights']);
    expect(first.output).not.toContain(secret);

    const second = await setup(['--register-webhooks']);

    expect(second.code).toBe(0);
    expect(
      rinkel.requestsTo('POST', '/v1/webhooks/callEnd').filter((r) => !r.path.endsWith('/test'))
    ).toHaveLength(1);
    expect(rinkel.requestsTo('PUT', '/v1/webhooks')).toHaveLength(0);
    expect(second.steps.find((s) => s.title === 'Webhooks at Rinkel')?.outcome).toBe('unchanged');
  });

  it('does not silently take over webhooks of an earlier scratch org', async () => {
    rinkel.subscriptions.set('callEnd', {
      event: 'callEnd',
      url: 'https://old-scratch.my.salesforce-sites.com/rinkel/services/apexrest/rinkel/v1/callEnd?token=old-secret-123',
      contentType: 'application/json',
      active: true
    });

    const { code, output } = await setup(['--register-webhooks']);

    expect(code).toBe(1);
    expect(output).toContain('Step "Webhooks at Rinkel" failed.');
    expect(output).toContain('Fix:   Run `npm run webhooks -- register --force`');
    expect(output).not.toContain('old-secret-123');
  });

  it('uses an existing org with --target-org and loads no sample data there', async () => {
    org.addOrg('customer-sandbox');

    const { code, steps } = await setup(['--target-org', 'customer-sandbox']);

    expect(code).toBe(0);
    expect(org.sfCallsMatching('org create')).toHaveLength(0);
    expect(org.deploys[0]?.sourceDirs).toEqual(['force-app']);
    expect(org.weborders).toHaveLength(0);
    expect(org.permissionSets.has('Rinkel_Sample_Weborders')).toBe(false);
    expect(steps.find((s) => s.title === 'Sample Weborders')?.outcome).toBe('skipped');
    expect(readLocalState(project.root, 'customer-sandbox')?.siteUrl).toBe(org.siteSecureUrl);
  });

  it('sets another integration user for event processing', async () => {
    const { code } = await setup(['--integration-user', org.integrationUsername]);

    expect(code).toBe(0);
    expect(org.subscriberConfig?.UserId).toBe(org.integrationUserId);
    const integrationPermset = org.permissionSets.get('Rinkel_Integration');
    expect(org.assignments).toContainEqual(
      expect.objectContaining({
        AssigneeId: org.integrationUserId,
        PermissionSetId: integrationPermset
      })
    );
  });

  it('schedules only when a job is missing, and reports an Apex failure as step, cause and fix', async () => {
    expect((await setup([])).code).toBe(0);
    org.scheduledJobs.delete('Rinkel audit retention');
    org.anonymousApexException = 'System.AsyncException: Maximum number of scheduled jobs reached';

    const failed = await setup([]);

    expect(failed.code).toBe(1);
    expect(failed.output).toContain('Step "Scheduled jobs" failed.');
    expect(failed.output).toContain('Maximum number of scheduled jobs reached');
    expect(failed.output).toContain(
      'sf apex run --file scripts/apex/schedule.apex --target-org rinkel-dev'
    );

    org.anonymousApexException = undefined;
    const repaired = await setup([]);

    expect(repaired.code).toBe(0);
    expect(repaired.steps.find((s) => s.title === 'Scheduled jobs')).toMatchObject({
      outcome: 'changed',
      detail: expect.stringContaining('Rinkel audit retention') as unknown
    });
    expect([...org.scheduledJobs].sort()).toEqual([
      'Rinkel audit retention',
      'Rinkel contact sync',
      'Rinkel reconciliation'
    ]);
  });

  it('names step, cause and fix when the deploy fails', async () => {
    org.failures.set('project deploy start', {
      name: 'DeployFailed',
      message: 'Deploy failed.',
      result: {
        details: {
          componentFailures: {
            componentType: 'ApexClass',
            fullName: 'RinkelWebhookResource',
            problem: 'Variable does not exist: foo'
          }
        }
      }
    });

    const { code, output } = await setup([]);

    expect(code).toBe(1);
    expect(output).toContain('✖ Step "Deploy the product" failed.');
    expect(output).toContain('ApexClass RinkelWebhookResource: Variable does not exist: foo');
    expect(output).toContain('Fix:   Fix the components listed in the cause, then re-run setup.');
  });

  it('does not redeploy a Site that the product deploy already activated', async () => {
    project.remove();
    project = createTestProject({ siteActive: true });

    const { steps } = await setup([]);

    expect(org.deploys.filter((d) => d.files.some((f) => f.includes('sites/')))).toHaveLength(1);
    expect(steps.find((s) => s.title === 'Webhook Site')?.detail).toContain(
      'assigned Rinkel_Webhook_Guest'
    );
  });

  it('runs end to end through the real entry point (tsx scripts/setup.ts), twice', async () => {
    const repoRoot = REPO_ROOT;
    const runEntryPoint = () =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), join(repoRoot, 'scripts/setup.ts')],
          { cwd: project.root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] }
        );
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (out += c.toString()));
        child.on('close', (code) => resolve({ code, out }));
      });

    const first = await runEntryPoint();
    const second = await runEntryPoint();

    expect(first.code).toBe(0);
    expect(first.out).toContain(
      `Webhook base URL: ${org.siteSecureUrl}/services/apexrest/rinkel/v1/`
    );
    expect(second.code).toBe(0);
    expect(second.out).toContain('Nothing changed: the org was already set up.');
    expectNoSecretsIn(first.out, true);
    expectNoSecretsIn(second.out);
  });

  describe('prerequisites', () => {
    async function failure(
      argv: string[],
      extraEnv: NodeJS.ProcessEnv,
      context: Partial<SetupContext> = {}
    ) {
      const memory = createMemoryLogger();
      const options = parseSetupArgs(argv, env(extraEnv));
      try {
        await runSetup(options, {
          projectRoot: project.root,
          env: env(extraEnv),
          logger: memory.logger,
          ...context
        });
      } catch (error) {
        if (error instanceof SetupStepError) {
          return error;
        }
        throw error;
      }
      throw new Error('setup did not fail');
    }

    it('asks for a Dev Hub login when none is set', async () => {
      org.defaultDevHub = undefined;

      const error = await failure([], {});

      expect(error.step).toBe('Check prerequisites');
      expect(error.causeText).toContain('No Dev Hub is set');
      expect(error.fix).toContain('sf org login web --set-default-dev-hub --alias DevHub');
      expect(org.sfCallsMatching('org create')).toHaveLength(0);
    });

    it('asks to log in again when the Dev Hub session is gone', async () => {
      org.knownOrgs.delete('DevHub');

      const error = await failure([], {});

      expect(error.causeText).toContain('The Dev Hub "DevHub" is not logged in');
      expect(error.fix).toContain('sf org login web --set-default-dev-hub --alias DevHub');
    });

    it('asks for RINKEL_API_KEY', async () => {
      const error = await failure([], { RINKEL_API_KEY: '' });

      expect(error.causeText).toContain('RINKEL_API_KEY is not set.');
      expect(error.fix).toContain('export RINKEL_API_KEY=');
    });

    it('refuses an old Node.js', async () => {
      const error = await failure([], {}, { nodeVersion: '18.19.0' });

      expect(error.causeText).toContain('Node.js 18.19.0 is too old');
      expect(error.fix).toContain('Node.js 20 LTS or newer');
    });

    it('says how to get the Salesforce CLI when sf is missing', async () => {
      const error = await failure([], { PATH: join(project.root, 'no-such-bin') }, {});

      expect(error.causeText).toContain('The Salesforce CLI (sf) was not found');
      expect(error.fix).toContain('npm ci');
    });

    it('names the login command for an unknown --target-org', async () => {
      const error = await failure(['--target-org', 'acme-prod'], {});

      expect(error.causeText).toContain('You are not logged in to org "acme-prod"');
      expect(error.fix).toContain('sf org login web --alias acme-prod');
    });

    it('lists every missing prerequisite at once', async () => {
      org.defaultDevHub = undefined;

      const error = await failure([], { RINKEL_API_KEY: '' }, { nodeVersion: 'v20.8.1' });

      expect(error.causeText).toMatch(
        /\(1\) Node\.js 20\.8\.1 is too old[\s\S]*\(2\) RINKEL_API_KEY is not set[\s\S]*\(3\) No Dev Hub/
      );
    });

    it('does not need a Dev Hub when the scratch org exists', async () => {
      org.addOrg('rinkel-dev', true);
      org.defaultDevHub = undefined;

      const { code, steps } = await setup([]);

      expect(code).toBe(0);
      expect(steps.find((s) => s.title === 'Scratch org')?.outcome).toBe('unchanged');
    });
  });
});
