// @salesforce/customPermission/* for a local user: the custom permissions its permission sets
// enable, read from the project's permission set metadata (the assignments come from the org).
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { walk } from '../core/paths';
import type { LocalOrg } from './org-types';

const parser = new XMLParser({ isArray: (name) => name === 'customPermissions' });

/** Permission set API name → the custom permissions it enables. */
export function permissionSetGrants(root: string, packageDirs: string[]): Map<string, string[]> {
  const grants = new Map<string, string[]>();
  for (const dir of packageDirs) {
    for (const file of walk(path.join(root, dir), (f) => f.endsWith('.permissionset-meta.xml'))) {
      const parsed = parser.parse(fs.readFileSync(file, 'utf8')) as {
        PermissionSet?: { customPermissions?: { name?: string; enabled?: boolean | string }[] };
      };
      const enabled = (parsed.PermissionSet?.customPermissions ?? [])
        .filter((p) => p.enabled === true || p.enabled === 'true')
        .map((p) => String(p.name));
      grants.set(path.basename(file, '.permissionset-meta.xml'), enabled);
    }
  }
  return grants;
}

export async function customPermissionsOf(
  org: LocalOrg,
  root: string,
  packageDirs: string[],
  userId: string
): Promise<Record<string, boolean>> {
  const grants = permissionSetGrants(root, packageDirs);
  const rows = await org.query(
    `SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE AssigneeId = '${userId.replace(/[^A-Za-z0-9]/g, '')}'`
  );
  const permissions: Record<string, boolean> = {};
  for (const row of rows) {
    const set = (row.PermissionSet as { Name?: unknown } | undefined)?.Name;
    for (const name of grants.get(String(set)) ?? []) permissions[name] = true;
  }
  return permissions;
}
