import { checkNodeVersion, isVersionAtLeast } from '../config';

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
