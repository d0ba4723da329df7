// npm run webhooks -- <list|register|test|unregister> [options]   (see docs/scripts.md)
import { runMain } from './core/cli';
import { webhooksMain } from './webhooks/commands';

runMain((logger) =>
  webhooksMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
