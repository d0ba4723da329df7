import path from 'node:path';
import { ConfigError } from '../../core/config';
import { DEFAULT_PORT, parseStartArgs } from '../args';

describe('npm start flags', () => {
  it('defaults to port 8787, the project state dir, real time and the stored state', () => {
    expect(parseStartArgs([], '/repo')).toEqual({
      port: DEFAULT_PORT,
      stateDir: path.join('/repo', '.rinkel', 'local-org'),
      defaultStateDir: true,
      reset: false,
      speed: 1,
      help: false
    });
  });

  it('reads --port, --state-dir, --reset and --speed', () => {
    expect(
      parseStartArgs(['--port', '0', '--state-dir', '/tmp/x', '--reset', '--speed', '60'], '/repo')
    ).toMatchObject({
      port: 0,
      stateDir: '/tmp/x',
      defaultStateDir: false,
      reset: true,
      speed: 60
    });
  });

  it.each([
    [['--port', 'http'], '--port "http" is not a port number'],
    [['--port', '70000'], 'is not a port number'],
    [['--speed', '0'], '--speed "0" is not a clock multiplier'],
    [['--speed', 'fast'], 'is not a clock multiplier'],
    [['--fast'], "Unknown option '--fast'"]
  ])('refuses %j with the fix', (argv, message) => {
    expect(() => parseStartArgs(argv, '/repo')).toThrow(ConfigError);
    expect(() => parseStartArgs(argv, '/repo')).toThrow(message);
  });
});
