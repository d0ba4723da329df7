// npm run build:rules [-- --check] [-- --root <dir>]: rules/*.json → RinkelRules.cls and scripts/twin/rules.generated.ts
// (see scripts/twin/build-rules.ts and docs/mapping.md).
import path from 'node:path';
import { REPO_ROOT } from './core/paths';
import { main } from './twin/build-rules';

// --root <dir>: another project (the tests' throw-away copies); default this repository.
const argv = process.argv.slice(2);
const at = argv.indexOf('--root');
const root = at >= 0 ? path.resolve(argv[at + 1] ?? '.') : REPO_ROOT;

main(argv, root).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `build:rules failed: ${error instanceof Error ? error.message : String(error)}\n`
    );
    process.exitCode = 1;
  }
);
