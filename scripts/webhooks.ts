// npm run webhooks -- <list|register|test|unregister> [options]   (see docs/scripts.md)
import { runMain } from './lib/cli';
import { webhooksMain } from './lib/webhook-commands';

runMain((logger) =>
  webhooksMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
