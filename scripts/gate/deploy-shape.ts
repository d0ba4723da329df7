/**
 * What `sf project deploy` would send, checked offline: the Salesforce CLI converts the source
 * folders to a Metadata API package exactly as a deploy does (same registry, same .forceignore),
 * which fails on files it cannot place (a -meta.xml without its source, an unknown folder). The
 * converted package must then hold each component's compiled .js and none of its TypeScript.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bin, exec } from './exec';
import { SF_QUIET_ENV, parseSfJson } from '../clients/org';
import { metadataDirectories, rel, walk } from '../core/paths';
import { type Finding, type GateContext, type Step, result } from './types';

/** The message of a failed `sf --json` run, or its raw output when that is not JSON. */
function sfError(output: string): string | undefined {
  const parsed = parseSfJson(output);
  if (!parsed) return output.trim().slice(0, 500) || undefined;
  if (parsed.status === 0) return undefined;
  return typeof parsed.message === 'string' ? parsed.message : 'conversion failed';
}

/** The source folder of an LWC bundle, so a finding points at the file a person edits. */
function bundleSource(root: string, dirs: string[], bundle: string): string {
  for (const dir of dirs) {
    const meta = walk(path.join(root, dir), (f) => f.endsWith(`${path.sep}${bundle}.js-meta.xml`));
    const found = meta.find((f) => path.basename(path.dirname(path.dirname(f))) === 'lwc');
    if (found) return rel(root, path.dirname(found));
  }
  return `lwc/${bundle}`;
}

/** The converted package's LWC bundles: TypeScript must not be there, the compiled .js must. */
function lwcFindings(root: string, dirs: string[], outDir: string): Finding[] {
  const findings: Finding[] = [];
  const lwcDir = path.join(outDir, 'lwc');
  if (!fs.existsSync(lwcDir)) return findings;
  for (const bundle of fs.readdirSync(lwcDir)) {
    const files = walk(path.join(lwcDir, bundle), () => true).map((f) => rel(lwcDir, f));
    const source = bundleSource(root, dirs, bundle);
    for (const ts of files.filter((f) => f.endsWith('.ts'))) {
      findings.push({
        file: `${source}/${ts.slice(bundle.length + 1)}`,
        line: 1,
        message: 'TypeScript source would be deployed (add **/lwc/**/*.ts to .forceignore)'
      });
    }
    if (!files.includes(`${bundle}/${bundle}.js`)) {
      findings.push({
        file: source,
        line: 1,
        message: `component ${bundle} would deploy without ${bundle}.js (run \`npm run build:lwc\`)`
      });
    }
  }
  return findings;
}

/**
 * Members that package.xml names but the converted folder holds no file for. The Metadata API
 * rejects such a deploy ("An object … of type … was named in package.xml, but was not found in
 * zipped directory"); `sf project convert source` lists a folder as a component even when
 * .forceignore dropped every file in it (an `lwc/types` folder of declarations did exactly that).
 */
export function membersWithoutFiles(outDir: string): { type: string; member: string }[] {
  const manifest = fs.readFileSync(path.join(outDir, 'package.xml'), 'utf8');
  const files = walk(outDir, (f) => !f.endsWith(`${path.sep}package.xml`));
  const baseNames = new Set<string>();
  const folderNames = new Set<string>();
  for (const file of files) {
    const relative = rel(outDir, file).split('/');
    const name = relative[relative.length - 1] ?? '';
    baseNames.add(name.replace(/\.[^.]+(-meta\.xml)?$/, ''));
    relative.slice(1, -1).forEach((folder) => folderNames.add(folder));
  }
  const contains = (base: string, child: string): boolean =>
    files.some(
      (f) =>
        path.basename(f).replace(/\.[^.]+$/, '') === base &&
        fs.readFileSync(f, 'utf8').includes(`<fullName>${child}</fullName>`)
    );
  const missing: { type: string; member: string }[] = [];
  for (const block of manifest.match(/<types>[\s\S]*?<\/types>/g) ?? []) {
    const type = /<name>([^<]+)<\/name>/.exec(block)?.[1] ?? '';
    for (const m of block.matchAll(/<members>([^<]+)<\/members>/g)) {
      const member = m[1] ?? '';
      const dot = member.indexOf('.');
      // Reports, dashboards, documents and email templates live in folders: "Folder/Name" is the
      // file Folder/Name.<suffix>, and "Folder/" (as sf names the folder itself) is Folder-meta.xml.
      const inFolder = member.includes('/')
        ? files.some((f) => {
            const relative = rel(outDir, f).split('/').slice(1).join('/');
            return member.endsWith('/')
              ? relative === `${member.slice(0, -1)}-meta.xml`
              : relative.replace(/\.[^./]+$/, '') === member;
          })
        : false;
      const found =
        inFolder ||
        baseNames.has(member) ||
        folderNames.has(member) ||
        (dot > 0 && contains(member.slice(0, dot), member.slice(dot + 1))) ||
        (type === 'CustomLabel' && contains('CustomLabels', member));
      if (!found) missing.push({ type, member });
    }
  }
  return missing;
}

export const deployShapeStep: Step = {
  id: 'deploy-shape',
  title: 'deploy shape (sf project convert source: what a deploy would send)',
  async run({ root }: GateContext) {
    const dirs = metadataDirectories(root);
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rinkel-convert-'));
    try {
      const out = await exec(
        bin('sf'),
        [
          'project',
          'convert',
          'source',
          ...dirs.flatMap((dir) => ['--source-dir', dir]),
          '--output-dir',
          outDir,
          '--json'
        ],
        { cwd: root, env: SF_QUIET_ENV }
      );
      const error = out.code === 0 ? undefined : (sfError(out.stdout) ?? out.stderr.trim());
      if (error) {
        // sf names the offending file at the start of its message.
        const file = /^(\/\S+?): /.exec(error)?.[1];
        const message = file ? error.slice(file.length + 2) : error;
        return result(
          [{ file: file ? rel(root, file) : '-', line: 1, message }],
          'the source does not convert to a deployable package'
        );
      }
      const findings = [
        ...lwcFindings(root, dirs, outDir),
        ...membersWithoutFiles(outDir).map(({ type, member }) => ({
          file: 'package.xml',
          line: 1,
          message: `${type} ${member} is named in the manifest but has no file in the package (the Metadata API rejects the deploy)`
        }))
      ];
      const components = (
        fs.readFileSync(path.join(outDir, 'package.xml'), 'utf8').match(/<members>/g) ?? []
      ).length;
      return result(
        findings,
        findings.length
          ? `${findings.length} problem(s) in the converted package`
          : `${components} component(s) from ${dirs.join(' + ')} convert`
      );
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
};
