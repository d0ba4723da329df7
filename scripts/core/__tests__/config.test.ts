import { checkNodeVersion, isVersionAtLeast, rinkelBaseUrl } from '../config';
import { configErrorOf } from '../../testing/config-error';

describe('Node version', () => {
  it('compares versions numerically', () => {
    expect(isVersionAtLeast('20.9.0', '20.9.0')).toBe(true);
    expect(isVersionAtLeast('v20.10.1', '20.9.0')).toBe(true);
    expect(isVersionAtLeast('22.0.0', '20.9.0')).toBe(true);
    expect(isVersionAtLeast('20.8.9', '20.9.0')).toBe(false);
    expect(isVersionAtLeast('18.20.0', '20.9.0')).toBe(false);
  });

  it('explains how to upgrade', () => {
    expect(checkNodeVersion('16.0.0')?.message).toBe(
      'Node.js 16.0.0 is too old; these scripts need Node.js 20.9.0 or newer.'
    );
    expect(checkNodeVersion(process.versions.node)).toBeUndefined();
  });
});

describe('RINKEL_API_BASE_URL', () => {
  it('defaults to the documented base URL and accepts loopback http for the fakes', () => {
    expect(rinkelBaseUrl({})).toBe('https://api.rinkel.com/v1');
    expect(rinkelBaseUrl({ RINKEL_API_BASE_URL: 'http://127.0.0.1:4000/v1/' })).toBe(
      'http://127.0.0.1:4000/v1'
    );
  });

  it.each([
    ['https://api.rinkel.com', 'does not end in /v1'],
    ['http://api.rinkel.com/v1', 'must use https (got http:)'],
    ['api.rinkel.com/v1', 'is not a URL']
  ])('refuses %s with its own message, not Site URL advice', (value, message) => {
    const error = configErrorOf(() => rinkelBaseUrl({ RINKEL_API_BASE_URL: value }));
    expect(error.message).toContain(message);
    expect(error.fix).toContain('https://api.rinkel.com/v1');
    expect(`${error.message} ${error.fix}`).not.toMatch(/Site/);
  });
});
