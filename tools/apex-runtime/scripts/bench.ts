/**
 * npm run bench:apex — test methods per second on this project's Apex tests, and statements per
 * second on a CPU-heavy Apex loop.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime } from '../src/runner';

const root = path.resolve(process.argv[2] ?? '.');
const t0 = Date.now();
const product = createRuntime(
  root,
  ['config/dev-org'].filter((d) => fs.existsSync(path.join(root, d)))
);
const loadMs = Date.now() - t0;
const report = product.run({ root, packageDirs: [], filters: [] });
const methods = report.tests.length;
process.stdout.write(
  `project suite: ${methods} test methods in ${report.runMs} ms (+${loadMs} ms parse/load) = ${((methods * 1000) / Math.max(1, report.runMs)).toFixed(1)} methods/s, ${report.statements} statements\n`
);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apex-bench-'));
fs.writeFileSync(
  path.join(dir, 'sfdx-project.json'),
  JSON.stringify({ packageDirectories: [{ path: 'src' }] })
);
fs.mkdirSync(path.join(dir, 'src'));
fs.writeFileSync(
  path.join(dir, 'src', 'BenchTest.cls'),
  `@IsTest
private class BenchTest {
  @IsTest
  static void cpuLoop() {
    Integer sum = 0;
    Map<Integer, Integer> m = new Map<Integer, Integer>();
    List<String> parts = new List<String>();
    for (Integer i = 0; i < 200000; i++) {
      sum += Math.mod(i, 7) * 3;
      if (Math.mod(i, 1000) == 0) {
        m.put(i, sum);
        parts.add(String.valueOf(i));
      }
    }
    Assert.areEqual(200, m.size());
    Assert.areEqual(200, parts.size());
  }
}
`
);
const bench = createRuntime(dir, []);
const r = bench.run({ root: dir, packageDirs: [], filters: [] });
const stmts = r.statements;
process.stdout.write(
  `cpu loop: ${stmts} statements in ${r.runMs} ms = ${Math.round((stmts * 1000) / Math.max(1, r.runMs))} statements/s (${r.tests[0]?.outcome})\n`
);
