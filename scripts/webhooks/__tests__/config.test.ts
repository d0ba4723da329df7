import { configErrorOf as configError } from '../../testing/config-error';
import { parseSendTestEventArgs, parseWebhooksArgs } from '../config';

const env = { RINKEL_API_KEY: 'rk_test_key_abcdef' };

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
