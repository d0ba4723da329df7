/**
 * Compiles every Apex class and trigger with Salesforce's own compiler front end ("jorje", the
 * apex-jorje-lsp.jar that prettier-plugin-apex ships), offline, through the Java driver in
 * scripts/gate/apex-compiler/. Two runs: the package directories alone (a customer org, which
 * brings its own match object without the sample fields), and with the dev-only directories.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { devPackageDirectories, packageDirectories, REPO_ROOT } from '../core/paths';
import { exec } from './exec';
import { type Finding, type GateContext, type Step, result } from './types';

const JAR = path.join(
  REPO_ROOT,
  'node_modules',
  'prettier-plugin-apex',
  'vendor',
  'apex-ast-serializer',
  'lib',
  'apex-jorje-lsp.jar'
);
const DRIVER = path.join(REPO_ROOT, 'scripts', 'gate', 'apex-compiler');
const CACHE = path.join(REPO_ROOT, 'build', 'apex-compiler');
const JVM = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

/** The package directories and the dev-only directories of sfdx-project.json that exist. */
export function compileDirectories(root: string): { packages: string[]; dev: string[] } {
  return { packages: packageDirectories(root), dev: devPackageDirectories(root) };
}

/**
 * The compiled driver: javac runs only when the driver's sources or the jar changed (the class
 * folder is named after their hash, under the gitignored build/).
 */
async function buildDriver(): Promise<string> {
  const sources = fs
    .readdirSync(DRIVER)
    .filter((name) => name.endsWith('.java'))
    .sort();
  const hash = createHash('sha256');
  for (const name of sources) hash.update(name).update(fs.readFileSync(path.join(DRIVER, name)));
  const jar = fs.statSync(JAR);
  hash.update(`${jar.size}:${jar.mtimeMs}`);
  const classes = path.join(CACHE, hash.digest('hex').slice(0, 16));
  if (fs.existsSync(path.join(classes, 'ApexCompile.class'))) return classes;
  fs.mkdirSync(CACHE, { recursive: true });
  // Compile beside the final folder and rename, so parallel gate runs never see half a build.
  const staging = fs.mkdtempSync(path.join(CACHE, 'tmp-'));
  try {
    const out = await exec(
      'javac',
      [
        ...JVM.map((flag) => `-J${flag}`),
        '-proc:none',
        '-implicit:none',
        '-nowarn',
        '-encoding',
        'UTF-8',
        '-cp',
        JAR,
        '-d',
        staging,
        ...sources.map((name) => path.join(DRIVER, name))
      ],
      { cwd: REPO_ROOT }
    );
    if (out.code !== 0) throw new Error(`javac failed:\n${out.stdout}${out.stderr}`);
    try {
      fs.renameSync(staging, classes);
    } catch (error) {
      if (!fs.existsSync(path.join(classes, 'ApexCompile.class'))) throw error;
    }
    // Builds of older driver sources are never used again.
    for (const old of fs.readdirSync(CACHE)) {
      if (old !== path.basename(classes) && !old.startsWith('tmp-'))
        fs.rmSync(path.join(CACHE, old), { recursive: true, force: true });
    }
    return classes;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

export interface CompileError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface CompileRun {
  errors: CompileError[];
  /** Set when the compiler or the driver failed: never read that as "0 errors". */
  crash?: string;
}

/** One compile of the given directories (relative to `root`). */
export async function compileApex(root: string, dirs: string[]): Promise<CompileRun> {
  const classes = await buildDriver();
  const out = await exec(
    'java',
    [
      ...JVM,
      '-cp',
      `${classes}${path.delimiter}${JAR}`,
      'ApexCompile',
      '--root',
      root,
      '--jar',
      JAR,
      '--schema',
      path.join(DRIVER, 'standard-objects.json'),
      '--stubs',
      path.join(DRIVER, 'stubs'),
      ...dirs
    ],
    { cwd: root }
  );
  const errors: CompileError[] = [];
  let summary = false;
  for (const line of out.stdout.split('\n')) {
    const m = /^(.+?):(\d+):(\d+): (.*)$/.exec(line);
    if (m?.[1] && m[2] && m[3] && m[4] !== undefined) {
      errors.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), message: m[4] });
    } else if (/^apex-compile: \d+ file\(s\) compiled, \d+ error\(s\)$/.test(line)) {
      summary = true;
    }
  }
  const consistent = summary && (out.code === 0 ? errors.length === 0 : errors.length > 0);
  if (out.code > 1 || !consistent) {
    return {
      errors,
      crash: `exit ${out.code}: ${(out.stderr || out.stdout).trim().slice(0, 1500)}`
    };
  }
  return { errors };
}

export const apexCompileStep: Step = {
  id: 'apex-compile',
  title: "Apex compile with Salesforce's compiler (jorje): package alone, then with dev folders",
  async run({ root }: GateContext) {
    const { packages, dev } = compileDirectories(root);
    if (packages.length === 0) return result([], 'no package directories');
    const runs: { label: string; dirs: string[] }[] = [
      { label: packages.join(' + '), dirs: packages }
    ];
    if (dev.length)
      runs.push({ label: [...packages, ...dev].join(' + '), dirs: [...packages, ...dev] });
    let outcomes: CompileRun[];
    try {
      outcomes = await Promise.all(runs.map((run) => compileApex(root, run.dirs)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return result([{ file: '-', line: 0, message: `jorje could not run: ${message}` }], 'failed');
    }
    // One finding per error; an error both runs report is listed once, naming both.
    const byError = new Map<string, { error: CompileError; labels: string[] }>();
    const findings: Finding[] = [];
    outcomes.forEach((outcome, i) => {
      const label = runs[i]?.label ?? '';
      if (outcome.crash) {
        findings.push({
          file: '-',
          line: 0,
          message: `jorje crashed (${label}): ${outcome.crash}`
        });
      }
      for (const error of outcome.errors) {
        const key = `${error.file}:${error.line}:${error.column}:${error.message}`;
        const seen = byError.get(key);
        if (seen) seen.labels.push(label);
        else byError.set(key, { error, labels: [label] });
      }
    });
    for (const { error, labels } of byError.values()) {
      findings.push({
        file: error.file,
        line: error.line,
        message: `${error.message} (column ${error.column}; ${labels.length === runs.length && runs.length > 1 ? 'both runs' : labels.join(', ')})`
      });
    }
    const counts = outcomes.map((o, i) => `${runs[i]?.label}: ${o.errors.length} error(s)`);
    return result(findings, counts.join('; '));
  }
};
