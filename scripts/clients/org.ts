// The one place that talks to a Salesforce org.
//
// Everything the CLI does well (auth, scratch orgs, deploys, tree imports) runs through the `sf`
// CLI with `--json`. Data and Connect REST calls use the org's REST API with the session that
// `sf org display` hands out, so secrets (the Rinkel API key) travel in a request body and never
// on a command line where `ps` could show them.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseJsonOrText } from './http-body';
import { queryAllRecords, salesforceErrorMessage } from './salesforce-rest';
import { isRecord, str } from '../core/json';

export const SF_QUIET_ENV: Readonly<Record<string, string>> = {
  SF_DISABLE_TELEMETRY: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true'
};

export const DEFAULT_API_VERSION = '68.0';

/** `sf` could not be started at all. */
export class SfNotFoundError extends Error {
  override readonly name = 'SfNotFoundError';
}

/** `sf` ran and reported a failure (non-zero status in its JSON, or no JSON at all). */
export class SfCommandError extends Error {
  override readonly name = 'SfCommandError';
  constructor(
    readonly command: string,
    readonly exitCode: number,
    /** sf's error name, e.g. NoDefaultDevHubError, NamedOrgNotFoundError, DeployFailed */
    readonly sfName: string | undefined,
    message: string,
    /** `result` (or `data`) of the failed command, when sf gave one: deploy failures list components. */
    readonly result: unknown
  ) {
    super(message);
  }
}

/** A REST call to the org failed. */
export class OrgApiError extends Error {
  override readonly name = 'OrgApiError';
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    message: string
  ) {
    super(message);
  }
}

export interface SfCliOptions {
  projectRoot: string;
  env?: NodeJS.ProcessEnv;
  /** Per command; scratch org creation and deploys can take long. */
  timeoutMs?: number;
}

/** Finds the JSON object in sf's output (older plugins print warnings before it). */
export function parseSfJson(output: string): Record<string, unknown> | undefined {
  const start = output.indexOf('{');
  if (start < 0) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(output.slice(start));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export class SfCli {
  private readonly projectRoot: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  /** Every argv run, for diagnostics and tests. */
  readonly history: string[][] = [];

  constructor(options: SfCliOptions) {
    this.projectRoot = options.projectRoot;
    this.env = options.env ?? process.env;
    this.timeoutMs = options.timeoutMs ?? 45 * 60_000;
  }

  /** Runs `sf <args> --json` and resolves with its `result`. */
  async run(args: string[], options: { cwd?: string } = {}): Promise<unknown> {
    const argv = [...args, '--json'];
    this.history.push(argv);
    const command = `sf ${args.join(' ')}`;
    const localBin = join(this.projectRoot, 'node_modules', '.bin');
    const env: NodeJS.ProcessEnv = {
      ...this.env,
      ...SF_QUIET_ENV,
      PATH: [localBin, this.env.PATH ?? ''].filter(Boolean).join(delimiter)
    };
    const { code, stdout, stderr } = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>((resolve, reject) => {
      const child = spawn('sf', argv, {
        cwd: options.cwd ?? this.projectRoot,
        env,
        shell: process.platform === 'win32',
        stdio: ['ignore', 'pipe', 'pipe']
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const timer = setTimeout(() => child.kill('SIGTERM'), this.timeoutMs);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (error.code === 'ENOENT') {
          reject(
            new SfNotFoundError(
              'The Salesforce CLI (sf) was not found in node_modules/.bin or on PATH.'
            )
          );
        } else {
          reject(error);
        }
      });
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode ?? 1, stdout: out, stderr: err });
      });
    });

    const json = parseSfJson(stdout) ?? parseSfJson(stderr);
    if (!json) {
      const text = (stderr || stdout).trim().split('\n').slice(0, 5).join(' ');
      throw new SfCommandError(command, code, undefined, text || `exited with ${code}`, undefined);
    }
    const status = typeof json.status === 'number' ? json.status : code;
    if (status !== 0 || code !== 0) {
      // sf wraps flag errors as "Parsing --target-org\n\t<reason>\nSee more help with --help".
      const message = (str(json.message) ?? `exited with ${code}`)
        .replace(/^Parsing --[\w-]+\s*/, '')
        .replace(/\s*See more help with --help\.?\s*$/, '');
      throw new SfCommandError(
        command,
        code,
        str(json.name) ?? str(json.code),
        message.replace(/\s+/g, ' ').trim(),
        json.result ?? json.data
      );
    }
    return json.result;
  }
}

// ---------------------------------------------------------------------------------------------
// Dev Hub and scratch orgs

/** The default Dev Hub (`target-dev-hub` config), or undefined when none is set. */
export async function getDefaultDevHub(sf: SfCli): Promise<string | undefined> {
  const result = await sf.run(['config', 'get', 'target-dev-hub']);
  if (Array.isArray(result)) {
    for (const entry of result) {
      if (isRecord(entry) && str(entry.value)) {
        return str(entry.value);
      }
    }
  }
  return undefined;
}

export interface ScratchOrgRequest {
  definitionFile: string;
  alias: string;
  durationDays: number;
  devHub: string;
  waitMinutes?: number;
}

export async function createScratchOrg(sf: SfCli, request: ScratchOrgRequest): Promise<string> {
  const result = await sf.run([
    'org',
    'create',
    'scratch',
    '--definition-file',
    request.definitionFile,
    '--alias',
    request.alias,
    '--duration-days',
    String(request.durationDays),
    '--target-dev-hub',
    request.devHub,
    '--wait',
    String(request.waitMinutes ?? 20)
  ]);
  return (isRecord(result) && str(result.username)) || request.alias;
}

// ---------------------------------------------------------------------------------------------
// One org

export interface OrgInfo {
  /** 18-character org id */
  id: string;
  username: string;
  alias?: string;
  instanceUrl: string;
  apiVersion: string;
  isScratch: boolean;
  expirationDate?: string;
}

export interface DeployedComponent {
  type: string;
  fullName: string;
  state: string;
}

export interface DeploySummary {
  components: DeployedComponent[];
  /** Components the org reports as created or changed. */
  changedCount: number;
}

export interface QueryRecord {
  [field: string]: unknown;
}

/** Quotes a value for a SOQL string literal. */
export function soqlQuote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function parseOrgDisplay(
  result: unknown,
  targetOrg: string
): { info: OrgInfo; accessToken: string } {
  if (!isRecord(result)) {
    throw new SfCommandError(
      `sf org display --target-org ${targetOrg}`,
      1,
      undefined,
      'no result',
      result
    );
  }
  const id = str(result.id);
  const instanceUrl = str(result.instanceUrl);
  const accessToken = str(result.accessToken);
  const username = str(result.username);
  if (!id || !instanceUrl || !accessToken || !username) {
    throw new SfCommandError(
      `sf org display --target-org ${targetOrg}`,
      1,
      'IncompleteOrgInfo',
      `sf did not return a session for ${targetOrg} (connected status: ${str(result.connectedStatus) ?? 'unknown'}).`,
      undefined
    );
  }
  const orgApi = str(result.apiVersion);
  const apiVersion =
    orgApi && Number(orgApi) < Number(DEFAULT_API_VERSION) ? orgApi : DEFAULT_API_VERSION;
  return {
    accessToken,
    info: {
      id,
      username,
      alias: str(result.alias),
      instanceUrl: instanceUrl.replace(/\/+$/, ''),
      apiVersion,
      isScratch: Boolean(str(result.devHubId) || str(result.expirationDate)),
      expirationDate: str(result.expirationDate)
    }
  };
}

export class Org {
  private constructor(
    private readonly sf: SfCli,
    readonly targetOrg: string,
    private session: { info: OrgInfo; accessToken: string }
  ) {}

  /** Resolves the org through `sf org display`; fails with SfCommandError when not logged in. */
  static async open(sf: SfCli, targetOrg: string): Promise<Org> {
    const result = await sf.run(['org', 'display', '--target-org', targetOrg]);
    return new Org(sf, targetOrg, parseOrgDisplay(result, targetOrg));
  }

  get info(): OrgInfo {
    return this.session.info;
  }

  /** The session id; callers register it with the logger so it is masked. */
  get accessToken(): string {
    return this.session.accessToken;
  }

  private async refreshSession(): Promise<void> {
    const result = await this.sf.run(['org', 'display', '--target-org', this.targetOrg]);
    this.session = parseOrgDisplay(result, this.targetOrg);
  }

  /** A call to `/services/data/vXX.X<path>`; resolves with status and parsed body on 2xx. */
  async rest(
    method: string,
    path: string,
    body?: unknown
  ): Promise<{ status: number; body: unknown }> {
    for (let attempt = 0; ; attempt++) {
      const url = `${this.info.instanceUrl}/services/data/v${this.info.apiVersion}${path}`;
      const response = await fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.session.accessToken}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(120_000)
      });
      const parsed = parseJsonOrText(await response.text());
      if (response.ok) {
        return { status: response.status, body: parsed };
      }
      if (response.status === 401 && attempt === 0) {
        // Sessions expire; sf refreshes them on display.
        await this.refreshSession();
        continue;
      }
      const { code, message } = salesforceErrorMessage(parsed);
      throw new OrgApiError(
        response.status,
        code,
        `${method} ${path.split('?')[0]} failed (${response.status}${code ? ` ${code}` : ''}): ${message ?? 'no details'}`
      );
    }
  }

  async query(soql: string, options: { tooling?: boolean } = {}): Promise<QueryRecord[]> {
    return queryAllRecords(
      async (path) => (await this.rest('GET', path)).body,
      soql,
      options.tooling ? '/tooling/query' : '/query'
    );
  }

  async create(sobject: string, fields: Record<string, unknown>): Promise<string> {
    const { body } = await this.rest('POST', `/sobjects/${sobject}`, fields);
    const id = isRecord(body) ? str(body.id) : undefined;
    if (!id) {
      throw new OrgApiError(0, undefined, `Creating ${sobject} returned no id.`);
    }
    return id;
  }

  async update(sobject: string, id: string, fields: Record<string, unknown>): Promise<void> {
    await this.rest('PATCH', `/sobjects/${sobject}/${id}`, fields);
  }

  /**
   * Runs anonymous Apex through the Tooling API; throws OrgApiError when it does not compile or
   * throws, so the caller's step reports the Apex error as its cause.
   */
  async executeAnonymous(apex: string): Promise<void> {
    const { body } = await this.rest(
      'GET',
      `/tooling/executeAnonymous/?anonymousBody=${encodeURIComponent(apex)}`
    );
    const result = isRecord(body) ? body : {};
    if (result.compiled !== true) {
      throw new OrgApiError(
        0,
        'APEX_COMPILE_ERROR',
        `Anonymous Apex did not compile (line ${typeof result.line === 'number' ? result.line : '?'}): ${str(result.compileProblem) ?? 'no details'}`
      );
    }
    if (result.success !== true) {
      throw new OrgApiError(
        0,
        'APEX_EXCEPTION',
        `Anonymous Apex failed: ${str(result.exceptionMessage) ?? 'no details'}`
      );
    }
  }

  /** The Id of the user behind this session. */
  async currentUserId(): Promise<string> {
    const records = await this.query(
      `SELECT Id FROM User WHERE Username = ${soqlQuote(this.info.username)} LIMIT 1`
    );
    const id = str(records[0]?.Id);
    if (!id) {
      throw new OrgApiError(0, undefined, `User ${this.info.username} was not found in the org.`);
    }
    return id;
  }

  /** `sf project deploy start --source-dir …` from the given project folder. */
  async deploy(
    sourceDirs: string[],
    options: { cwd?: string; ignoreConflicts?: boolean; waitMinutes?: number } = {}
  ): Promise<DeploySummary> {
    const args = ['project', 'deploy', 'start', '--target-org', this.targetOrg];
    for (const dir of sourceDirs) {
      args.push('--source-dir', dir);
    }
    args.push('--wait', String(options.waitMinutes ?? 30));
    if (options.ignoreConflicts) {
      args.push('--ignore-conflicts');
    }
    try {
      return summarizeDeploy(await this.sf.run(args, { cwd: options.cwd }));
    } catch (error) {
      if (error instanceof SfCommandError) {
        const failures = deployFailures(error.result);
        if (failures.length > 0) {
          throw new SfCommandError(
            error.command,
            error.exitCode,
            error.sfName,
            `${error.message} Component failures: ${failures.slice(0, 10).join('; ')}${failures.length > 10 ? ` (+${failures.length - 10} more)` : ''}`,
            error.result
          );
        }
      }
      throw error;
    }
  }

  /**
   * Deploys metadata generated at run time (files relative to the package directory, e.g.
   * `sites/X.site-meta.xml`) from a throw-away project folder, so nothing org-specific is ever
   * written into the repository.
   */
  async deployGenerated(files: Record<string, string>): Promise<DeploySummary> {
    const dir = mkdtempSync(join(tmpdir(), 'rinkel-deploy-'));
    try {
      writeFileSync(
        join(dir, 'sfdx-project.json'),
        JSON.stringify({
          packageDirectories: [{ path: 'force-app', default: true }],
          sourceApiVersion: DEFAULT_API_VERSION
        })
      );
      for (const [relative, content] of Object.entries(files)) {
        const target = join(dir, 'force-app', 'generated', relative);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      return await this.deploy(['force-app'], { cwd: dir, ignoreConflicts: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** `sf data import tree --plan <file>`; resolves with the number of records created. */
  async importTree(planFile: string, options: { cwd?: string } = {}): Promise<number> {
    const result = await this.sf.run(
      ['data', 'import', 'tree', '--plan', planFile, '--target-org', this.targetOrg],
      options
    );
    return Array.isArray(result) ? result.length : 0;
  }
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) {
    return value;
  }
  return value === undefined || value === null ? [] : [value];
}

export function summarizeDeploy(result: unknown): DeploySummary {
  const files = isRecord(result) ? asArray(result.files) : [];
  const seen = new Set<string>();
  const components: DeployedComponent[] = [];
  for (const file of files) {
    if (!isRecord(file)) {
      continue;
    }
    const type = str(file.type) ?? '';
    const fullName = str(file.fullName) ?? '';
    const key = `${type}:${fullName}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);
    components.push({ type, fullName, state: str(file.state) ?? '' });
  }
  const changedCount = components.filter(
    (c) => c.state === 'Created' || c.state === 'Changed'
  ).length;
  return { components, changedCount };
}

/** "Type Name: problem" for every failed component in a deploy result. */
export function deployFailures(result: unknown): string[] {
  if (!isRecord(result)) {
    return [];
  }
  const failures: string[] = [];
  const details = isRecord(result.details) ? result.details : undefined;
  for (const failure of asArray(details?.componentFailures)) {
    if (isRecord(failure)) {
      failures.push(
        `${str(failure.componentType) ?? ''} ${str(failure.fullName) ?? ''}: ${str(failure.problem) ?? 'failed'}`.trim()
      );
    }
  }
  if (failures.length === 0) {
    for (const file of asArray(result.files)) {
      if (isRecord(file) && file.state === 'Failed') {
        failures.push(
          `${str(file.type) ?? ''} ${str(file.fullName) ?? ''}: ${str(file.error) ?? str(file.problem) ?? 'failed'}`.trim()
        );
      }
    }
  }
  return failures;
}

/** Inserts the permission set assignments that are missing; returns "<permset> → <user>" for each. */
export async function ensurePermissionSetAssignments(
  org: Org,
  wanted: { userId: string; label: string; permset: string }[],
  permsetIds: Map<string, string>
): Promise<string[]> {
  if (wanted.length === 0) {
    return [];
  }
  const userIds = [...new Set(wanted.map((w) => w.userId))];
  const ids = [...new Set(wanted.map((w) => permsetIds.get(w.permset) ?? ''))].filter(Boolean);
  const existing = await org.query(
    `SELECT AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId IN (${userIds
      .map(soqlQuote)
      .join(', ')}) AND PermissionSetId IN (${ids.map(soqlQuote).join(', ')})`
  );
  const have = new Set(
    existing.map(
      (e) => `${str(e.AssigneeId)?.slice(0, 15)}:${str(e.PermissionSetId)?.slice(0, 15)}`
    )
  );
  const created: string[] = [];
  for (const w of wanted) {
    const permsetId = permsetIds.get(w.permset) ?? '';
    if (have.has(`${w.userId.slice(0, 15)}:${permsetId.slice(0, 15)}`)) {
      continue;
    }
    // One insert per missing assignment: a handful at most, and each failure names its permission set.
    await org.create('PermissionSetAssignment', {
      AssigneeId: w.userId,
      PermissionSetId: permsetId
    });
    created.push(`${w.permset} → ${w.label}`);
  }
  return created;
}
