import { configErrorOf } from '../../testing/config-error';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateWebhookSecret,
  listLocalStateAliases,
  readLocalState,
  sha256Hex,
  stateFileName,
  writeLocalState
} from '../secret';

describe('webhook secret', () => {
  it('is 32 random bytes as base64url', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();

    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('is hashed as lowercase hex SHA-256', () => {
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    );
  });
});

describe('local state file', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rinkel-state-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('round-trips and is readable by the owner only', () => {
    writeLocalState(root, 'admin@acme.nl', {
      orgId: '00D000000000001AAA',
      webhookSecret: 'secret-value-123'
    });

    expect(readLocalState(root, 'admin@acme.nl')).toEqual(
      expect.objectContaining({ orgId: '00D000000000001AAA', webhookSecret: 'secret-value-123' })
    );
    expect(statSync(join(root, '.rinkel', stateFileName('admin@acme.nl'))).mode & 0o777).toBe(
      0o600
    );
    expect(listLocalStateAliases(root)).toEqual(['admin@acme.nl']);
  });

  it('says what to do with a damaged file', () => {
    mkdirSync(join(root, '.rinkel'));
    writeFileSync(join(root, '.rinkel', 'x.json'), '{not json');

    expect(() => readLocalState(root, 'x')).toThrow(/x\.json is not valid JSON/);
    expect(configErrorOf(() => readLocalState(root, 'x')).fix).toContain(
      'npm run setup -- --target-org x --rotate-secret'
    );
    expect(readLocalState(root, 'absent')).toBeUndefined();
  });

  it('keeps aliases with odd characters inside .rinkel', () => {
    expect(stateFileName('../../etc/passwd')).toBe('.._.._etc_passwd.json');
  });
});
