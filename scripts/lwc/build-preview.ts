// Builds build/lwc-preview/app.js (the timeline with real base components and platform stubs).
// Its own process: rollup and the LWC compiler ship ES modules, which jest's CommonJS runtime
// cannot load, so the browser test runs this script instead of importing the bundler.
import path from 'node:path';
import { buildPreviewBundle } from './harness/bundle';

const started = Date.now();
buildPreviewBundle().then(
  (file) => {
    process.stdout.write(
      `built ${path.relative(process.cwd(), file)} in ${Date.now() - started} ms\n`
    );
  },
  (error: unknown) => {
    process.stderr.write(
      `preview build failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
    );
    process.exit(1);
  }
);
