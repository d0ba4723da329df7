// npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run]   (see docs/operations.md)
import { runMain } from './core/cli';
import { backfillMain } from './backfill/cli';

runMain((logger) => {
  // First Ctrl-C: stop between requests, abort the open Bulk job, save the place. A second one
  // ends the process at once.
  const stop = new AbortController();
  process.once('SIGINT', () => {
    logger.warn(
      'Ctrl-C: stopping (aborting the open Bulk job, saving the place)… Ctrl-C again to quit at once.'
    );
    stop.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return backfillMain(process.argv.slice(2), {
    projectRoot: process.cwd(),
    env: process.env,
    logger,
    signal: stop.signal
  });
});
