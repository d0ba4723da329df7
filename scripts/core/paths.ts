// The one place that knows where things are: the repository root (computed once, here) and the
// Salesforce source of a project, found through sfdx-project.json rather than hard-coded folders.
//
// Source format allows any folder depth below a package directory (the file suffix decides the
// metadata type), so files are found by their metadata folder and name across every package
// directory: `sourceFile('classes', 'PhoneNormalizer.cls')`, `lwcBundle('callTimeline')`,
// `staticResource('RinkelPhoneVectors')`. Every function takes the project root as its last
// argument (the gate checks fixture projects too) and defaults to this repository.
import fs from 'node:fs';
import path from 'node:path';
import { isRecord } from './json';

/** This repository: scripts/core/ is two folders below it. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** `file` (absolute, or relative to `root`) as a root-relative path with forward slashes. */
export function rel(root: string, file: string): string {
  return path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
}

/** All files under `dir` (recursively) whose path passes `accept`, skipping node_modules and dot entries. */
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

interface ProjectDirectories {
  packages: string[];
  defaultPackage: string | undefined;
  dev: string[];
}

function readProject(root: string): ProjectDirectories {
  const file = path.join(root, 'sfdx-project.json');
  const project: unknown = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const entries =
    isRecord(project) && Array.isArray(project.packageDirectories)
      ? project.packageDirectories.filter(isRecord)
      : [];
  const packages = entries
    .map((entry) => entry.path)
    .filter((p): p is string => typeof p === 'string');
  const defaultEntry = entries.find((entry) => entry.default === true) ?? entries[0];
  const plugins = isRecord(project) && isRecord(project.plugins) ? project.plugins : undefined;
  const rinkel = plugins && isRecord(plugins.rinkel) ? plugins.rinkel : undefined;
  const dev =
    rinkel && Array.isArray(rinkel.devPackageDirectories)
      ? rinkel.devPackageDirectories.filter((d): d is string => typeof d === 'string')
      : [];
  return {
    packages,
    defaultPackage: typeof defaultEntry?.path === 'string' ? defaultEntry.path : undefined,
    dev
  };
}

const existing = (root: string, dirs: string[]): string[] =>
  dirs.filter((dir) => fs.existsSync(path.join(root, dir)));

/** The product's package directories (`packageDirectories` of sfdx-project.json), root-relative. */
export function packageDirectories(root: string = REPO_ROOT): string[] {
  return existing(root, readProject(root).packages);
}

/** The dev-only source folders (sample Weborder__c): `plugins.rinkel.devPackageDirectories`. */
export function devPackageDirectories(root: string = REPO_ROOT): string[] {
  return existing(root, readProject(root).dev);
}

/**
 * Every metadata folder of a project, in deploy order: the dev-only folders first (they define
 * objects such as the sample Weborder__c that customer orgs bring themselves), then the package
 * directories.
 */
export function metadataDirectories(root: string = REPO_ROOT): string[] {
  return [...devPackageDirectories(root), ...packageDirectories(root)];
}

/**
 * Where `sf project retrieve` writes components it does not find in the project: `main/default`
 * under the default package directory. It stays empty here; the gate fails when anything sits there.
 */
export function retrieveLandingZone(root: string = REPO_ROOT): string {
  const base = readProject(root).defaultPackage ?? 'force-app';
  return [base, 'main', 'default'].join('/');
}

/** Every file of every metadata folder whose path passes `accept` (absolute paths). */
export function projectFiles(root: string, accept: (file: string) => boolean): string[] {
  return metadataDirectories(root).flatMap((dir) => walk(path.join(root, dir), accept));
}

/** Every `<metadata folder>/<name>` across the metadata folders (absolute paths). */
export function sourceFiles(folder: string, name: string, root: string = REPO_ROOT): string[] {
  const suffix = `${path.sep}${path.join(folder, name)}`;
  return projectFiles(root, (file) => file.endsWith(suffix));
}

/** The one `<metadata folder>/<name>` of the project (absolute); throws when there is none or several. */
export function sourceFile(folder: string, name: string, root: string = REPO_ROOT): string {
  const found = sourceFiles(folder, name, root);
  if (found.length !== 1) {
    const where = found.length ? `: ${found.map((f) => rel(root, f)).join(', ')}` : '';
    throw new Error(`expected one ${folder}/${name} in ${root}, found ${found.length}${where}`);
  }
  return found[0] as string;
}

/** The one metadata folder named `folder` that holds `name` (absolute): e.g. the classes folder of a class. */
export function sourceFolderOf(folder: string, name: string, root: string = REPO_ROOT): string {
  return path.dirname(sourceFile(folder, name, root));
}

/**
 * Every folder named `folder` (a metadata type folder such as `lwc`, `objects`, `classes`) under
 * the metadata folders, in deploy order of the metadata folders (absolute paths).
 */
export function metadataFolders(folder: string, root: string = REPO_ROOT): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.'))
        continue;
      const full = path.join(dir, entry.name);
      if (entry.name === folder) found.push(full);
      else visit(full);
    }
  };
  for (const dir of metadataDirectories(root)) visit(path.join(root, dir));
  return found;
}

/** Every `lwc` folder under the metadata folders (absolute paths). */
export function lwcDirectories(root: string = REPO_ROOT): string[] {
  return metadataFolders('lwc', root);
}

/** The folder of the Lightning Web Component `name` (absolute); throws when it is not there once. */
export function lwcBundle(name: string, root: string = REPO_ROOT): string {
  const found = lwcDirectories(root)
    .map((dir) => path.join(dir, name))
    .filter((dir) => fs.existsSync(dir));
  if (found.length !== 1) {
    throw new Error(`expected one lwc/${name} in ${root}, found ${found.length}`);
  }
  return found[0] as string;
}

/** The content file of the static resource `name` (absolute), whatever its extension. */
export function staticResource(name: string, root: string = REPO_ROOT): string {
  const found = projectFiles(
    root,
    (file) =>
      path.basename(path.dirname(file)) === 'staticresources' &&
      path.basename(file).startsWith(`${name}.`) &&
      !file.endsWith('.resource-meta.xml')
  );
  if (found.length !== 1) {
    throw new Error(`expected one static resource ${name} in ${root}, found ${found.length}`);
  }
  return found[0] as string;
}
