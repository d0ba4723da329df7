/**
 * Apex REST dispatch (issue 13, item 4): a runtime API for a local HTTP host. Given an HTTP
 * method, a `/services/apexrest/...` path, headers, body and parameters, it finds the
 * `@RestResource` class by its urlMapping, fills `RestContext.request` and a fresh
 * `RestContext.response`, invokes the annotated static method in its own transaction and returns
 * status code, headers and body. Sources, cited in docs/apex-runtime.md ("Apex REST"):
 *
 * - Apex Developer Guide, "RestResource Annotation"
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_classes_annotation_rest_resource.htm):
 *   the mapping is relative to /services/apexrest/, may contain a wildcard (*), is
 *   case-sensitive; "An exact match always wins. If no exact match is found, find all the
 *   patterns with wildcards that match, and then select the longest (by string length) of those.
 *   If no wildcard match is found, an HTTP response status code 404 is returned."
 * - Apex Developer Guide, "Apex REST Methods"
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_rest_methods.htm):
 *   JSON by default; without method parameters the body is available as a Blob in
 *   RestRequest.requestBody; with parameters "an attempt is made to deserialize the request body
 *   into those parameters"; a non-void return value "is serialized into the response body".
 * - Apex Reference, "RestResponse Class", responseBody
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_restresponse.htm):
 *   a void method answers with responseBody; otherwise the return value is serialized, and
 *   "fields with null value ... are not serialized in the response".
 * - Apex Reference, "RestRequest Class"
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_restrequest.htm):
 *   requestURI is "everything after the host in the HTTP request string"; headers, params,
 *   httpMethod, remoteAddress ("the IP address of the client making the request").
 *
 * Choices where the pages are silent are listed in docs/apex-runtime.md.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { MethodDecl, Pos } from '../ast';
import { ApexThrow, Uncatchable, Unsupported } from '../errors';
import { T_STRING, exceptionToString, type ClassRt } from '../interp';
import type { Runtime } from '../runner';
import { asyncMark, dropQueuedSince } from './tx';
import { ABlob } from '../values';

export const APEX_REST_PREFIX = '/services/apexrest';

export interface RestCall {
  method: string;
  /** `/services/apexrest/...`, optionally with a query string */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | null;
  params?: Record<string, string>;
  remoteAddress?: string;
  /** the running user (a User Id); the runtime's default user otherwise */
  userId?: string;
  /**
   * Hosting (src/host): the host resets the transaction state itself and runs the async Apex and
   * platform events the request leaves behind, so they are kept instead of being reported
   * unsupported.
   */
  hosted?: boolean;
}

export interface RestResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  /** set when the request needs something the runtime does not model (no status is guessed) */
  unsupported?: string;
}

const VERBS: Record<string, string> = {
  GET: 'httpget',
  POST: 'httppost',
  PUT: 'httpput',
  PATCH: 'httppatch',
  DELETE: 'httpdelete'
};

interface Resource {
  cls: ClassRt;
  mapping: string;
}

function unquote(v: unknown): string {
  const s = String(v ?? '').trim();
  return /^'.*'$/.test(s) ? s.slice(1, -1) : s;
}

/** The project's `@RestResource` classes with their urlMapping. */
export function restResources(rtm: Runtime): Resource[] {
  const out: Resource[] = [];
  for (const d of rtm.project.classes) {
    const a = d.mods.annotations.find((x) => x.name === 'restresource');
    if (!a) continue;
    const cls = rtm.ip.classes.get(d.key);
    if (cls) out.push({ cls, mapping: unquote(a.params.urlmapping) });
  }
  return out;
}

function wildcard(mapping: string): RegExp {
  const esc = mapping.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

/**
 * "RestResource Annotation": an exact match wins, else the longest matching wildcard pattern, else
 * none (404). Matching is case-sensitive. A wildcard matches any run of characters, '/' included,
 * and the empty one (choice). Two matching patterns of the same length: unsupported.
 */
export function matchResource(
  resources: Resource[],
  rel: string
): Resource | null | { tie: string[] } {
  const exact = resources.filter((r) => r.mapping === rel);
  if (exact.length === 1) return exact[0];
  if (exact.length > 1) return { tie: exact.map((r) => r.cls.name) };
  const wild = resources
    .filter((r) => r.mapping.includes('*') && wildcard(r.mapping).test(rel))
    .sort((a, b) => b.mapping.length - a.mapping.length);
  if (!wild.length) return null;
  if (wild.length > 1 && wild[1].mapping.length === wild[0].mapping.length)
    return {
      tie: wild.filter((r) => r.mapping.length === wild[0].mapping.length).map((r) => r.cls.name)
    };
  return wild[0];
}

function empty(statusCode: number, unsupported?: string): RestResult {
  return {
    statusCode,
    headers: {},
    body: Buffer.alloc(0),
    ...(unsupported ? { unsupported } : {})
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Serves one Apex REST request as its own (non-test) transaction. */
export function dispatchRest(rtm: Runtime, call: RestCall): RestResult {
  const [rawPath, query] = call.path.split(/\?(.*)/s, 2);
  if (rawPath !== APEX_REST_PREFIX && !rawPath.startsWith(`${APEX_REST_PREFIX}/`))
    throw new Error(`not an Apex REST path: ${call.path}`);
  const rel = rawPath.slice(APEX_REST_PREFIX.length);
  const found = matchResource(restResources(rtm), rel);
  if (found === null) {
    // whether '/x/*' matches '/x' itself is not documented: not guessed
    const near = restResources(rtm).find((r) => r.mapping === `${rel}/*`);
    if (near)
      return empty(
        500,
        `whether the mapping ${near.mapping} of ${near.cls.name} matches ${rel} (not documented)`
      );
    return empty(404);
  }
  if ('tie' in found)
    return empty(500, `two REST resources map ${rel} equally well: ${found.tie.join(', ')}`);
  const verb = call.method.toUpperCase();
  const ann = VERBS[verb];
  if (!ann)
    return empty(500, `the HTTP method ${verb} (only GET, POST, PUT, PATCH, DELETE are modelled)`);
  const cls = found.cls;
  const methods = cls.decl.methods.filter((m) => m.mods.annotations.some((a) => a.name === ann));
  if (methods.length !== 1)
    return empty(
      500,
      methods.length
        ? `${cls.name} has ${methods.length} @${ann} methods`
        : `${verb} on ${cls.name}, which has no @${ann} method (the status is not documented)`
    );
  const m = methods[0];
  // "RestResource Annotation": "your Apex class must be defined as global"
  if (!cls.decl.mods.set.has('global'))
    return empty(500, `${cls.name} is not global, so it does not compile as a REST resource`);
  if (!m.mods.set.has('static'))
    return empty(500, `non-static @${ann} method ${cls.name}.${m.name}`);
  const contentType = Object.entries(call.headers ?? {}).find(
    ([k]) => k.toLowerCase() === 'content-type'
  )?.[1];
  const accept = Object.entries(call.headers ?? {}).find(
    ([k]) => k.toLowerCase() === 'accept'
  )?.[1];
  if (/xml/i.test(contentType ?? '') || /xml/i.test(accept ?? ''))
    return empty(500, 'an XML request or response (only JSON is modelled)');

  const org = rtm.org;
  const lib = rtm.lib;
  const ip = rtm.ip;
  const inTest = org.inTest;
  const saved = rtm.security.running();
  if (call.userId) {
    const row = rtm.db.table('user').get(call.userId);
    if (!row) throw new Error(`no User row ${call.userId}`);
    // the running user's context, as System.runAs sets it (src/platform/security.ts)
    rtm.security.apply(rtm.security.contextOf(call.userId, row, saved));
  }
  if (!call.hosted) rtm.resetTransaction();
  rtm.resetStatics();
  org.inTest = false;
  const before = rtm.db.snapshot();
  const eventMark = lib.platform.bus.mark();
  const queued = asyncMark(lib);
  const at: Pos = { line: m.line, col: m.col } as Pos;
  try {
    const req = lib.restRequest();
    req.d.requesturi = rawPath;
    req.d.resourcepath = `${APEX_REST_PREFIX}${found.mapping}`;
    req.d.httpmethod = verb;
    req.d.remoteaddress = call.remoteAddress ?? '127.0.0.1';
    for (const [k, v] of Object.entries(call.headers ?? {})) ip.mapPut(req.d.headers, k, v);
    if (query)
      for (const part of query.split('&').filter(Boolean)) {
        const i = part.indexOf('=');
        ip.mapPut(
          req.d.params,
          decode(i < 0 ? part : part.slice(0, i)),
          i < 0 ? '' : decode(part.slice(i + 1))
        );
      }
    for (const [k, v] of Object.entries(call.params ?? {})) ip.mapPut(req.d.params, k, v);
    const body =
      call.body === undefined || call.body === null
        ? null
        : Buffer.isBuffer(call.body)
          ? call.body
          : Buffer.from(call.body, 'utf8');
    const args = m.params.length ? parameters(rtm, cls, m, body, at) : [];
    if (!m.params.length) req.d.requestbody = body === null ? null : new ABlob(body);
    org.rest = { request: req, response: lib.restResponse() };
    const ret = ip.invoke(cls, m, null, args, null);
    // async Apex and platform events run after the commit; not modelled after a REST call
    const later =
      org.jobs.filter((j) => !j.done).length +
      org.scheduled.filter((j) => !j.done).length +
      org.batches.filter((j) => !j.done).length +
      lib.platform.bus.pending.length;
    if (later && !call.hosted)
      return empty(
        500,
        `async Apex or platform events after a REST call (${later} pending; its DML is kept)`
      );
    const res = org.rest.response as any;
    const headers: Record<string, string> = {};
    let out = Buffer.alloc(0);
    if (m.ret !== null) {
      headers['Content-Type'] = 'application/json';
      out = Buffer.from(lib.jsonSerialize(ip, ret, true, false, at), 'utf8');
    } else if (res?.d?.responsebody instanceof ABlob) out = res.d.responsebody.b;
    if (res?.d?.headers)
      for (const [, [k, v]] of res.d.headers.m as Map<unknown, [unknown, unknown]>)
        headers[String(k)] = String(v);
    const code = res?.d?.statuscode;
    return { statusCode: typeof code === 'number' ? code : 200, headers, body: out };
  } catch (e) {
    rtm.db.restore(before);
    // a failed request is a rolled-back transaction: nothing it queued or published after
    // commit is left for anyone to run
    lib.platform.bus.discardAfterCommit(eventMark);
    dropQueuedSince(lib, queued);
    if (e instanceof Unsupported) return empty(500, `${e.what} at ${e.where}`);
    if (e instanceof ApexThrow || e instanceof Uncatchable) {
      const ex = e.ex;
      const message = `${exceptionToString(ex)}\n\n${String(ex.host?.stack ?? '')}`;
      return {
        statusCode: 500,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify([{ errorCode: 'APEX_ERROR', message }]), 'utf8')
      };
    }
    throw e;
  } finally {
    org.inTest = inTest;
    rtm.security.apply(saved);
    org.rest = { request: null, response: null };
    ip.frames = [];
  }
}

/** "Apex REST Methods": the JSON body's members, by parameter name, become the arguments. */
function parameters(
  rtm: Runtime,
  cls: ClassRt,
  m: MethodDecl,
  body: Buffer | null,
  at: Pos
): unknown[] {
  const lib = rtm.lib;
  const ip = rtm.ip;
  if (body === null || !body.length) return m.params.map(() => null);
  const node = lib.parse(ip, body.toString('utf8'), at);
  if (node.t !== 'obj')
    throw new Unsupported(
      `a JSON body that is not an object for ${cls.name}.${m.name}`,
      cls.decl.file,
      m.line
    );
  return m.params.map((p) => {
    const entry =
      node.entries.find(([k]) => k === p.id) ??
      node.entries.find(([k]) => k.toLowerCase() === p.key);
    if (!entry) return null;
    const t = ip.resolveType(p.type, cls);
    return t.key === T_STRING.key && entry[1].t === 'str'
      ? entry[1].v
      : lib.typed(ip, entry[1], t, false, at);
  });
}
