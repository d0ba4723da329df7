// npm run setup -- [options]   (see scripts/setup/runner.ts and docs/scripts.md)
import { runMain } from './core/cli';
import { setupMain } from './setup/runner';

runMain((logger) =>
  setupMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
