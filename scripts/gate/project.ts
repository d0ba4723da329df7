import fs from 'node:fs';
import path from 'node:path';

interface SfdxProject {
  packageDirectories?: { path: string }[];
  plugins?: { rinkel?: { devPackageDirectories?: string[] } };
}

/**
 * The metadata folders of a project, in deploy order: the dev-only folders first (they define
 * objects such as the sample Weborder__c that customer orgs bring themselves), then the
 * package directories of sfdx-project.json.
 */
export function metadataDirectories(root: string): string[] {
  const project = JSON.parse(
    fs.readFileSync(path.join(root, 'sfdx-project.json'), 'utf8')
  ) as SfdxProject;
  const dev = project.plugins?.rinkel?.devPackageDirectories ?? [];
  const packages = (project.packageDirectories ?? []).map((dir) => dir.path);
  return [...dev, ...packages].filter((dir) => fs.existsSync(path.join(root, dir)));
}

/** `file` (absolute, or relative to `root`) as a root-relative path with forward slashes. */
export function rel(root: string, file: string): string {
  return path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
}

/** All files under `dir` (recursively) whose name passes `accept`, skipping node_modules. */
export function walk(dir: string, accept: (file: string) => boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full, accept));
    else if (accept(full)) out.push(full);
  }
  return out.sort();
}

export function projectFiles(root: string, accept: (file: string) => boolean): string[] {
  return metadataDirectories(root).flatMap((dir) => walk(path.join(root, dir), accept));
}

/** 1-based line number of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
