/**
 * Lists every standard-library member a project's Apex references and marks the ones the runtime
 * lacks. `tsx tools/apex-runtime/scripts/inventory.ts [--project DIR] [--package-dir DIR]…`
 * Exit code 1 when a member outside the part-2 list is missing.
 */
import path from 'node:path';
import { inventory, missing } from '../src/inventory';
import { createRuntime } from '../src/runner';
import { PART2_MEMBERS } from '../src/part2';

const argv = process.argv.slice(2);
let project = '.';
const dirs: string[] = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--project') project = argv[++i] ?? '.';
  else if (argv[i] === '--package-dir') dirs.push(argv[++i] ?? '');
}
const rtm = createRuntime(path.resolve(project), dirs);
const inv = inventory(rtm);
const lacking = missing(rtm, inv);
const lackingSet = new Set(lacking.map((m) => m.member));
const all = [...inv.statics.keys(), ...inv.constructors.keys(), ...inv.instance.keys()].sort();
const whereOf = new Map(lacking.map((m) => [m.member, m.where]));
for (const m of all)
  process.stdout.write(
    lackingSet.has(m) ? `MISSING ${m} (${whereOf.get(m) ?? ''})\n` : `ok      ${m}\n`
  );
const unexpected = lacking.filter((m) => !PART2_MEMBERS.has(m.member.toLowerCase()));
process.stdout.write(
  `\n${all.length} members referenced, ${lacking.length} not implemented (${lacking.length - unexpected.length} of them part 2)\n`
);
for (const m of unexpected) process.stdout.write(`  missing: ${m.member} (${m.where})\n`);
process.exitCode = unexpected.length ? 1 : 0;
