// npm run backfill -- --since <date> [--until <date>] [--resume] [--dry-run]   (see docs/operations.md)
import { runMain } from './core/cli';
import { backfillMain } from './backfill/cli';

runMain((logger) =>
  backfillMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
