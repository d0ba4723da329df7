/**
 * `npm test`: the whole offline gate. Every step runs (so one run shows every problem), each
 * prints its findings as file:line, and the run fails when any step found anything.
 */
import path from 'node:path';
import { apexCompileStep } from './apex-compile-step';
import { deployShapeStep } from './deploy-shape';
import { metadataStep } from './metadata-check';
import {
  apexSemanticsStep,
  eslintStep,
  jestStep,
  lastJestCounts,
  lwcBuildStep,
  pmdStep,
  prettierStep,
  rulesBuildStep,
  typecheckStep
} from './tool-steps';
import { formatFinding, type Step } from './types';
import { REPO_ROOT } from '../core/paths';

export const STEPS: Step[] = [
  prettierStep,
  eslintStep,
  typecheckStep,
  lwcBuildStep,
  rulesBuildStep,
  apexSemanticsStep,
  apexCompileStep,
  pmdStep,
  metadataStep,
  deployShapeStep,
  jestStep
];

async function main(): Promise<void> {
  const rootArg = process.argv.indexOf('--root');
  const root = rootArg > 0 ? path.resolve(process.argv[rootArg + 1] ?? '.') : REPO_ROOT;
  const only = process.argv.filter((a) => a.startsWith('--only=')).map((a) => a.slice(7));
  const steps = only.length ? STEPS.filter((s) => only.includes(s.id)) : STEPS;
  const failed: string[] = [];
  for (const [index, step] of steps.entries()) {
    const started = Date.now();
    process.stdout.write(`\n[${index + 1}/${steps.length}] ${step.title}\n`);
    const outcome = await step.run({ root });
    for (const finding of outcome.findings) process.stdout.write(`    ${formatFinding(finding)}\n`);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`    ${outcome.ok ? 'PASS' : 'FAIL'} ${outcome.summary} (${seconds}s)\n`);
    if (!outcome.ok) failed.push(step.id);
  }
  process.stdout.write(
    `\nGate: ${failed.length ? `FAILED in ${failed.join(', ')}` : 'all steps passed'}\n`
  );
  if (steps.includes(jestStep))
    process.stdout.write(`${lastJestCounts.passed} passed, ${lastJestCounts.failed} failed\n`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The gate itself crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`
  );
  process.exitCode = 2;
});
