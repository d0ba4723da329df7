/**
 * apex:test — runs a SFDX project's Apex tests offline.
 *   tsx tools/apex-runtime/src/cli.ts [--project DIR] [--package-dir DIR]… [--class Name[.method]]…
 *                                     [--json FILE] [--junit FILE] [--timezone TZ] [--uncovered]
 *                                     [--event-user USERNAME] [--event-batch-size N]
 * Exit code 0 when all pass, 1 when any fails or is unsupported, 2 when the runtime cannot run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ParseError } from './ast';
import { createRuntime, type RunReport, type TestResult } from './runner';

interface Args {
  project: string;
  packageDirs: string[];
  classes: string[];
  json?: string;
  junit?: string;
  timezone?: string;
  eventUser?: string;
  eventBatchSize?: number;
  quiet: boolean;
  uncovered: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { project: '.', packageDirs: [], classes: [], quiet: false, uncovered: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--project') a.project = v();
    else if (k === '--package-dir') a.packageDirs.push(v());
    else if (k === '--class') a.classes.push(v());
    else if (k === '--json') a.json = v();
    else if (k === '--junit') a.junit = v();
    else if (k === '--timezone') a.timezone = v();
    else if (k === '--event-user') a.eventUser = v();
    else if (k === '--event-batch-size') a.eventBatchSize = Number(v());
    else if (k === '--quiet') a.quiet = true;
    else if (k === '--uncovered') a.uncovered = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export function junit(report: RunReport): string {
  const byClass = new Map<string, TestResult[]>();
  for (const t of report.tests) byClass.set(t.class, [...(byClass.get(t.class) ?? []), t]);
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n';
  for (const [cls, tests] of byClass) {
    const failures = tests.filter((t) => t.outcome === 'fail').length;
    const errors = tests.filter((t) => t.outcome === 'unsupported').length;
    const time = tests.reduce((s, t) => s + t.durationMs, 0) / 1000;
    out += `  <testsuite name="${xmlEscape(cls)}" tests="${tests.length}" failures="${failures}" errors="${errors}" skipped="0" time="${time}">\n`;
    for (const t of tests) {
      out += `    <testcase classname="${xmlEscape(cls)}" name="${xmlEscape(t.method)}" time="${t.durationMs / 1000}">`;
      if (t.outcome === 'fail')
        out += `\n      <failure message="${xmlEscape(t.message)}">${xmlEscape(t.stack)}</failure>\n    `;
      if (t.outcome === 'unsupported')
        out += `\n      <error type="unsupported" message="${xmlEscape(t.message)}"/>\n    `;
      out += '</testcase>\n';
    }
    out += '  </testsuite>\n';
  }
  return out + '</testsuites>\n';
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const root = path.resolve(args.project);
  let report: RunReport;
  try {
    const runtime = createRuntime(root, args.packageDirs, args.timezone, {
      eventUser: args.eventUser,
      eventBatchSize: args.eventBatchSize
    });
    report = runtime.run({
      root,
      packageDirs: args.packageDirs,
      filters: args.classes,
      onResult: (t) => {
        if (args.quiet && t.outcome === 'pass') return;
        const label = t.outcome === 'pass' ? 'PASS' : t.outcome === 'fail' ? 'FAIL' : 'UNSUPPORTED';
        process.stdout.write(`${label} ${t.class}.${t.method} (${t.durationMs} ms)\n`);
        if (t.outcome !== 'pass') {
          process.stdout.write(`    ${t.message.replace(/\n/g, '\n    ')}\n`);
          if (t.stack) process.stdout.write(`    ${t.stack.replace(/\n/g, '\n    ')}\n`);
        }
      }
    });
  } catch (e) {
    if (e instanceof ParseError) process.stderr.write(`apex-runtime: parse error: ${e.message}\n`);
    else process.stderr.write(`apex-runtime: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
  process.stdout.write('\nCoverage (executed lines / executable lines):\n');
  for (const [name, pct] of Object.entries(report.coverage).sort()) {
    const l = report.coverageLines[name]!;
    process.stdout.write(`  ${name}: ${pct}% (${l.covered}/${l.total})\n`);
    if (args.uncovered && l.uncovered.length)
      process.stdout.write(`    not executed: lines ${l.uncovered.join(', ')}\n`);
  }
  const passed = report.tests.filter((t) => t.outcome === 'pass').length;
  const unsupported = report.tests.filter((t) => t.outcome === 'unsupported').length;
  const failed = report.tests.length - passed;
  process.stdout.write(`${unsupported} unsupported\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (args.json) {
    const json = {
      tests: report.tests.map((t) => ({
        class: t.class,
        method: t.method,
        outcome: t.outcome,
        message: t.message,
        stack: t.stack,
        durationMs: t.durationMs
      })),
      coverage: report.coverage
    };
    fs.writeFileSync(args.json, `${JSON.stringify(json)}\n`);
  }
  if (args.junit) fs.writeFileSync(args.junit, junit(report));
  if (report.tests.some((t) => t.internal)) return 2;
  return failed ? 1 : 0;
}

process.exitCode = main();
