// Compiles the TypeScript sources of the Lightning Web Components to the `.js` the platform
// deploys, beside each source. Types are stripped and decorators are kept exactly as written:
// the LWC compiler on the platform expects its own decorators, not a down-levelled version.
//
//   tsx scripts/build-lwc.ts           write every stale or missing .js
//   tsx scripts/build-lwc.ts --check   write nothing; exit 1 listing every stale or missing .js
import fs from 'node:fs';
import path from 'node:path';
import { transformAsync } from '@babel/core';
import { lwcDirectories } from './core/paths';

const HEADER = (source: string) =>
  `// Compiled from ${source} by scripts/build-lwc.ts. Do not edit: change the .ts and run npm run build:lwc.\n`;

export interface Output {
  source: string;
  target: string;
  code: string;
}

/**
 * `lwc/<component>/*.ts` in every given `lwc` folder (by default every one in every package
 * directory), without declarations and tests (tests live in __tests__ folders).
 */
export function findSources(lwcDirs: string | string[] = lwcDirectories()): string[] {
  const sources: string[] = [];
  for (const lwcDir of typeof lwcDirs === 'string' ? [lwcDirs] : lwcDirs) {
    sources.push(...componentSources(lwcDir));
  }
  return sources.sort();
}

function componentSources(lwcDir: string): string[] {
  if (!fs.existsSync(lwcDir)) {
    return [];
  }
  const sources: string[] = [];
  for (const entry of fs.readdirSync(lwcDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('__') || entry.name === 'types') {
      continue;
    }
    const dir = path.join(lwcDir, entry.name);
    for (const file of fs.readdirSync(dir)) {
      if (file.endsWith('.ts') && !file.endsWith('.d.ts') && !/\.(test|spec)\.ts$/.test(file)) {
        sources.push(path.join(dir, file));
      }
    }
  }
  return sources.sort();
}

export async function compileSource(source: string, code: string): Promise<string> {
  const result = await transformAsync(code, {
    filename: source,
    babelrc: false,
    configFile: false,
    comments: true,
    retainLines: false,
    presets: [
      ['@babel/preset-typescript', { allowDeclareFields: true, onlyRemoveTypeImports: false }]
    ],
    plugins: [['@babel/plugin-syntax-decorators', { version: '2023-11' }]]
  });
  if (!result?.code) {
    throw new Error(`babel produced no output for ${source}`);
  }
  return `${HEADER(path.basename(source))}${result.code}\n`;
}

export async function compileAll(lwcDirs: string | string[] = lwcDirectories()): Promise<Output[]> {
  const outputs: Output[] = [];
  for (const source of findSources(lwcDirs)) {
    const code = await compileSource(source, fs.readFileSync(source, 'utf8'));
    outputs.push({ source, target: source.replace(/\.ts$/, '.js'), code });
  }
  return outputs;
}

/** Targets whose file on disk is missing or differs from what the source compiles to. */
export function staleOutputs(outputs: Output[]): { target: string; reason: 'missing' | 'stale' }[] {
  const stale: { target: string; reason: 'missing' | 'stale' }[] = [];
  for (const output of outputs) {
    if (!fs.existsSync(output.target)) {
      stale.push({ target: output.target, reason: 'missing' });
    } else if (fs.readFileSync(output.target, 'utf8') !== output.code) {
      stale.push({ target: output.target, reason: 'stale' });
    }
  }
  return stale;
}

export async function main(
  argv: string[],
  lwcDirs: string | string[] = lwcDirectories()
): Promise<number> {
  const check = argv.includes('--check');
  const outputs = await compileAll(lwcDirs);
  const stale = staleOutputs(outputs);
  const rel = (file: string) => path.relative(process.cwd(), file).split(path.sep).join('/');
  if (check) {
    for (const item of stale) {
      process.stderr.write(`${item.reason}: ${rel(item.target)} (run npm run build:lwc)\n`);
    }
    if (stale.length === 0) {
      process.stdout.write(`build:lwc --check: ${outputs.length} compiled file(s) up to date\n`);
    }
    return stale.length === 0 ? 0 : 1;
  }
  for (const item of stale) {
    const output = outputs.find((candidate) => candidate.target === item.target);
    if (output) {
      fs.writeFileSync(output.target, output.code);
      process.stdout.write(`wrote ${rel(output.target)}\n`);
    }
  }
  process.stdout.write(`build:lwc: ${outputs.length} source(s), ${stale.length} written\n`);
  return 0;
}

// Run as a script (tsx scripts/build-lwc.ts), not when imported by the preview or by tests.
if (/build-lwc\.ts$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `build:lwc failed: ${error instanceof Error ? error.message : String(error)}\n`
      );
      process.exit(1);
    }
  );
}
