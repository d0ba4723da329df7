/**
 * Callouts to `callout:` endpoints resolved against the project's Named Credentials and External
 * Credentials (issue 13, item 3). Sources, cited in docs/apex-runtime.md ("Named credentials"):
 *
 * - Apex Developer Guide, "Named Credentials as Callout Endpoints"
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_callouts_named_credentials.htm):
 *   "A named credential URL contains the scheme callout:, the name of the named credential, and an
 *   optional path", and a query string follows a "?".
 * - Salesforce Help, "Enable External Credential Principals"
 *   (https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.nc_enable_ext_cred_principal.htm):
 *   "Principals link an external credential to permission sets or user profiles so that users can
 *   make callouts using the named credential. At run time, Salesforce ensures that the user has the
 *   permission set before accessing the remote system."
 * - Salesforce Help, "Troubleshooting for Named Credentials"
 *   (https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.nc_troubleshoot.htm): callouts need
 *   access to the principal; without it "callouts can fail" (no message is given).
 * - Apex Developer Guide, "Testing HTTP Callouts by Implementing the HttpCalloutMock Interface"
 *   (https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_classes_restful_http_testing_httpcalloutmock.htm):
 *   with a mock set, "the callout is not made and you receive the mock response". The remote
 *   system is not accessed, so the named credential is not resolved: the mock's respond receives
 *   the HttpRequest as the code built it, endpoint `callout:Name/path` as written.
 *
 * The two failure messages are not in the documentation (choices, see docs/apex-runtime.md).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Pos } from '../ast';
import type { Interp } from '../interp';
import type { HostObj, Library } from '../stdlib';

export interface NamedCredentialMeta {
  name: string;
  url: string | null;
  /** the External Credential a secured-endpoint named credential authenticates with */
  externalCredential: string | null;
  /** a legacy named credential (endpoint and authentication in one definition) */
  legacy: boolean;
  enabled: boolean;
}

export interface ExternalCredentialMeta {
  name: string;
  /** principal name (lower-case) -> parameter type (NamedPrincipal, PerUserPrincipal) */
  principals: Map<string, string>;
}

export interface CredentialMeta {
  named: Map<string, NamedCredentialMeta>; // lower-case name
  external: Map<string, ExternalCredentialMeta>; // lower-case name
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'namedCredentialParameters' || name === 'externalCredentialParameters'
});

function readXml(file: string): Record<string, any> {
  const doc = xml.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  const key = Object.keys(doc).find((k) => !k.startsWith('?'));
  return (key ? doc[key] : {}) as Record<string, any>;
}

/** Reads `*.namedCredential-meta.xml` and `*.externalCredential-meta.xml`. */
export function loadCredentials(files: string[]): CredentialMeta {
  const md: CredentialMeta = { named: new Map(), external: new Map() };
  for (const f of files) {
    const base = path.basename(f);
    if (base.endsWith('.namedCredential-meta.xml')) {
      const name = base.replace(/\.namedCredential-meta\.xml$/, '');
      const x = readXml(f);
      const params = (x.namedCredentialParameters ?? []) as Record<string, any>[];
      const url = params.find((p) => String(p.parameterType) === 'Url')?.parameterValue;
      const ext = params.find((p) => p.externalCredential !== undefined)?.externalCredential;
      md.named.set(name.toLowerCase(), {
        name,
        url: url !== undefined ? String(url) : x.endpoint !== undefined ? String(x.endpoint) : null,
        externalCredential: ext === undefined ? null : String(ext),
        legacy: x.namedCredentialType === undefined && x.endpoint !== undefined,
        enabled: String(x.calloutStatus ?? 'Enabled') !== 'Disabled'
      });
    } else if (base.endsWith('.externalCredential-meta.xml')) {
      const name = base.replace(/\.externalCredential-meta\.xml$/, '');
      const x = readXml(f);
      const principals = new Map<string, string>();
      for (const p of (x.externalCredentialParameters ?? []) as Record<string, any>[]) {
        const t = String(p.parameterType ?? '');
        if (t === 'NamedPrincipal' || t === 'PerUserPrincipal')
          principals.set(String(p.parameterGroup ?? p.parameterName).toLowerCase(), t);
      }
      md.external.set(name.toLowerCase(), { name, principals });
    }
  }
  return md;
}

/** The named credential's name in a `callout:` endpoint, or null for any other endpoint. */
export function namedCredentialOf(endpoint: unknown): string | null {
  if (typeof endpoint !== 'string' || !/^callout:/i.test(endpoint)) return null;
  return endpoint.slice('callout:'.length).split(/[/?]/)[0];
}

/**
 * Before a callout that is really made (no mock): a `callout:` endpoint needs the named
 * credential in the project, and a secured-endpoint named credential needs the running user to
 * have access, through an assigned permission set, to a principal of its external credential.
 * Returns normally when the callout may go on; throws System.CalloutException otherwise.
 */
export function checkNamedCredential(lib: Library, ip: Interp, req: HostObj, at: Pos): void {
  const name = namedCredentialOf(req.d.endpoint);
  if (name === null) return;
  const md = lib.platform.md.credentials;
  const nc = md.named.get(name.toLowerCase());
  if (!nc)
    ip.throwEx(
      'System.CalloutException',
      `The callout couldn't access the endpoint. You might not have the required permissions, or the named credential "${name}" might not exist.`,
      at
    );
  if (!nc.enabled)
    lib.u(
      ip,
      `a callout to the named credential ${nc.name}, which is not enabled for callouts`,
      at
    );
  // Salesforce Help, "Guidelines for Authenticating HTTP Callout Actions": a legacy named
  // credential "doesn't require a permission set".
  if (nc.legacy || !nc.externalCredential) return;
  const ec = md.external.get(nc.externalCredential.toLowerCase());
  const denied = (): never =>
    ip.throwEx(
      'System.CalloutException',
      `We couldn't access the credential(s). You might not have the required permissions, or the external credential "${nc.externalCredential}" might not exist.`,
      at
    );
  if (!ec) return denied();
  // Permission sets name a principal as `ExternalCredential-Principal`.
  const granted = lib.security.current().externalPrincipals;
  const mine = [...ec.principals].filter(([p]) => granted.has(`${ec.name.toLowerCase()}-${p}`));
  if (!mine.length) return denied();
  if (mine.every(([, t]) => t === 'PerUserPrincipal'))
    lib.u(ip, `a per-user principal of the external credential ${ec.name}`, at);
}
