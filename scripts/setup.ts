// npm run setup -- [options]   (see scripts/lib/setup-runner.ts and docs/scripts.md)
import { runMain } from './lib/cli';
import { setupMain } from './lib/setup-runner';

runMain((logger) =>
  setupMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
