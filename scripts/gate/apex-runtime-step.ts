/**
 * The offline Apex runtime (tools/apex-runtime) in the gate:
 * - its conformance suite must pass completely (any failing or unsupported test fails the step);
 * - the project's own Apex tests run report-only in part 1: counts are printed, never a failure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metadataDirectories, REPO_ROOT } from '../core/paths';
import { bin, exec } from './exec';
import { type Finding, type GateContext, type Step, result } from './types';

const RUNTIME = path.join(REPO_ROOT, 'tools', 'apex-runtime');
const CLI = path.join(RUNTIME, 'src', 'cli.ts');
const CONFORMANCE = path.join(RUNTIME, 'conformance');

interface Report {
  tests: { class: string; method: string; outcome: string; message: string; stack: string }[];
}

async function runApex(
  project: string,
  packageDirs: string[]
): Promise<{ code: number; report: Report | null; output: string }> {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apex-gate-')), 'report.json');
  const args = [CLI, '--project', project, '--json', json, '--quiet'];
  for (const dir of packageDirs) args.push('--package-dir', dir);
  const out = await exec(bin('tsx'), args, { cwd: project });
  const report = fs.existsSync(json) ? (JSON.parse(fs.readFileSync(json, 'utf8')) as Report) : null;
  return { code: out.code, report, output: `${out.stdout}\n${out.stderr}` };
}

function fileOf(root: string, className: string): string {
  const top = className.split('.')[0] ?? className;
  const stack: string[] = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') stack.push(p);
      else if (e.name === `${top}.cls`) return path.relative(REPO_ROOT, p);
    }
  }
  return path.relative(REPO_ROOT, root);
}

function lineOf(stack: string, message: string): number {
  const m = /line (\d+)/.exec(stack) ?? /:(\d+)$/.exec(message);
  return m?.[1] ? Number(m[1]) : 0;
}

export const apexRuntimeStep: Step = {
  id: 'apex-runtime',
  title: 'Apex runtime: conformance suite (strict) and the project Apex tests (report-only)',
  async run({ root }: GateContext) {
    const findings: Finding[] = [];
    const conf = await runApex(CONFORMANCE, []);
    if (!conf.report)
      return result(
        [
          {
            file: '-',
            line: 0,
            message: `apex-runtime could not run: ${conf.output.slice(0, 500)}`
          }
        ],
        'conformance suite did not run'
      );
    const bad = conf.report.tests.filter((t) => t.outcome !== 'pass');
    for (const t of bad)
      findings.push({
        file: fileOf(CONFORMANCE, t.class),
        line: lineOf(t.stack, t.message),
        message: `conformance ${t.class}.${t.method} ${t.outcome}: ${t.message}`
      });
    const confSummary = `conformance ${conf.report.tests.length - bad.length}/${conf.report.tests.length} passed`;

    // The project's tests: report-only (part 1 of the runtime issue).
    const product = await runApex(root, metadataDirectories(root));
    let productSummary = 'project Apex tests did not run';
    if (product.report) {
      const count = (o: string): number =>
        product.report!.tests.filter((t) => t.outcome === o).length;
      productSummary = `project Apex tests (report-only): ${count('pass')} passed, ${count('fail')} failed, ${count('unsupported')} unsupported`;
      for (const t of product.report.tests.filter((x) => x.outcome === 'fail'))
        process.stdout.write(`    (report-only) ${t.class}.${t.method}: ${t.message}\n`);
    }
    return result(
      findings,
      `${confSummary}; ${productSummary}`,
      bad.length === 0 && conf.code !== 2
    );
  }
};
