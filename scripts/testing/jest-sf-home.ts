// Runs before every scripts test file: a home folder of its own, so @salesforce/core never reads
// or writes the developer's real sf logins, and the sf state files core expects are there (jest's
// sandbox has its own Error class, so core does not recognise fs's ENOENT for a missing
// alias.json as "no aliases yet" and fails instead).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'sf-home-'));
for (const dir of ['.sfdx', '.sf']) {
  mkdirSync(join(home, dir), { recursive: true });
  writeFileSync(join(home, dir, 'alias.json'), '{"orgs":{}}\n');
}
process.env.HOME = home;
process.env.SF_DISABLE_LOG_FILE = 'true';
process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
process.env.SF_DISABLE_TELEMETRY = 'true';
