// Shared plumbing for the thin entry points: run a main function, print failures with cause and
// fix, and set the exit code.

import { ConfigError } from './config';
import { Logger } from './log';
import { RinkelApiError } from '../clients/rinkel-api';

/** Prints an error as "cause / fix" through the (masking) logger; returns the exit code. */
export function reportFailure(logger: Logger, error: unknown): number {
  if (error instanceof ConfigError || error instanceof RinkelApiError) {
    logger.error(`✖ ${error.message}`);
    logger.error(`  Fix: ${error.fix}`);
    return error instanceof ConfigError ? 2 : 1;
  }
  // Any other expected failure carries its fix (BackfillError, SalesforceError, …): no stack.
  const fix = (error as { fix?: unknown } | null)?.fix;
  if (error instanceof Error && typeof fix === 'string') {
    logger.error(`✖ ${error.message}`);
    logger.error(`  Fix: ${fix}`);
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' ? exitCode : 1;
  }
  const formatted = (error as { format?: unknown } | null)?.format;
  if (typeof formatted === 'function' && error instanceof Error) {
    logger.error((formatted as () => string).call(error));
    return 1;
  }
  logger.error(`✖ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return 1;
}

export function runMain(main: (logger: Logger) => Promise<number>): void {
  const logger = new Logger();
  main(logger)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.exitCode = reportFailure(logger, error);
    });
}
