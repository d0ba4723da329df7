// npm run send-test-event -- <event> --url <site-url> [--file f]   (see docs/scripts.md)
import { runMain } from './core/cli';
import { sendTestEventMain } from './webhooks/test-event';

runMain((logger) =>
  sendTestEventMain(process.argv.slice(2), { projectRoot: process.cwd(), env: process.env, logger })
);
