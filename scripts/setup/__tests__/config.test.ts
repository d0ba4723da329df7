import { configErrorOf as configError } from '../../testing/config-error';
import { parseSetupArgs } from '../config';

const env = { RINKEL_API_KEY: 'rk_test_key_abcdef' };

describe('setup arguments', () => {
  it('has defaults for a scratch org', () => {
    expect(parseSetupArgs([], env)).toEqual(
      expect.objectContaining({
        alias: 'rinkel-dev',
        durationDays: 7,
        definitionFile: 'config/project-scratch-def.json',
        targetOrg: undefined,
        apiKey: 'rk_test_key_abcdef',
        rinkelBaseUrl: 'https://api.rinkel.com/v1'
      })
    );
  });

  it('reads flags', () => {
    const options = parseSetupArgs(
      [
        '--alias',
        'demo',
        '--duration-days',
        '3',
        '--register-webhooks',
        '--all',
        '--rotate-secret'
      ],
      env
    );

    expect(options).toEqual(
      expect.objectContaining({
        alias: 'demo',
        durationDays: 3,
        registerWebhooks: true,
        allEvents: true,
        rotateSecret: true
      })
    );
  });

  it.each([
    [['--duration-days', '45'], 'not a whole number from 1 to 30'],
    [['--target-org', 'prod', '--alias', 'x'], 'cannot be combined'],
    [['--target-org', 'prod', '--duration-days', '2'], 'only applies to a new scratch org'],
    [['--all'], 'only makes sense with --register-webhooks'],
    [['--target-org', 'bad alias!'], 'not a valid org alias'],
    [['--bogus'], "Unknown option '--bogus'"]
  ])('rejects %j with a clear message', (argv, message) => {
    expect(configError(() => parseSetupArgs(argv, env)).message).toContain(message);
  });

  it('accepts only https or loopback http for RINKEL_API_BASE_URL', () => {
    expect(
      parseSetupArgs([], { ...env, RINKEL_API_BASE_URL: 'http://127.0.0.1:8080/v1/' }).rinkelBaseUrl
    ).toBe('http://127.0.0.1:8080/v1');
    expect(
      configError(() =>
        parseSetupArgs([], { ...env, RINKEL_API_BASE_URL: 'http://evil.example/v1' })
      ).message
    ).toContain('must use https');
  });
});
