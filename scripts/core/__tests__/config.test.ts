import {
  ConfigError,
  checkNodeVersion,
  isVersionAtLeast,
  parseSendTestEventArgs,
  parseSetupArgs,
  parseWebhooksArgs
} from '../config';

const env = { RINKEL_API_KEY: 'rk_test_key_abcdef' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('no ConfigError');
}

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

describe('webhooks arguments', () => {
  it('needs a known command and the API key', () => {
    expect(configError(() => parseWebhooksArgs([], env)).message).toBe('No command given.');
    expect(configError(() => parseWebhooksArgs(['delete'], env)).fix).toContain(
      'list, register, test, unregister'
    );
    expect(configError(() => parseWebhooksArgs(['list'], {})).message).toBe(
      'RINKEL_API_KEY is not set.'
    );
  });

  it('validates events', () => {
    expect(
      parseWebhooksArgs(['test', '--event', 'callEnd,callStart', '--event', 'callEnd'], env).events
    ).toEqual(['callEnd', 'callStart']);
    expect(configError(() => parseWebhooksArgs(['test', '--event', 'hangup'], env)).fix).toContain(
      'incomingCall, outgoingCall, callStart, callEnd, callInsights'
    );
    expect(
      configError(() => parseWebhooksArgs(['register', '--all', '--event', 'callEnd'], env)).message
    ).toContain('cannot be combined');
  });
});

describe('send-test-event arguments', () => {
  it('needs an event and an https --url', () => {
    expect(configError(() => parseSendTestEventArgs([], env)).message).toBe('No event given.');
    expect(configError(() => parseSendTestEventArgs(['callEnd'], env)).message).toBe(
      '--url is missing.'
    );
    expect(
      configError(() => parseSendTestEventArgs(['callEnd', '--url', 'http://site.example'], env))
        .message
    ).toContain('must use https');
    expect(parseSendTestEventArgs(['callEnd', '--url', 'https://site.example/'], env)).toEqual(
      expect.objectContaining({ event: 'callEnd', url: 'https://site.example' })
    );
  });
});

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
