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
    const path = url.pathname.replace(/^\/v1/, '');
    const apiKey = req.headers['x-rinkel-api-key'] as string | undefined;
    this.requests.push({ method: req.method ?? 'GET', path, apiKey, body });
    const send = (status: number, payload?: unknown) => {
      res.writeHead(status, payload === undefined ? {} : { 'Content-Type': 'application/json' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (apiKey !== this.apiKey) return send(401, errors('UNAUTHORIZED', 'Unauthorized'));
    if (this.rateLimitNext > 0) {
      this.rateLimitNext--;
      return send(429, errors('TOO_MANY_REQUESTS', 'Too many requests'));
    }
    const user = /^\/users\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && user) {
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
    if (req.method === 'POST' && path === '/dial') return this.dial(body, send);
    if (req.method === 'GET' && path === '/numbers') {
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
    if (req.method === 'POST' && path === '/contacts') {
      const id = `contact${this.nextContact++}`;
      this.contacts.set(id, { ...(body as object), id });
      return send(201, { data: this.contacts.get(id) });
    }
    const contact = /^\/contacts\/([^/]+)$/.exec(path);
    if (contact) {
      const id = decodeURIComponent(contact[1] ?? '');
      if (!this.contacts.has(id)) return send(404, errors('NOT_FOUND', 'Contact not found'));
      if (req.method === 'PUT') {
        this.contacts.set(id, { ...(body as object), id });
        return send(200, { data: this.contacts.get(id) });
      }
      if (req.method === 'DELETE') {
        this.contacts.delete(id);
        return send(204);
      }
    }
    const byNumber = /^\/contacts\/find-by-number\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && byNumber) {
      const wanted = decodeURIComponent(byNumber[1] ?? '');
      const found = [...this.contacts.values()].find((c) =>
        c.numbers?.some((n) => n.e164 === wanted)
      );
      return found ? send(200, { data: found }) : send(404, errors('NOT_FOUND', 'No contact'));
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
