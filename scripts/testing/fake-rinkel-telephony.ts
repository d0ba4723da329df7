// A fake of the Rinkel endpoints telephony calls, on 127.0.0.1, built from
// ../shared/reference/rinkel-api.md: GET /users/{id} (the user object with its device id [3P] and
// preferences.defaultOutboundNumber [DOC]), POST /dial {deviceId, to, numberId, anonymous} → 204
// [3P §4.3], GET /numbers with activeUserIds and page/perPage pagination [DOC §4.2], and contacts
// (POST /contacts, PUT/DELETE /contacts/{id}, GET /contacts/find-by-number/{number}) [3P §4.3].
// Header auth `x-rinkel-api-key`, `{data}` envelopes and the `{errors:[…]}` format as documented.
// Strict where Rinkel is silent [INF]: a dial to a number that is not E.164 is a 400, a dial
// with a device the user does not have is a 404, and 429 can be scripted (no limits are known).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TelephonyRequest {
  method: string;
  path: string;
  apiKey?: string;
  body: unknown;
}

export interface FakeUser {
  id: string;
  fullName: string;
  deviceId?: string;
  defaultOutboundNumber?: string;
}

export interface FakeNumber {
  id: string;
  number: string;
  activeUserIds: string[];
}

export interface FakeContact {
  id: string;
  firstName?: string;
  lastName?: string;
  companyName?: string;
  numbers?: { label?: string; e164?: string }[];
}

const E164 = /^\+[1-9]\d{6,14}$/;

function errors(code: string, message: string): unknown {
  return { errors: [{ code, message, detail: 'View more info at developers.rinkel.com' }] };
}

export class FakeRinkelTelephony {
  readonly requests: TelephonyRequest[] = [];
  readonly dials: { deviceId: string; to: string; numberId?: string }[] = [];
  users: FakeUser[] = [];
  numbers: FakeNumber[] = [];
  readonly contacts = new Map<string, FakeContact>();
  /** The next N requests answer 429 (Rinkel documents no limit; clients must cope). */
  rateLimitNext = 0;
  private server: Server | null = null;
  private nextContact = 1;

  constructor(readonly apiKey = 'test-key') {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve()
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const apiKey = req.headers['x-rinkel-api-key'] as string | undefined;
    const { status, payload } = this.respond(req.method ?? 'GET', url, apiKey, body);
    res.writeHead(status, payload === undefined ? {} : { 'Content-Type': 'application/json' });
    res.end(payload === undefined ? '' : JSON.stringify(payload));
  }

  /** Whether `path` (without /v1) is one of the telephony endpoints this fake answers. */
  static handles(method: string, path: string): boolean {
    return (
      (method === 'GET' && /^\/users\/[^/]+$/.test(path)) ||
      (method === 'POST' && path === '/dial') ||
      (method === 'GET' && path === '/numbers') ||
      path === '/contacts' ||
      path.startsWith('/contacts/')
    );
  }

  /**
   * One request, already read: the answer as status and JSON payload. Public so the local org's
   * fake Rinkel (one server, one Named Credential URL) can serve these endpoints beside its own.
   */
  respond(
    method: string,
    url: URL,
    apiKey: string | undefined,
    body: unknown
  ): { status: number; payload?: unknown } {
    const path = url.pathname.replace(/^\/v1/, '');
    this.requests.push({ method, path, apiKey, body });
    let answer: { status: number; payload?: unknown } = { status: 500 };
    const send = (status: number, payload?: unknown): void => {
      answer = { status, payload };
    };
    this.route(method, path, url, apiKey, body, send);
    return answer;
  }

  private route(
    method: string,
    path: string,
    url: URL,
    apiKey: string | undefined,
    body: unknown,
    send: (status: number, payload?: unknown) => void
  ): void {
    if (apiKey !== this.apiKey) return send(401, errors('UNAUTHORIZED', 'Unauthorized'));
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return send(429, errors('TOO_MANY_REQUESTS', 'Too many requests'));
    }
    const user = /^\/users\/([^/]+)$/.exec(path);
    if (method === 'GET' && user) {
      const found = this.users.find((u) => u.id === decodeURIComponent(user[1] ?? ''));
      if (!found) return send(404, errors('NOT_FOUND', 'User not found'));
      return send(200, {
        data: {
          id: found.id,
          fullName: found.fullName,
          deviceId: found.deviceId,
          preferences: { language: 'nl', defaultOutboundNumber: found.defaultOutboundNumber }
        }
      });
    }
    if (method === 'POST' && path === '/dial') return this.dial(body, send);
    if (method === 'GET' && path === '/numbers') {
      const page = Math.max(1, Number(url.searchParams.get('page') ?? '1') || 1);
      const perPage = Math.min(
        50,
        Math.max(1, Number(url.searchParams.get('perPage') ?? '10') || 10)
      );
      const totalPages = Math.max(1, Math.ceil(this.numbers.length / perPage));
      return send(200, {
        data: this.numbers.slice((page - 1) * perPage, page * perPage).map((n) => ({
          ...n,
          status: 'ACTIVE',
          insights: { enabled: false }
        })),
        meta: {
          pagination: { totalItems: this.numbers.length, totalPages, currentPage: page, perPage }
        }
      });
    }
    if (method === 'POST' && path === '/contacts') {
      const id = `contact${this.nextContact++}`;
      this.contacts.set(id, { ...(body as object), id });
      return send(201, { data: this.contacts.get(id) });
    }
    const byNumber = /^\/contacts\/find-by-number\/([^/]+)$/.exec(path);
    if (method === 'GET' && byNumber) {
      const wanted = decodeURIComponent(byNumber[1] ?? '');
      const found = [...this.contacts.values()].find((c) =>
        c.numbers?.some((n) => n.e164 === wanted)
      );
      return found ? send(200, { data: found }) : send(404, errors('NOT_FOUND', 'No contact'));
    }
    const contact = /^\/contacts\/([^/]+)$/.exec(path);
    if (contact) {
      const id = decodeURIComponent(contact[1] ?? '');
      if (!this.contacts.has(id)) return send(404, errors('NOT_FOUND', 'Contact not found'));
      if (method === 'PUT') {
        this.contacts.set(id, { ...(body as object), id });
        return send(200, { data: this.contacts.get(id) });
      }
      if (method === 'DELETE') {
        this.contacts.delete(id);
        return send(204);
      }
    }
    return send(404, errors('NOT_FOUND', 'Not found'));
  }

  private dial(body: unknown, send: (status: number, payload?: unknown) => void): void {
    const request = (body ?? {}) as Record<string, unknown>;
    const to = typeof request.to === 'string' ? request.to : '';
    const deviceId = typeof request.deviceId === 'string' ? request.deviceId : '';
    if (!E164.test(to) || !deviceId) {
      return send(400, errors('INVALID_REQUEST', 'Invalid request body'));
    }
    if (!this.users.some((u) => u.deviceId === deviceId)) {
      return send(404, errors('NOT_FOUND', 'Device not found'));
    }
    this.dials.push({
      deviceId,
      to,
      numberId: typeof request.numberId === 'string' ? request.numberId : undefined
    });
    send(204);
  }
}
