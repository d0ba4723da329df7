// Loads the runtime's host (tools/apex-runtime/src/host) at run time. The specifier is computed on
// purpose: the runtime is type-checked by its own tsconfig (tools/apex-runtime/tsconfig.json, no
// DOM types), and a literal import would pull its sources into the scripts' program, checked
// under other settings. The shape it must have is org-types.ts, the contract between the two.
import path from 'node:path';
import { REPO_ROOT } from '../core/paths';
import type { StartLocalOrg } from './org-types';

export const HOST_MODULE = path.join(REPO_ROOT, 'tools', 'apex-runtime', 'src', 'host', 'index.ts');

export async function loadStartLocalOrg(): Promise<StartLocalOrg> {
  const host = (await import(HOST_MODULE)) as { startLocalOrg?: unknown };
  if (typeof host.startLocalOrg !== 'function') {
    throw Object.assign(new Error(`${HOST_MODULE} exports no startLocalOrg.`), {
      fix: 'Restore tools/apex-runtime/src/host (git checkout tools/apex-runtime).'
    });
  }
  return host.startLocalOrg as StartLocalOrg;
}
