/**
 * Apex REST dispatch (src/platform/rest.ts) and callouts outside a test (src/platform/callouts.ts)
 * against the conformance project's @RestResource classes. Each case names its page; choices
 * where the pages are silent are listed in docs/apex-runtime.md ("Apex REST", "Named
 * credentials").
 */
import path from 'node:path';
import { createRuntime, type Runtime } from '../src/runner';
import { dispatchRest, matchResource, restResources, type RestCall } from '../src/platform/rest';

const CONFORMANCE = path.join(__dirname, '..', 'conformance');

jest.setTimeout(120_000);

let rtm: Runtime;
beforeAll(() => {
  rtm = createRuntime(CONFORMANCE, []);
});

function call(c: RestCall): {
  status: number;
  json: unknown;
  text: string;
  r: ReturnType<typeof dispatchRest>;
} {
  const r = dispatchRest(rtm, c);
  const text = r.body.toString('utf8');
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, json, text, r };
}

describe('URL mapping ("RestResource Annotation")', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_classes_annotation_rest_resource.htm
  test('the project resources and their mappings are found', () => {
    const maps = restResources(rtm)
      .map((r) => `${r.cls.name} ${r.mapping}`)
      .sort();
    expect(maps).toEqual([
      'ConfRestCallout /conf/callout',
      'ConfRestItems /conf/items/*',
      'ConfRestParts /conf/items/*/parts/*',
      'ConfRestSpecial /conf/items/special',
      'ConfRestUpper /Conf/Upper'
    ]);
  });

  test('an exact match always wins', () => {
    expect(call({ method: 'GET', path: '/services/apexrest/conf/items/special' }).json).toBe(
      'special'
    );
  });

  test('else the longest matching wildcard pattern wins', () => {
    const r = call({ method: 'GET', path: '/services/apexrest/conf/items/1/parts/2' });
    expect(r.json).toEqual(['parts', '/services/apexrest/conf/items/*/parts/*']);
    const res = restResources(rtm);
    expect((matchResource(res, '/conf/items/9') as { mapping: string }).mapping).toBe(
      '/conf/items/*'
    );
  });

  test('the mapping is case-sensitive: no match is a 404', () => {
    expect(call({ method: 'GET', path: '/services/apexrest/Conf/Upper' }).json).toBe('upper');
    expect(call({ method: 'GET', path: '/services/apexrest/conf/upper' }).status).toBe(404);
    expect(call({ method: 'GET', path: '/services/apexrest/CONF/items/1' }).status).toBe(404);
  });

  test('no wildcard match is a 404', () => {
    const r = call({ method: 'GET', path: '/services/apexrest/nothing/here' });
    expect(r.status).toBe(404);
    expect(r.r.unsupported).toBeUndefined();
  });

  test('whether /x/* matches /x is not documented: unsupported', () => {
    const r = call({ method: 'GET', path: '/services/apexrest/conf/items' });
    expect(r.r.unsupported).toContain('/conf/items/* of ConfRestItems matches /conf/items');
  });

  test('a path that is not under /services/apexrest is a caller error', () => {
    expect(() => dispatchRest(rtm, { method: 'GET', path: '/services/data/v62.0' })).toThrow(
      'not an Apex REST path'
    );
  });
});

describe('methods ("Apex REST Methods", "RestRequest Class", "RestResponse Class")', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_rest_methods.htm
  // https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_restrequest.htm
  // https://developer.salesforce.com/docs/atlas.en-us.apexref.meta/apexref/apex_methods_system_restresponse.htm
  test('GET: requestURI and params filled; the return value serialized without null fields', () => {
    const r = call({
      method: 'GET',
      path: '/services/apexrest/conf/items/42?name=Big%20Widget'
    });
    expect(r.status).toBe(200);
    expect(r.r.headers['Content-Type']).toBe('application/json');
    expect(r.json).toEqual({ id: '42', name: 'Big Widget' });
    expect(r.text).not.toContain('note');
  });

  test('params given separately reach RestRequest.params', () => {
    const r = call({
      method: 'GET',
      path: '/services/apexrest/conf/items/5',
      params: { name: 'P' }
    });
    expect(r.json).toEqual({ id: '5', name: 'P' });
  });

  test('POST: the JSON body is deserialized into the method parameters', () => {
    const r = call({
      method: 'POST',
      path: '/services/apexrest/conf/items/',
      headers: { 'Content-Type': 'application/json' },
      body: '{"name":"Bolt","qty":3}'
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: 'new', name: 'Bolt', qty: 3 });
  });

  test('PUT: a void method answers with responseBody, its status code and headers', () => {
    const r = call({ method: 'PUT', path: '/services/apexrest/conf/items/1', body: 'abc' });
    expect(r.status).toBe(202);
    expect(r.r.headers['X-Conf']).toBe('put');
    expect(r.text).toBe('put:abc');
  });

  test('PATCH: headers and httpMethod filled; a String return value is serialized as JSON', () => {
    const r = call({
      method: 'PATCH',
      path: '/services/apexrest/conf/items/1',
      headers: { 'X-Conf': 'yes' }
    });
    expect(r.text).toBe('"patched yes by PATCH"');
  });

  test('DELETE: the status code the method sets', () => {
    const r = call({ method: 'DELETE', path: '/services/apexrest/conf/items/1' });
    expect(r.status).toBe(204);
    expect(r.text).toBe('');
  });

  test('an uncaught exception is a 500 and its DML is rolled back (choice: body format)', () => {
    const before = rtm.db.table('account').size;
    const r = call({ method: 'POST', path: '/services/apexrest/conf/items/1/parts/2' });
    expect(r.status).toBe(500);
    expect(r.json).toEqual([
      {
        errorCode: 'APEX_ERROR',
        message: expect.stringContaining('System.MathException: Divide by 0') as unknown
      }
    ]);
    expect(rtm.db.table('account').size).toBe(before);
  });

  test('a verb without an annotated method is unsupported, not a guessed status', () => {
    const r = call({ method: 'POST', path: '/services/apexrest/conf/items/special' });
    expect(r.r.unsupported).toContain('no @httppost method');
  });

  test('async Apex queued by a REST method is unsupported (it runs after the commit)', () => {
    const r = call({ method: 'POST', path: '/services/apexrest/Conf/Upper' });
    expect(r.r.unsupported).toContain('async Apex or platform events after a REST call');
  });

  test('XML is unsupported', () => {
    const r = call({
      method: 'GET',
      path: '/services/apexrest/conf/items/1',
      headers: { Accept: 'application/xml' }
    });
    expect(r.r.unsupported).toContain('XML');
  });
});

describe('callouts outside a test (src/platform/callouts.ts)', () => {
  const get = (to: string, userId?: string) =>
    call({
      method: 'GET',
      path: `/services/apexrest/conf/callout?to=${encodeURIComponent(to)}`,
      userId
    });

  function userWith(permissionSet: string | null): string {
    const db = rtm.db;
    const profile = [...db.table('profile').entries()].find(
      ([, r]) => r.get('name') === 'Standard User'
    )![0];
    const id = db.seed('User', {
      Username: `rest-${permissionSet ?? 'none'}@conf.example.com`,
      LastName: 'Rest',
      Alias: 'rest',
      ProfileId: profile,
      IsActive: true,
      UserType: 'Standard',
      TimeZoneSidKey: 'Europe/Amsterdam',
      LocaleSidKey: 'nl_NL',
      LanguageLocaleKey: 'nl_NL',
      EmailEncodingKey: 'UTF-8'
    });
    if (permissionSet) {
      const ps = [...db.table('permissionset').entries()].find(
        ([, r]) => r.get('name') === permissionSet
      )![0];
      db.seed('PermissionSetAssignment', { AssigneeId: id, PermissionSetId: ps });
    }
    return id;
  }

  test('an unknown named credential fails with CalloutException', () => {
    const r = get('callout:Conf_Missing/x');
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.json)).toContain(
      'System.CalloutException: The callout couldn\'t access the endpoint. You might not have the required permissions, or the named credential \\"Conf_Missing\\" might not exist.'
    );
  });

  test('the call runs as the given user, else as the default user', () => {
    const id = userWith(null);
    const as = (userId?: string) =>
      call({ method: 'PUT', path: '/services/apexrest/conf/items/special', userId }).json;
    expect(as(id)).toBe('rest-none@conf.example.com');
    expect(as()).toBe('admin@example.com');
  });

  test('a user without the principal fails with CalloutException', () => {
    const r = get('callout:Conf_API/x', userWith(null));
    expect(JSON.stringify(r.json)).toContain(
      "System.CalloutException: We couldn't access the credential(s)."
    );
  });

  test('with the principal the callout would go out: unsupported (no network)', () => {
    const r = get('callout:Conf_API/x', userWith('Conf_Callout'));
    expect(r.r.unsupported).toContain('a real HTTP callout');
  });
});
