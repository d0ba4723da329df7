// npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run]   (see docs/operations.md)
import { runMain } from './lib/cli';
import { backfillMain } from './lib/backfill/cli';

runMain((logger) =>
  backfillMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
