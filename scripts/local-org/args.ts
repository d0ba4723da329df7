// Flags of `npm start` (docs/local-org.md). Every problem is a ConfigError with the fix.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../core/config';

export const DEFAULT_PORT = 8787;
export const DEFAULT_STATE_DIR = path.join('.rinkel', 'local-org');

export const START_USAGE = `npm start [-- <flags>]   the product running locally on the offline Apex runtime

  --port <n>          port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 picks a free one)
  --state-dir <dir>   where the local org keeps its state and caches (default ${DEFAULT_STATE_DIR})
  --reset             start from the sample data again, deleting the stored state
  --speed <x>         run the clock x times faster: Queueable delays, retries, schedules (default 1)
  --help              this text

Details: docs/local-org.md`;

export interface StartOptions {
  port: number;
  stateDir: string;
  /** True when --state-dir was not given (the project's own local org). */
  defaultStateDir: boolean;
  reset: boolean;
  speed: number;
  help: boolean;
}

export function parseStartArgs(argv: string[], root: string): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'state-dir': { type: 'string' },
        reset: { type: 'boolean', default: false },
        speed: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false }
      }
    });
  } catch (error) {
    throw new ConfigError(
      error instanceof Error ? error.message : String(error),
      'See `npm start -- --help` for the flags.'
    );
  }
  const { values } = parsed;
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(
      `--port "${values.port ?? ''}" is not a port number.`,
      `Pass a number from 1 to 65535 (or 0 for any free port), e.g. --port ${DEFAULT_PORT}.`
    );
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed);
  if (!Number.isFinite(speed) || speed < 1 || speed > 10_000) {
    throw new ConfigError(
      `--speed "${values.speed ?? ''}" is not a clock multiplier.`,
      'Pass a number from 1 (real time) to 10000, e.g. --speed 60 (an hour a minute).'
    );
  }
  const stateDir = path.resolve(root, values['state-dir'] ?? DEFAULT_STATE_DIR);
  return {
    port,
    stateDir,
    defaultStateDir: values['state-dir'] === undefined,
    reset: values.reset === true,
    speed,
    help: values.help === true
  };
}
