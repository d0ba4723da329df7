// Builds the static resource RinkelHostileCorpus.json (force-app/intake/staticresources) from test-data/hostile,
// so the org's RinkelHostileInputTest runs exactly the cases jest runs. A jest test fails when the
// resource is out of date: run `npm run build:hostile-corpus` after changing a case.

import fs from 'node:fs';
import { format, resolveConfig } from 'prettier';
import {
  STATIC_RESOURCE_FILE,
  asciiJson,
  loadCorpus,
  staticResourceContent
} from './webhooks/corpus';

async function main(): Promise<void> {
  const cases = loadCorpus();
  const options = (await resolveConfig(STATIC_RESOURCE_FILE)) ?? {};
  const text = await format(asciiJson(staticResourceContent(cases)), {
    ...options,
    parser: 'json'
  });
  fs.writeFileSync(STATIC_RESOURCE_FILE, text);
  console.log(`Wrote ${cases.length} cases to ${STATIC_RESOURCE_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
