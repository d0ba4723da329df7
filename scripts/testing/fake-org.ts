// The org side for tests: a fake `sf` executable on PATH plus a fake org REST API, both backed by
// one in-memory org on 127.0.0.1.
//
// The `sf` written into a temp folder is a ten-line node script: it forwards its argv and working
// directory to this server and prints what the server answers (canned `--json` output), so the
// test process decides every answer and records every call. `sf org display` hands out the
// server's URL as the instance URL, so the scripts' REST calls (SOQL, sObject inserts, the Connect
// API for named credentials) land here too. Deploys are simulated from the files actually on disk:
// a deployed permission set, Site or PlatformEventSubscriberConfig appears in the org.

import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join, relative, resolve } from 'node:path';
import { parseJsonOrText } from '../clients/http-body';
import { SCHEDULED_JOBS } from '../setup/project';

export interface RestCall {
  method: string;
  path: string;
  body: unknown;
}

export interface FakeOrgRecord {
  Id: string;
  [field: string]: unknown;
}

interface KnownOrg {
  alias: string;
  id: string;
  username: string;
  scratch: boolean;
}

const SF_SCRIPT = `#!/usr/bin/env node
const http = require('http');
const payload = JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() });
const req = http.request(process.env.FAKE_SF_URL + '/__sf', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
  let data = '';
  res.setEncoding('utf8');
  res.on('data', (c) => (data += c));
  res.on('end', () => { const r = JSON.parse(data); process.stdout.write(r.stdout); process.exitCode = r.code; });
});
req.on('error', (e) => { process.stderr.write('fake sf: ' + e.message + '\\n'); process.exitCode = 99; });
req.end(payload);
`;

let idCounter = 0;
function fakeId(prefix: string): string {
  idCounter += 1;
  return `${prefix}${String(idCounter).padStart(15 - prefix.length, '0')}AAA`;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  if (statSync(dir).isFile()) {
    return [dir];
  }
  return readdirSync(dir).flatMap((name) => walk(join(dir, name)));
}

function quoted(soql: string): string[] {
  return [...soql.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) =>
    (m[1] ?? '').replace(/\\(.)/g, '$1')
  );
}

export class FakeOrg {
  /** argv of every `sf` call (without the node/script path). */
  readonly sfCalls: string[][] = [];
  readonly restCalls: RestCall[] = [];
  readonly binDir: string;

  // --- the CLI's world
  defaultDevHub: string | undefined = 'DevHub';
  readonly knownOrgs = new Map<string, KnownOrg>();
  /** sf commands (matched by prefix, e.g. "project deploy start") that fail with this error. */
  readonly failures = new Map<string, { name: string; message: string; result?: unknown }>();

  // --- the org's data
  readonly orgId = '00DFAKE0000000001AAA'.slice(0, 18);
  readonly username = 'admin@rinkel-dev.example';
  readonly userId = '005FAKE00000000001';
  readonly integrationUsername = 'integration@rinkel-dev.example';
  readonly integrationUserId = '005FAKE00000000002';
  readonly guestUserId = '005FAKE00000000003';
  readonly siteSecureUrl = 'https://rinkel-dev.scratch.my.salesforce-sites.com';
  accessToken = 'FAKE-SESSION-00D!token-abcdefghijklmnopqrstuvwxyz';
  private sessionCount = 0;
  readonly permissionSets = new Map<string, string>();
  readonly assignments: { Id: string; AssigneeId: string; PermissionSetId: string }[] = [];
  site: { Id: string; Name: string; Status: string; GuestUserId: string } | undefined;
  subscriberConfig: { Id: string; DeveloperName: string; UserId: string } | undefined;
  externalCredentialDeployed = false;
  credential: Record<string, string> | undefined;
  secretSetting: FakeOrgRecord | undefined;
  /** Org default of Rinkel_Lookup_Secret__c (the caller-id lookup token's hash). */
  lookupSecretSetting: FakeOrgRecord | undefined;
  weborderObjectDeployed = false;
  /** Apex classes deployed (by file name); anonymous Apex can only call these. */
  readonly apexClasses = new Set<string>();
  /** Names of scheduled jobs (CronJobDetail.Name). */
  readonly scheduledJobs = new Set<string>();
  /** Every anonymous Apex body run through the Tooling API. */
  readonly anonymousApex: string[] = [];
  /** When set, anonymous Apex throws this exception message. */
  anonymousApexException: string | undefined;
  readonly weborders: FakeOrgRecord[] = [];
  readonly deploys: { cwd: string; sourceDirs: string[]; files: string[] }[] = [];

  private server?: Server;
  private port = 0;

  private constructor() {
    this.binDir = mkdtempSync(join(tmpdir(), 'fake-sf-'));
    const script = join(this.binDir, 'sf');
    writeFileSync(script, SF_SCRIPT);
    chmodSync(script, 0o755);
  }

  static async start(): Promise<FakeOrg> {
    const fake = new FakeOrg();
    fake.server = createServer((req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify([{ errorCode: 'FAKE_ERROR', message: String(error) }]));
      });
    });
    await new Promise<void>((resolve) => fake.server?.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    fake.knownOrgs.set('DevHub', {
      alias: 'DevHub',
      id: '00DDEVHUB000000001',
      username: 'hub@example.com',
      scratch: false
    });
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Environment for the scripts: the fake sf first on PATH, and where it finds this server. */
  env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return {
      ...base,
      PATH: `${this.binDir}${delimiter}${dirname(process.execPath)}`,
      FAKE_SF_URL: this.url
    };
  }

  /** Makes `alias` a logged-in org (an existing org for --target-org). */
  addOrg(alias: string, scratch = false): void {
    this.knownOrgs.set(alias, { alias, id: this.orgId, username: this.username, scratch });
  }

  /** The current session stops working; `sf org display` hands out a new one. */
  expireSession(): void {
    this.sessionCount += 1;
    this.accessToken = `FAKE-SESSION-00D!token-renewed-${this.sessionCount}-abcdefghijklmnop`;
  }

  sfCallsMatching(prefix: string): string[][] {
    return this.sfCalls.filter((argv) => argv.join(' ').startsWith(prefix));
  }

  /** REST calls that change something (anything but GET). */
  get writes(): RestCall[] {
    return this.restCalls.filter((c) => c.method !== 'GET');
  }

  async close(): Promise<void> {
    rmSync(this.binDir, { recursive: true, force: true });
    const server = this.server;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) {
      raw += String(chunk);
    }
    const url = new URL(req.url ?? '/', this.url);
    if (url.pathname === '/__sf') {
      const { argv, cwd } = JSON.parse(raw) as { argv: string[]; cwd: string };
      this.sfCalls.push(argv);
      const { code, json } = this.sf(argv, cwd);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ code, stdout: `${JSON.stringify(json, null, 2)}\n` }));
      return;
    }
    const body = parseJsonOrText(raw);
    const method = req.method ?? 'GET';
    const path = `${url.pathname}${url.search}`;
    this.restCalls.push({ method, path, body });
    const reply = (status: number, payload?: unknown): void => {
      res.writeHead(status, payload === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${this.accessToken}`) {
      reply(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
      return;
    }
    const match = /^\/services\/data\/v[\d.]+(\/.*)$/.exec(url.pathname);
    if (!match) {
      reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
      return;
    }
    const resource = match[1] ?? '';
    const [status, payload] = this.rest(method, resource, url.searchParams, body);
    reply(status, payload);
  }

  // --- sf ------------------------------------------------------------------------------------

  private sf(argvWithJson: string[], cwd: string): { code: number; json: unknown } {
    const argv = argvWithJson.filter((a) => a !== '--json');
    const flag = (name: string): string | undefined => {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    const flags = (name: string): string[] =>
      argv.flatMap((a, i) => (a === name && argv[i + 1] ? [argv[i + 1] ?? ''] : []));
    const ok = (result: unknown): { code: number; json: unknown } => ({
      code: 0,
      json: { status: 0, result, warnings: [] }
    });
    const fail = (
      name: string,
      message: string,
      exitCode = 1,
      result?: unknown
    ): { code: number; json: unknown } => ({
      code: exitCode,
      json: { name, message, exitCode, status: exitCode, code: name, result, warnings: [] }
    });
    const command = argv
      .filter((a) => !a.startsWith('-'))
      .slice(0, 3)
      .join(' ');
    for (const [prefix, failure] of this.failures) {
      if (argv.join(' ').startsWith(prefix)) {
        return fail(failure.name, failure.message, 1, failure.result);
      }
    }
    if (argv[0] === 'version') {
      return ok({ cliVersion: '@salesforce/cli/2.150.6', nodeVersion: process.version });
    }
    if (command.startsWith('config get target-dev-hub')) {
      return ok([
        { name: 'target-dev-hub', key: 'target-dev-hub', value: this.defaultDevHub, success: true }
      ]);
    }
    if (command.startsWith('org display')) {
      const target = flag('--target-org') ?? '';
      const org = this.knownOrgs.get(target);
      if (!org) {
        return fail(
          'NamedOrgNotFoundError',
          `Parsing --target-org \n\tNo authorization information found for ${target}.`,
          2
        );
      }
      return ok({
        id: org.id,
        apiVersion: '68.0',
        accessToken: this.accessToken,
        instanceUrl: this.url,
        username: org.username,
        clientId: 'PlatformCLI',
        connectedStatus: 'Connected',
        alias: org.alias,
        ...(org.scratch
          ? { devHubId: 'hub@example.com', expirationDate: '2026-11-30', status: 'Active' }
          : {})
      });
    }
    if (command.startsWith('org create scratch')) {
      const alias = flag('--alias') ?? 'scratch';
      if (!flag('--target-dev-hub')) {
        return fail('NoDefaultDevHubError', 'No default dev hub found.');
      }
      const definition = flag('--definition-file') ?? '';
      if (!existsSync(resolve(cwd, definition))) {
        return fail('ENOENT', `Cannot read ${definition}`);
      }
      this.knownOrgs.set(alias, { alias, id: this.orgId, username: this.username, scratch: true });
      return ok({ orgId: this.orgId, username: this.username, scratchOrgInfo: {}, warnings: [] });
    }
    if (command.startsWith('project deploy start')) {
      return this.deploy(cwd, flags('--source-dir'));
    }
    if (command.startsWith('data import tree')) {
      return this.importTree(resolve(cwd, flag('--plan') ?? ''));
    }
    return fail('FakeSfUnknownCommand', `fake sf does not know: ${argv.join(' ')}`);
  }

  private deploy(cwd: string, sourceDirs: string[]): { code: number; json: unknown } {
    const files = sourceDirs.flatMap((dir) => walk(resolve(cwd, dir)));
    this.deploys.push({ cwd, sourceDirs, files: files.map((f) => relative(cwd, f)) });
    const deployed: { type: string; fullName: string; state: string; filePath: string }[] = [];
    for (const file of files) {
      const name = basename(file);
      const content = readFileSync(file, 'utf8');
      const add = (type: string, fullName: string): void => {
        deployed.push({ type, fullName, state: 'Changed', filePath: file });
      };
      let m: RegExpExecArray | null;
      if ((m = /^(.+)\.permissionset-meta\.xml$/.exec(name))) {
        const permset = m[1] ?? '';
        if (!this.permissionSets.has(permset)) {
          this.permissionSets.set(permset, fakeId('0PS'));
        }
        add('PermissionSet', permset);
      } else if ((m = /^(.+)\.site-meta\.xml$/.exec(name))) {
        const active = /<active>\s*true\s*<\/active>/.test(content);
        const siteName = m[1] ?? '';
        this.site = {
          Id: this.site?.Id ?? fakeId('0DM'),
          Name: siteName,
          Status: active ? 'Active' : (this.site?.Status ?? 'Inactive'),
          GuestUserId: this.guestUserId
        };
        add('CustomSite', siteName);
      } else if ((m = /^(.+)\.platformEventSubscriberConfig-meta\.xml$/.exec(name))) {
        const user = /<user>([^<]+)<\/user>/.exec(content)?.[1];
        const userId =
          user === this.username
            ? this.userId
            : user === this.integrationUsername
              ? this.integrationUserId
              : undefined;
        if (!userId) {
          return {
            code: 1,
            json: {
              name: 'DeployFailed',
              message: 'Deploy failed.',
              status: 1,
              result: {
                details: {
                  componentFailures: [
                    {
                      componentType: 'PlatformEventSubscriberConfig',
                      fullName: m[1],
                      problem: `User ${user ?? ''} not found`
                    }
                  ]
                }
              }
            }
          };
        }
        this.subscriberConfig = {
          Id: this.subscriberConfig?.Id ?? fakeId('3Ns'),
          DeveloperName: m[1] ?? '',
          UserId: userId
        };
        add('PlatformEventSubscriberConfig', m[1] ?? '');
      } else if ((m = /^(.+)\.externalCredential-meta\.xml$/.exec(name))) {
        this.externalCredentialDeployed = true;
        add('ExternalCredential', m[1] ?? '');
      } else if ((m = /^(\w+)\.cls$/.exec(name))) {
        this.apexClasses.add(m[1] ?? '');
        add('ApexClass', m[1] ?? '');
      } else if (name === 'Weborder__c.object-meta.xml') {
        this.weborderObjectDeployed = true;
        add('CustomObject', 'Weborder__c');
      } else if (name.endsWith('-meta.xml')) {
        add('Other', name.replace(/-meta\.xml$/, ''));
      }
    }
    return {
      code: 0,
      json: {
        status: 0,
        result: { status: 'Succeeded', success: true, files: deployed },
        warnings: []
      }
    };
  }

  private importTree(planFile: string): { code: number; json: unknown } {
    if (!this.weborderObjectDeployed) {
      return {
        code: 1,
        json: {
          name: 'InvalidType',
          message: "sObject type 'Weborder__c' is not supported.",
          status: 1
        }
      };
    }
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { files: string[] }[];
    const results: unknown[] = [];
    for (const entry of plan) {
      for (const file of entry.files) {
        const tree = JSON.parse(readFileSync(join(dirname(planFile), file), 'utf8')) as {
          records: ({ attributes: { referenceId: string; type: string } } & Record<
            string,
            unknown
          >)[];
        };
        for (const record of tree.records) {
          const { attributes, ...fields } = record;
          const id = fakeId('a01');
          this.weborders.push({ Id: id, ...fields });
          results.push({ refId: attributes.referenceId, type: attributes.type, id });
        }
      }
    }
    return { code: 0, json: { status: 0, result: results, warnings: [] } };
  }

  // --- REST ----------------------------------------------------------------------------------

  private rest(
    method: string,
    resource: string,
    params: URLSearchParams,
    body: unknown
  ): [number, unknown] {
    if (method === 'GET' && (resource === '/query' || resource === '/tooling/query')) {
      return this.query(params.get('q') ?? '');
    }
    if (method === 'GET' && resource === '/tooling/executeAnonymous/') {
      return this.executeAnonymous(params.get('anonymousBody') ?? '');
    }
    if (resource === '/named-credentials/credential') {
      return this.credentialResource(method, params, body);
    }
    const sobject = /^\/sobjects\/(\w+)(?:\/(\w+))?$/.exec(resource);
    if (sobject) {
      return this.sobject(method, sobject[1] ?? '', sobject[2], body);
    }
    return [
      404,
      [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist: ${resource}` }]
    ];
  }

  private records(records: unknown[]): [number, unknown] {
    return [200, { totalSize: records.length, done: true, records }];
  }

  private query(soql: string): [number, unknown] {
    const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
    const values = quoted(soql);
    switch (from) {
      case 'User': {
        const users = [
          { Id: this.userId, Username: this.username },
          { Id: this.integrationUserId, Username: this.integrationUsername }
        ];
        return this.records(
          users.filter((u) => values.includes(u.Username)).map((u) => ({ Id: u.Id }))
        );
      }
      case 'PermissionSet':
        return this.records(
          [...this.permissionSets]
            .filter(([name]) => values.includes(name))
            .map(([Name, Id]) => ({ Id, Name }))
        );
      case 'PermissionSetAssignment':
        return this.records(
          this.assignments
            .filter((a) => values.includes(a.AssigneeId) && values.includes(a.PermissionSetId))
            .map((a) => ({ AssigneeId: a.AssigneeId, PermissionSetId: a.PermissionSetId }))
        );
      case 'Weborder__c':
        if (!this.weborderObjectDeployed) {
          return [
            400,
            [{ errorCode: 'INVALID_TYPE', message: "sObject type 'Weborder__c' is not supported." }]
          ];
        }
        return this.records(
          this.weborders
            .filter((w) => values.includes(String(w.Name)))
            .map((w) => ({ Name: w.Name }))
        );
      case 'Rinkel_Webhook_Secret__c':
      case 'Rinkel_Lookup_Secret__c': {
        const setting = this.hierarchySetting(from);
        return this.records(
          setting && values.includes(String(setting.SetupOwnerId)) ? [setting] : []
        );
      }
      case 'Site':
        return this.records(this.site && values.includes(this.site.Name) ? [this.site] : []);
      case 'SiteDetail':
        return this.records(
          this.site &&
            this.site.Status === 'Active' &&
            values.some((v) => this.site?.Id.startsWith(v))
            ? [{ DurableId: this.site.Id, SecureUrl: `${this.siteSecureUrl}/` }]
            : []
        );
      case 'CronTrigger':
        return this.records(
          [...this.scheduledJobs]
            .filter((name) => values.includes(name))
            .map((Name) => ({ CronJobDetail: { Name } }))
        );
      case 'PlatformEventSubscriberConfig':
        return this.records(
          this.subscriberConfig && values.includes(this.subscriberConfig.DeveloperName)
            ? [this.subscriberConfig]
            : []
        );
      default:
        return [
          400,
          [{ errorCode: 'INVALID_TYPE', message: `sObject type '${from}' is not supported.` }]
        ];
    }
  }

  /** Understands the one call setup makes: RinkelSchedules.ensureScheduled() (every job). */
  private executeAnonymous(apex: string): [number, unknown] {
    this.anonymousApex.push(apex);
    const result = { line: -1, column: -1, compiled: true, success: true };
    if (!this.apexClasses.has('RinkelSchedules')) {
      return [
        200,
        {
          ...result,
          line: 1,
          column: 1,
          compiled: false,
          success: false,
          compileProblem: 'Variable does not exist: RinkelSchedules'
        }
      ];
    }
    if (this.anonymousApexException) {
      return [200, { ...result, success: false, exceptionMessage: this.anonymousApexException }];
    }
    if (apex.includes('RinkelSchedules.ensureScheduled()')) {
      SCHEDULED_JOBS.forEach((name) => this.scheduledJobs.add(name));
    }
    return [200, result];
  }

  private credentialResource(
    method: string,
    params: URLSearchParams,
    body: unknown
  ): [number, unknown] {
    if (!this.externalCredentialDeployed) {
      return [404, [{ errorCode: 'NOT_FOUND', message: 'External credential not found' }]];
    }
    if (method === 'GET') {
      if (
        params.get('externalCredential') !== 'Rinkel' ||
        params.get('principalName') !== 'ApiKey'
      ) {
        return [404, [{ errorCode: 'NOT_FOUND', message: 'Principal not found' }]];
      }
      const credentials = Object.fromEntries(
        Object.keys(this.credential ?? {}).map((k) => [k, { encrypted: true, value: '********' }])
      );
      return [
        200,
        {
          externalCredential: 'Rinkel',
          principalName: 'ApiKey',
          principalType: 'NamedPrincipal',
          authenticationStatus: this.credential ? 'Configured' : 'NotConfigured',
          credentials
        }
      ];
    }
    const input = (body ?? {}) as {
      credentials?: Record<string, { value?: string }>;
      externalCredential?: string;
      principalName?: string;
    };
    if (input.externalCredential !== 'Rinkel' || input.principalName !== 'ApiKey') {
      return [
        400,
        [{ errorCode: 'INVALID_INPUT', message: 'Unknown external credential or principal' }]
      ];
    }
    if (method === 'POST' && this.credential) {
      return [400, [{ errorCode: 'DUPLICATE_VALUE', message: 'Credential already exists' }]];
    }
    if (method === 'POST' || method === 'PUT') {
      this.credential = Object.fromEntries(
        Object.entries(input.credentials ?? {}).map(([k, v]) => [k, String(v.value ?? '')])
      );
      return [method === 'POST' ? 201 : 200, { authenticationStatus: 'Configured' }];
    }
    return [405, [{ errorCode: 'METHOD_NOT_ALLOWED', message: method }]];
  }

  private hierarchySetting(type: string): FakeOrgRecord | undefined {
    return type === 'Rinkel_Lookup_Secret__c' ? this.lookupSecretSetting : this.secretSetting;
  }

  private setHierarchySetting(type: string, record: FakeOrgRecord): void {
    if (type === 'Rinkel_Lookup_Secret__c') {
      this.lookupSecretSetting = record;
    } else {
      this.secretSetting = record;
    }
  }

  private sobject(
    method: string,
    type: string,
    id: string | undefined,
    body: unknown
  ): [number, unknown] {
    const fields = (body ?? {}) as Record<string, unknown>;
    if (type === 'PermissionSetAssignment' && method === 'POST') {
      const assigneeId = String(fields.AssigneeId);
      const permissionSetId = String(fields.PermissionSetId);
      if (
        this.assignments.some(
          (a) => a.AssigneeId === assigneeId && a.PermissionSetId === permissionSetId
        )
      ) {
        return [
          400,
          [{ errorCode: 'DUPLICATE_VALUE', message: 'Duplicate PermissionSetAssignment' }]
        ];
      }
      const newId = fakeId('0Pa');
      this.assignments.push({
        Id: newId,
        AssigneeId: assigneeId,
        PermissionSetId: permissionSetId
      });
      return [201, { id: newId, success: true, errors: [] }];
    }
    if (type === 'Rinkel_Webhook_Secret__c' || type === 'Rinkel_Lookup_Secret__c') {
      const setting = this.hierarchySetting(type);
      if (method === 'POST') {
        if (setting) {
          return [
            400,
            [{ errorCode: 'DUPLICATE_VALUE', message: 'duplicate value found: SetupOwnerId' }]
          ];
        }
        const created = { Id: fakeId('a02'), ...fields };
        this.setHierarchySetting(type, created);
        return [201, { id: created.Id, success: true, errors: [] }];
      }
      if (method === 'PATCH' && setting && id === setting.Id) {
        this.setHierarchySetting(type, { ...setting, ...fields });
        return [204, undefined];
      }
    }
    return [
      404,
      [{ errorCode: 'NOT_FOUND', message: `${method} ${type} not supported by the fake` }]
    ];
  }
}
