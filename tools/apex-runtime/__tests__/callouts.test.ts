/**
 * Named and External Credential metadata (src/platform/callouts.ts), read from the conformance
 * project (which of the product's permission sets hold its principal is a project check,
 * scripts/gate/metadata-check.ts PRINCIPAL_GRANTS): a secured-endpoint named credential names its external credential,
 * whose principals the permission sets grant as `ExternalCredential-Principal` (Salesforce Help,
 * "Enable External Credential Principals",
 * https://help.salesforce.com/apex/HTViewHelpDoc?id=xcloud.nc_enable_ext_cred_principal.htm).
 */
import path from 'node:path';
import { loadProject } from '../src/project';
import { loadCredentials, namedCredentialOf } from '../src/platform/callouts';

const HERE = __dirname;
const CONFORMANCE = path.join(HERE, '..', 'conformance');

jest.setTimeout(120_000);

describe('callout: endpoints ("Named Credentials as Callout Endpoints")', () => {
  // https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_callouts_named_credentials.htm
  test('the name ends at the path or the query string', () => {
    expect(namedCredentialOf('callout:My_Named_Credential/some_path')).toBe('My_Named_Credential');
    expect(namedCredentialOf('callout:My_Named_Credential/some_path?format=json')).toBe(
      'My_Named_Credential'
    );
    expect(namedCredentialOf('callout:My_Named_Credential?format=json')).toBe(
      'My_Named_Credential'
    );
    expect(namedCredentialOf('callout:My_Named_Credential')).toBe('My_Named_Credential');
    expect(namedCredentialOf('https://example.com/callout:x')).toBeNull();
    expect(namedCredentialOf(null)).toBeNull();
  });
});

describe('credential metadata', () => {
  test('conformance: a secured endpoint, its external credential and a legacy one', () => {
    const md = loadCredentials(loadProject(CONFORMANCE, []).files);
    expect(md.named.get('conf_api')).toEqual({
      name: 'Conf_API',
      url: 'https://conf.example.com/api',
      externalCredential: 'Conf_EC',
      legacy: false,
      enabled: true
    });
    expect(md.named.get('conf_legacy')).toMatchObject({ legacy: true, externalCredential: null });
    expect([...md.external.get('conf_ec')!.principals]).toEqual([['main', 'NamedPrincipal']]);
  });

  test('conformance: a permission set grants the principal as ExternalCredential-Principal', () => {
    const project = loadProject(CONFORMANCE, []);
    const ec = loadCredentials(project.files).external.get('conf_ec')!;
    const principals = [...ec.principals.keys()].map((p) => `${ec.name.toLowerCase()}-${p}`);
    const granting = project.security.permissionSets
      .filter((ps) => principals.some((p) => ps.externalPrincipals.has(p)))
      .map((ps) => ps.name);
    expect(granting).toEqual(['Conf_Callout']);
  });
});
