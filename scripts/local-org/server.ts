// The local org's HTTP server on 127.0.0.1: the public Site (/services/apexrest/*), the pages and
// their Apex (/local/aura) and streaming (/local/events), the control endpoint that makes calls
// happen in the fake Rinkel (/local/calls), audio the fake's stream URLs point at, and status.
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { FakeRinkel } from '../testing/fake-rinkel';
import { FakeRinkelTelephony } from '../testing/fake-rinkel-telephony';
import { type Language, loadLabels } from '../lwc/harness/labels';
import { TIME_ZONE } from '../lwc/harness/sample-calls';
import { toneWav } from '../lwc/harness/server';
import { type PageBundle, pageBundle } from './bundle';
import { CallRequestError, type WebhookResult, createCall, parseCallRequest } from './calls';
import type { LocalOrg, LocalUser, StartLocalOrg } from './org-types';
import {
  type PageContext,
  type WeborderRow,
  escapeHtml,
  listPage,
  operationsPage,
  weborderPage
} from './pages';
import { customPermissionsOf } from './permissions';

export const PACKAGE_DIRS = ['force-app', 'config/dev-org'];
/** The product's Rinkel number in the local org (incomingCall's `to`, the CDRs' internal number). */
export const LOCAL_RINKEL_NUMBER = { id: '64b8e900cbe7501ee8467d3e', number: '+31850609000' };
const MAX_SITE_BODY = 5 * 1024 * 1024;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_LOCAL_BODY = 1024 * 1024;
const SLDS_ASSETS = path.join('node_modules', '@salesforce-ux', 'design-system', 'assets');
const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
};

export interface LocalServerOptions {
  root: string;
  port: number;
  stateDir: string;
  reset: boolean;
  speed: number;
  startLocalOrg: StartLocalOrg;
  /** One line per async job, event delivery, webhook and failure. */
  log: (line: string) => void;
  /**
   * Where the page bundle and the parsed project are cached: shared by every state dir (both
   * depend on the sources only), so --reset and a temporary state dir start warm.
   */
  cacheDir?: string;
}

export interface LocalServer {
  readonly url: string;
  readonly org: LocalOrg;
  readonly fake: FakeRinkel;
  readonly telephony: FakeRinkelTelephony;
  /** Milliseconds from the call until the Site, the control endpoint and the API answered. */
  readonly readyMs: number;
  /** The pages' bundle: built in the background on a first start, from the cache after. */
  readonly bundle: Promise<PageBundle>;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new HttpError(413, `the request body is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store'
  });
  response.end(JSON.stringify(body));
}

function sendText(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer
): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  // JSON only: a page on another site can post a form or text/plain here without asking, but
  // not application/json (the browser's preflight gets no CORS answer from this server).
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'send the body as Content-Type: application/json');
  }
  const raw = (await readBody(request, MAX_LOCAL_BODY)).toString('utf8');
  try {
    return raw ? (JSON.parse(raw) as unknown) : {};
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function weborderRow(record: Record<string, unknown>): WeborderRow {
  return {
    id: text(record.Id),
    name: text(record.Name),
    customer: text(record.Customer_Name__c),
    phone: text(record.Phone__c),
    e164: text(record.Rinkel_Phone_E164__c),
    status: text(record.Status__c)
  };
}

const WEBORDER_FIELDS = 'Id, Name, Customer_Name__c, Phone__c, Rinkel_Phone_E164__c, Status__c';

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const started = performance.now();
  const { root, log } = options;
  const apiKey = randomBytes(18).toString('base64url');
  const fake = await FakeRinkel.start({ apiKey });
  const telephony = new FakeRinkelTelephony(apiKey);
  fake.telephony = telephony;
  const cacheDir = options.cacheDir ?? path.join(root, 'build', 'local-org');

  // The port first: a port in use fails at once, before the org starts and runs due work.
  const router: { handle?: (request: IncomingMessage, response: ServerResponse) => void } = {};
  const server = http.createServer((request, response) => {
    if (router.handle) {
      router.handle(request, response);
    } else {
      sendJson(response, 503, { error: 'the local org is starting; try again in a few seconds' });
    }
  });
  const closeServer = (): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return stopped;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await fake.close();
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      throw Object.assign(
        new Error(`Port ${options.port} on 127.0.0.1 is in use (another npm start?).`),
        {
          fix: 'Stop the other process, or pass another port: npm start -- --port 8788 (0 picks a free one).'
        }
      );
    }
    throw error;
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let org: LocalOrg;
  try {
    org = await options.startLocalOrg({
      root,
      packageDirs: PACKAGE_DIRS,
      stateDir: options.stateDir,
      reset: options.reset,
      speed: options.speed,
      namedCredentialUrls: { Rinkel_API: fake.baseUrl },
      credentialSecrets: { ApiKey: apiKey },
      cacheDir: path.join(cacheDir, 'apex'),
      log
    });
  } catch (error) {
    await closeServer();
    await fake.close();
    throw error;
  }

  // After the org: on a first start rollup and the Apex parse would share the two cores, and the
  // Site should not wait for the pages (from the cache this takes milliseconds).
  const bundle = pageBundle(root, cacheDir);
  // A failed build is reported when a page asks for it; this keeps the rejection handled.
  bundle.catch(() => undefined);

  const agent = org.users.agent;
  if (agent.rinkelUserId) {
    telephony.users = [
      {
        id: agent.rinkelUserId,
        fullName: agent.name,
        deviceId: 'local-device-1',
        defaultOutboundNumber: LOCAL_RINKEL_NUMBER.id
      }
    ];
    telephony.numbers = [{ ...LOCAL_RINKEL_NUMBER, activeUserIds: [agent.rinkelUserId] }];
    fake.users = [{ id: agent.rinkelUserId, fullName: agent.name }];
  }

  const wav = toneWav(4);
  const labels: Record<Language, Record<string, string>> = {
    en: loadLabels('en', root),
    nl: loadLabels('nl', root)
  };
  const permissionCache = new Map<string, Promise<Record<string, boolean>>>();
  const permissionsOf = (user: LocalUser): Promise<Record<string, boolean>> => {
    let found = permissionCache.get(user.id);
    if (!found) {
      found = customPermissionsOf(org, root, PACKAGE_DIRS, user.id);
      permissionCache.set(user.id, found);
    }
    return found;
  };
  const localUsers = Object.values(org.users);
  const userFor = (as: unknown, fallback: LocalUser): LocalUser => {
    if (as === undefined || as === null || as === '') return fallback;
    if (typeof as !== 'string') throw new HttpError(400, '"as" must be a username or admin/agent');
    const key = as;
    const found =
      (org.users as Record<string, LocalUser | undefined>)[key] ??
      localUsers.find((u) => u.username === key);
    if (!found) {
      throw new HttpError(
        400,
        `"${key}" is no user of the local org; use one of ${localUsers.map((u) => u.username).join(', ')}`
      );
    }
    return found;
  };

  const streams = new Set<ServerResponse>();
  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  };
  // The host logs each delivery; the stream only passes the events on.
  const stopEvents = org.onEvent((message) => broadcast('platform-event', message));
  const stopCommits = org.onCommit((info) => broadcast('commit', info));
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => setTimeout(resolve, ms / options.speed).unref());
  // Every Site request is logged as it is answered; a webhook the fake could not deliver is not.
  const logWebhook = (result: WebhookResult): void => {
    if (result.status !== 200) log(`webhook ${result.event} → ${result.status} ${result.body}`);
  };

  async function pageContext(query: URLSearchParams, fallback: LocalUser): Promise<PageContext> {
    const language: Language = query.get('lang') === 'nl' ? 'nl' : 'en';
    const user = userFor(query.get('as') ?? undefined, fallback);
    return {
      language,
      labels: labels[language],
      permissions: await permissionsOf(user),
      user: { username: user.username, name: user.name },
      timeZone: TIME_ZONE,
      bundleUrl: '/assets/pages.js'
    };
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? '/', 'http://127.0.0.1');
    const { pathname } = target;
    const method = request.method ?? 'GET';

    if (pathname.startsWith('/services/apexrest/')) {
      // The Site takes any Host: it is what a tunnel would forward Rinkel's real webhooks to.
      const body = await readBody(request, MAX_SITE_BODY);
      const answer = await org.rest({
        method,
        path: `${pathname}${target.search}`,
        headers: headersOf(request),
        body,
        remoteAddress: request.socket.remoteAddress
      });
      response.writeHead(answer.status, { ...answer.headers, 'Cache-Control': 'no-store' });
      response.end(answer.body);
      log(`${method} ${pathname} → ${answer.status}`);
      return;
    }
    // Everything else acts as a local user: only for this machine's own names (a DNS-rebinding
    // page would send its own host name).
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (!LOCAL_HOSTS.has(host)) {
      throw new HttpError(421, `this server answers 127.0.0.1 and localhost, not ${host}`);
    }
    if (pathname === '/local/aura') {
      if (method !== 'POST') throw new HttpError(405, 'POST {className, method, params, as?}');
      const input = (await readJson(request)) as Record<string, unknown>;
      const { className, method: apexMethod } = input;
      if (typeof className !== 'string' || typeof apexMethod !== 'string') {
        throw new HttpError(400, '"className" and "method" are required strings');
      }
      const params = input.params ?? {};
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        throw new HttpError(400, '"params" must be an object of the method\'s parameters');
      }
      const user = userFor(input.as, org.users.agent);
      const answer = await org.aura(
        user.username,
        className,
        apexMethod,
        params as Record<string, unknown>
      );
      // The fake hands out https stream URLs, as Rinkel does (the product accepts nothing else);
      // the browser fetches them from this loopback server, which has no trusted certificate.
      if (
        answer.ok &&
        className === 'CallRecordingController' &&
        typeof answer.value === 'string' &&
        answer.value.startsWith(`${fake.audioBaseUrl}/`)
      ) {
        answer.value = `${url}/local/audio/${answer.value.slice(fake.audioBaseUrl.length + 1)}`;
      }
      if (!answer.ok)
        log(
          `aura ${className}.${apexMethod} as ${user.username}: ${answer.error.exceptionType} ${answer.error.message}`
        );
      sendJson(response, 200, answer);
      return;
    }
    if (pathname === '/local/events') {
      response.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive'
      });
      response.write(': connected\n\n');
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    if (pathname === '/local/calls') {
      if (method !== 'POST')
        throw new HttpError(405, 'POST {number, direction?, status?, duration?, …}');
      let call;
      try {
        call = parseCallRequest(await readJson(request), {
          id: agent.rinkelUserId ?? null,
          name: agent.name
        });
      } catch (error) {
        if (error instanceof CallRequestError) throw new HttpError(400, error.message);
        throw error;
      }
      try {
        const result = await createCall(
          {
            fake,
            siteUrl: url,
            webhookSecret: org.secrets.webhookSecret,
            internalNumber: LOCAL_RINKEL_NUMBER,
            audio: wav,
            sleep
          },
          call,
          logWebhook
        );
        result.webhooks.forEach(logWebhook);
        sendJson(response, 201, result);
      } catch (error) {
        if (error instanceof CallRequestError) throw new HttpError(400, error.message);
        throw error;
      }
      return;
    }
    if (pathname === '/local/status') {
      const [status, tasks, events] = await Promise.all([
        org.status(),
        org.query('SELECT Id FROM Task'),
        org.query('SELECT Id FROM Rinkel_Event__c')
      ]);
      sendJson(response, 200, {
        url,
        org: status,
        counts: { Task: tasks.length, Rinkel_Event__c: events.length },
        users: Object.fromEntries(
          Object.entries(org.users).map(([key, user]) => [
            key,
            { username: user.username, name: user.name }
          ])
        ),
        fake: {
          calls: fake.callDetailRecords.length,
          dials: telephony.dials,
          contacts: telephony.contacts.size
        },
        stateDir: options.stateDir
      });
      return;
    }
    const audio = /^\/local\/audio\/(call-recording|voicemail)\/([^/]+)$/.exec(pathname);
    if (audio && method === 'GET') {
      const found = fake.streamAudio(
        audio[1] === 'voicemail' ? 'voicemail' : 'call-recording',
        decodeURIComponent(audio[2] ?? ''),
        target.searchParams.get('token') ?? ''
      );
      if (!found)
        throw new HttpError(404, 'The audio was not found (stream URLs expire after 3 hours)');
      sendText(response, 200, found.contentType, found.body);
      return;
    }
    if (pathname === '/assets/pages.js') {
      const built = await bundle;
      sendText(response, 200, 'text/javascript; charset=utf-8', fs.readFileSync(built.file));
      return;
    }
    if (pathname.startsWith('/slds/')) {
      const base = path.join(root, SLDS_ASSETS);
      const file = path.resolve(base, decodeURIComponent(pathname.slice('/slds/'.length)));
      if (file.startsWith(base + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        response.writeHead(200, {
          'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'max-age=3600'
        });
        response.end(fs.readFileSync(file));
        return;
      }
      throw new HttpError(404, 'not found');
    }
    if (pathname === '/favicon.ico') {
      sendText(response, 204, 'image/x-icon', '');
      return;
    }
    if (method !== 'GET') throw new HttpError(405, 'pages answer GET only');
    if (pathname === '/' || pathname === '/weborders') {
      const rows = (
        await org.query(`SELECT ${WEBORDER_FIELDS} FROM Weborder__c ORDER BY Name`)
      ).map(weborderRow);
      sendText(
        response,
        200,
        'text/html; charset=utf-8',
        listPage(await pageContext(target.searchParams, agent), rows)
      );
      return;
    }
    const weborder = /^\/weborders\/([A-Za-z0-9]{15,18})$/.exec(pathname);
    if (weborder) {
      const [record] = await org.query(
        `SELECT ${WEBORDER_FIELDS} FROM Weborder__c WHERE Id = '${weborder[1] ?? ''}' LIMIT 1`
      );
      const context = await pageContext(target.searchParams, agent);
      if (!record) {
        sendText(
          response,
          404,
          'text/html; charset=utf-8',
          `<!doctype html><p>${escapeHtml(weborder[1])}: not found. <a href="/">Weborders</a></p>`
        );
        return;
      }
      sendText(
        response,
        200,
        'text/html; charset=utf-8',
        weborderPage(context, weborderRow(record))
      );
      return;
    }
    if (pathname === '/operations') {
      sendText(
        response,
        200,
        'text/html; charset=utf-8',
        operationsPage(await pageContext(target.searchParams, org.users.admin))
      );
      return;
    }
    throw new HttpError(404, `no page at ${pathname}`);
  }

  router.handle = (request, response) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (status === 500) log(`✖ ${request.method ?? ''} ${request.url ?? ''}: ${message}`);
      if (response.headersSent) {
        response.end();
        return;
      }
      sendJson(response, status, { error: message });
    });
  };
  const readyMs = performance.now() - started;

  let closing: Promise<void> | undefined;
  return {
    url,
    org,
    fake,
    telephony,
    readyMs,
    bundle,
    close: () => {
      closing ??= (async () => {
        clearInterval(keepAlive);
        stopEvents();
        stopCommits();
        for (const stream of streams) stream.end();
        streams.clear();
        await closeServer();
        await org.close();
        await fake.close();
      })();
      return closing;
    }
  };
}
