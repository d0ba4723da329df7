/**
 * The offline Apex runtime (tools/apex-runtime) in the gate:
 * - its conformance suite must pass completely (any failing or unsupported test fails the step);
 * - the project's own Apex tests: every failing or unsupported test method is a finding, and so is
 *   a production class or trigger covered below MIN_COVERAGE percent.
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

/** The lowest line coverage a production class or trigger may have, in percent. */
export const MIN_COVERAGE = 90;

export interface Report {
  tests: { class: string; method: string; outcome: string; message: string; stack: string }[];
  coverage: Record<string, number>;
}

export async function runApex(
  project: string,
  packageDirs: string[],
  classes: string[] = []
): Promise<{ code: number; report: Report | null; output: string }> {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'apex-gate-')), 'report.json');
  const args = [CLI, '--project', project, '--json', json, '--quiet'];
  for (const dir of packageDirs) args.push('--package-dir', dir);
  for (const name of classes) args.push('--class', name);
  const out = await exec(bin('tsx'), args, { cwd: project });
  const report = fs.existsSync(json) ? (JSON.parse(fs.readFileSync(json, 'utf8')) as Report) : null;
  return { code: out.code, report, output: `${out.stdout}\n${out.stderr}` };
}

function fileOf(root: string, className: string, ext = '.cls', base = root): string {
  const top = className.split('.')[0] ?? className;
  const stack: string[] = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== 'node_modules') stack.push(p);
      else if (e.name === `${top}${ext}`) return path.relative(base, p);
    }
  }
  return path.relative(base, root) || '.';
}

function lineOf(stack: string, message: string): number {
  const m = /line (\d+)/.exec(stack) ?? /:(\d+)$/.exec(message);
  return m?.[1] ? Number(m[1]) : 0;
}

export const apexRuntimeStep: Step = {
  id: 'apex-runtime',
  title:
    'Apex runtime: conformance suite and every project Apex test (failures, unsupported, coverage below 90%)',
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
        file: fileOf(CONFORMANCE, t.class, '.cls', REPO_ROOT),
        line: lineOf(t.stack, t.message),
        message: `conformance ${t.class}.${t.method} ${t.outcome}: ${t.message}`
      });
    const confSummary = `conformance ${conf.report.tests.length - bad.length}/${conf.report.tests.length} passed`;

    const product = await runApex(root, metadataDirectories(root));
    if (!product.report)
      return result(
        [
          ...findings,
          {
            file: '-',
            line: 0,
            message: `apex-runtime could not run the project's tests: ${product.output.slice(0, 500)}`
          }
        ],
        `${confSummary}; project Apex tests did not run`
      );
    const own = productFindings(root, product.report);
    const coverage = Object.entries(product.report.coverage).sort(([a], [b]) => a.localeCompare(b));
    for (const [name, pct] of coverage) process.stdout.write(`    coverage ${name}: ${pct}%\n`);
    const count = (o: string): number =>
      product.report!.tests.filter((t) => t.outcome === o).length;
    const counts = `${count('pass')} passed, ${count('fail')} failed, ${count('unsupported')} unsupported`;
    const productSummary = `project Apex tests: ${counts}`;
    findings.push(...own);
    return result(
      findings,
      `${confSummary}; ${productSummary}`,
      findings.length === 0 && conf.code !== 2 && product.code !== 2
    );
  }
};

/**
 * What the project's Apex test run says is wrong: each failing or unsupported test method (at its
 * test class and line), and each production class or trigger below MIN_COVERAGE.
 */
export function productFindings(root: string, report: Report): Finding[] {
  const out: Finding[] = [];
  for (const t of report.tests.filter((x) => x.outcome !== 'pass'))
    out.push({
      file: fileOf(root, t.class),
      line: lineOf(t.stack, t.message),
      message: `Apex test ${t.class}.${t.method} ${t.outcome === 'fail' ? 'failed' : 'is unsupported'}: ${t.message}`
    });
  for (const [name, pct] of Object.entries(report.coverage))
    if (pct < MIN_COVERAGE) {
      const cls = fileOf(root, name);
      out.push({
        file: cls.endsWith('.cls') ? cls : fileOf(root, name, '.trigger'),
        line: 1,
        message: `${name} is covered ${pct}% by the Apex tests, below the ${MIN_COVERAGE}% floor`
      });
    }
  return out;
}
