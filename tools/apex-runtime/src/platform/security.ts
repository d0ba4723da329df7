/**
 * Users, profiles, permission sets, access modes and record sharing (issue 13, items 6 and 7).
 * Every rule cites its documentation page in docs/apex-runtime.md ("Users, permissions and
 * sharing"); simplifications are listed there too.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Pos, Query, SoqlCond, SoqlFn, SoqlValue, Stmt, TypeDecl } from '../ast';
import { ApexThrow, Unsupported } from '../errors';
import type { Frame, Interp, Scope } from '../interp';
import type { FieldMeta, ObjMeta, Schema } from '../schema';
import { SObj } from '../sobject';
import { AList, AMap, ASet } from '../values';

type Row = Map<string, unknown>;

export interface ObjPerm {
  read: boolean;
  create: boolean;
  edit: boolean;
  del: boolean;
  viewAll: boolean;
  modifyAll: boolean;
}

export interface PermSetMeta {
  name: string;
  label: string;
  description: string;
  objects: Map<string, ObjPerm>; // lower-case object name
  fields: Map<string, { read: boolean; edit: boolean }>; // lower-case Object.Field
  customPermissions: Set<string>; // lower-case
  classes: Set<string>; // lower-case
  userPermissions: Set<string>; // lower-case
  externalPrincipals: Set<string>; // lower-case
}

export interface SecurityMeta {
  permissionSets: PermSetMeta[];
  customPermissions: Set<string>; // lower-case names defined by the project
  apiVersions: Map<string, number>; // project-relative .cls/.trigger path -> apiVersion
  sourceApiVersion: number | null;
  sharingRules: Set<string>; // objects (lower-case) with sharing rules in the project
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    [
      'objectPermissions',
      'fieldPermissions',
      'customPermissions',
      'classAccesses',
      'userPermissions',
      'externalCredentialPrincipalAccesses'
    ].includes(name)
});

const yes = (v: unknown): boolean => String(v) === 'true';

function readRoot(file: string): Record<string, any> {
  const doc = xml.parse(fs.readFileSync(file, 'utf8')) as Record<string, any>;
  const key = Object.keys(doc).find((k) => !k.startsWith('?'));
  return (key ? doc[key] : {}) as Record<string, any>;
}

/** Reads permission sets, custom permissions and the apiVersion of every class and trigger. */
export function loadSecurityMeta(root: string, files: string[]): SecurityMeta {
  const rel = (f: string): string => path.relative(root, f);
  const permissionSets: PermSetMeta[] = [];
  for (const f of files.filter((x) => x.endsWith('.permissionset-meta.xml'))) {
    const x = readRoot(f);
    const ps: PermSetMeta = {
      name: path.basename(f).replace(/\.permissionset-meta\.xml$/, ''),
      label: String(x.label ?? ''),
      description: String(x.description ?? ''),
      objects: new Map(),
      fields: new Map(),
      customPermissions: new Set(),
      classes: new Set(),
      userPermissions: new Set(),
      externalPrincipals: new Set()
    };
    for (const o of (x.objectPermissions ?? []) as Record<string, unknown>[])
      ps.objects.set(String(o.object).toLowerCase(), {
        read: yes(o.allowRead),
        create: yes(o.allowCreate),
        edit: yes(o.allowEdit),
        del: yes(o.allowDelete),
        viewAll: yes(o.viewAllRecords),
        modifyAll: yes(o.modifyAllRecords)
      });
    for (const o of (x.fieldPermissions ?? []) as Record<string, unknown>[])
      ps.fields.set(String(o.field).toLowerCase(), {
        read: yes(o.readable),
        edit: yes(o.editable)
      });
    for (const o of (x.customPermissions ?? []) as Record<string, unknown>[])
      if (yes(o.enabled)) ps.customPermissions.add(String(o.name).toLowerCase());
    for (const o of (x.classAccesses ?? []) as Record<string, unknown>[])
      if (yes(o.enabled)) ps.classes.add(String(o.apexClass).toLowerCase());
    for (const o of (x.userPermissions ?? []) as Record<string, unknown>[])
      if (yes(o.enabled)) ps.userPermissions.add(String(o.name).toLowerCase());
    for (const o of (x.externalCredentialPrincipalAccesses ?? []) as Record<string, unknown>[])
      if (yes(o.enabled))
        ps.externalPrincipals.add(String(o.externalCredentialPrincipal).toLowerCase());
    permissionSets.push(ps);
  }
  const customPermissions = new Set(
    files
      .filter((x) => x.endsWith('.customPermission-meta.xml'))
      .map((f) =>
        path
          .basename(f)
          .replace(/\.customPermission-meta\.xml$/, '')
          .toLowerCase()
      )
  );
  const apiVersions = new Map<string, number>();
  for (const f of files) {
    if (!f.endsWith('.cls-meta.xml') && !f.endsWith('.trigger-meta.xml')) continue;
    const v = Number(readRoot(f).apiVersion);
    if (Number.isFinite(v)) apiVersions.set(rel(f.replace(/-meta\.xml$/, '')), v);
  }
  const sharingRules = new Set(
    files
      .filter((x) => x.endsWith('.sharingRules-meta.xml'))
      .map((f) =>
        path
          .basename(f)
          .replace(/\.sharingRules-meta\.xml$/, '')
          .toLowerCase()
      )
  );
  let sourceApiVersion: number | null = null;
  const proj = path.join(root, 'sfdx-project.json');
  if (fs.existsSync(proj)) {
    const v = Number((JSON.parse(fs.readFileSync(proj, 'utf8')) as any).sourceApiVersion);
    if (Number.isFinite(v)) sourceApiVersion = v;
  }
  return { permissionSets, customPermissions, apiVersions, sourceApiVersion, sharingRules };
}

// ------------------------------------------------------------------ standard profiles

/**
 * Standard profiles (Salesforce Help, "Standard Profiles"). Object permissions of standard
 * profiles are not listed in the documentation object by object; the table below is the
 * documented summary turned into a model (see docs/apex-runtime.md for each simplification).
 */
type ProfileKind = 'admin' | 'standard' | 'readonly' | 'minimum';
export const STANDARD_PROFILES: { name: string; kind: ProfileKind }[] = [
  { name: 'System Administrator', kind: 'admin' },
  { name: 'Standard User', kind: 'standard' },
  { name: 'Read Only', kind: 'readonly' },
  { name: 'Minimum Access - Salesforce', kind: 'minimum' }
];

/** The "major types of records" a Standard User creates and edits. */
const CRM_OBJECTS = new Set(['account', 'contact', 'lead', 'opportunity', 'case', 'task', 'event']);
/** Objects every internal profile reads (users, the org, setup data visible to users). */
const SETUP_READ = new Set([
  'user',
  'profile',
  'permissionset',
  'permissionsetassignment',
  'organization',
  'group',
  'userrole',
  'recordtype',
  'staticresource',
  'crontrigger',
  'cronjobdetail',
  'asyncapexjob',
  'apexclass',
  'userrecordaccess'
]);

/** Default organization-wide sharing of the standard objects (Help, "Default Organization-Wide Sharing Settings"). */
const STANDARD_OWD: Record<string, string> = {
  account: 'ReadWrite',
  contact: 'ControlledByParent',
  lead: 'ReadWriteTransfer',
  opportunity: 'Read',
  case: 'ReadWriteTransfer',
  task: 'ControlledByParent',
  event: 'ControlledByParent'
};

/** Setup objects ("sObjects That Can't Be Used Together in DML Operations"). */
const SETUP_OBJECTS = new Set([
  'user',
  'group',
  'groupmember',
  'permissionset',
  'permissionsetassignment',
  'userrole',
  'queuesobject',
  'objectpermissions',
  'fieldpermissions',
  'setupentityaccess'
]);
/** User fields whose update makes a User update a setup operation (same page). */
const USER_SETUP_FIELDS = [
  'userroleid',
  'isactive',
  'forecastenabled',
  'isportalenabled',
  'username',
  'profileid'
];

export interface Effective {
  userId: string;
  admin: boolean; // Modify All Data + View All Data
  profile: ProfileKind | 'custom';
  objects: Map<string, ObjPerm>;
  fields: Map<string, { read: boolean; edit: boolean }>;
  custom: Set<string>;
  userPerms: Set<string>;
  externalPrincipals: Set<string>;
  roleId: string | null;
}

export interface UserContext {
  userId: string;
  profileId: string;
  language: string;
  locale: string;
  timezone: string;
  userName: string;
}

export interface Mode {
  /** object and field permissions enforced */
  user: boolean;
  /** record sharing enforced */
  sharing: boolean;
}

const NONE: ObjPerm = {
  read: false,
  create: false,
  edit: false,
  del: false,
  viewAll: false,
  modifyAll: false
};

export class Security {
  /** Profile Id -> kind; PermissionSet Id -> metadata */
  profiles = new Map<string, ProfileKind>();
  permsets = new Map<string, PermSetMeta>();
  /** the running user context stack (runAs pushes) */
  stack: UserContext[] = [];
  /** mixed-DML state of the current transaction segment */
  mixed: { setup: boolean; obj: string } | null = null;
  private cache = new Map<string, Effective>();
  private cacheTables: unknown = null;
  private cacheSig = '';

  constructor(
    readonly meta: SecurityMeta,
    readonly schema: Schema,
    readonly db: any,
    readonly org: any
  ) {}

  /** Seeds the standard profiles and the project's permission sets; returns the admin profile Id. */
  seed(): string {
    let admin = '';
    for (const p of STANDARD_PROFILES) {
      // The system permissions a test can select standard profiles by without their names
      // (which the org's language translates): administrators modify and view all data; of
      // the others only the Standard User edits tasks ("Standard Profiles").
      const id = this.db.seed('Profile', {
        Name: p.name,
        UserType: 'Standard',
        PermissionsModifyAllData: p.kind === 'admin',
        PermissionsViewAllData: p.kind === 'admin',
        PermissionsEditTask: p.kind === 'admin' || p.kind === 'standard'
      }) as string;
      this.profiles.set(id, p.kind);
      if (p.kind === 'admin') admin = id;
    }
    for (const ps of this.meta.permissionSets) {
      const id = this.db.seed('PermissionSet', {
        Name: ps.name,
        Label: ps.label || ps.name,
        Description: ps.description || null,
        IsOwnedByProfile: false,
        NamespacePrefix: null
      }) as string;
      this.permsets.set(id, ps);
    }
    return admin;
  }

  resetTransaction(): void {
    this.mixed = null;
    this.stack = [];
    this.cache.clear();
  }

  // -------------------------------------------------------------- effective permissions

  effective(userId: string): Effective {
    // any DML or data restore may change users and assignments: recompute after one
    const sig = `${this.db.counter as number}:${(this.db.journal as unknown[]).length}`;
    if (this.cacheTables !== this.db.tables || this.cacheSig !== sig) {
      this.cache.clear();
      this.cacheTables = this.db.tables;
      this.cacheSig = sig;
    }
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const u = this.db.table('user').get(userId) as Row | undefined;
    if (!u) throw new Unsupported(`permissions of user ${userId} (no User row)`);
    // PEDG "Configure the User and Batch Size for Your Platform Event Trigger": an event trigger
    // runs "in system context with privileges to access all records regardless of the user's
    // object and field-level permissions". The Automated Process entity has no profile; it is
    // modelled with every permission (the page is silent on its sharing; see docs).
    const automated = u.get('usertype') === 'AutomatedProcess';
    const kind = automated
      ? 'admin'
      : (this.profiles.get(String(u.get('profileid') ?? '')) ?? 'custom');
    if (kind === 'custom') throw new Unsupported(`permissions of a user with a custom profile`);
    const e: Effective = {
      userId,
      admin: kind === 'admin',
      profile: kind,
      objects: new Map(),
      fields: new Map(),
      custom: new Set(),
      userPerms: new Set(),
      externalPrincipals: new Set(),
      roleId: (u.get('userroleid') as string | null) ?? null
    };
    for (const row of this.db.table('permissionsetassignment').values() as Iterable<Row>) {
      if (row.get('assigneeid') !== userId || row.get('isdeleted') === true) continue;
      const ps = this.permsets.get(String(row.get('permissionsetid')));
      if (!ps) continue;
      for (const [k, p] of ps.objects) {
        const cur = e.objects.get(k) ?? { ...NONE };
        e.objects.set(k, {
          read: cur.read || p.read,
          create: cur.create || p.create,
          edit: cur.edit || p.edit,
          del: cur.del || p.del,
          viewAll: cur.viewAll || p.viewAll,
          modifyAll: cur.modifyAll || p.modifyAll
        });
      }
      for (const [k, p] of ps.fields) {
        const cur = e.fields.get(k) ?? { read: false, edit: false };
        e.fields.set(k, { read: cur.read || p.read, edit: cur.edit || p.edit });
      }
      for (const c of ps.customPermissions) e.custom.add(c);
      for (const c of ps.userPermissions) e.userPerms.add(c);
      for (const c of ps.externalPrincipals) e.externalPrincipals.add(c);
    }
    this.cache.set(userId, e);
    return e;
  }

  current(): Effective {
    return this.effective(this.org.userId as string);
  }

  objPerm(e: Effective, o: ObjMeta): ObjPerm {
    if (e.admin)
      return { read: true, create: true, edit: true, del: true, viewAll: true, modifyAll: true };
    const fromSets = e.objects.get(o.key) ?? NONE;
    let base = NONE;
    if (o.kind === 'standard') {
      if (e.profile === 'standard' && CRM_OBJECTS.has(o.key))
        base = {
          read: true,
          create: true,
          edit: true,
          del: true,
          viewAll: false,
          modifyAll: false
        };
      else if (e.profile === 'readonly' && CRM_OBJECTS.has(o.key)) base = { ...NONE, read: true };
      else if (e.profile !== 'minimum' && SETUP_READ.has(o.key)) base = { ...NONE, read: true };
      else if (
        e.profile === 'minimum' &&
        (o.key === 'user' || o.key === 'organization' || o.key === 'userrecordaccess')
      )
        base = { ...NONE, read: true };
    } else if (o.kind === 'mdt') base = { ...NONE, read: true };
    return {
      read: base.read || fromSets.read,
      create: base.create || fromSets.create,
      edit: base.edit || fromSets.edit,
      del: base.del || fromSets.del,
      viewAll: base.viewAll || fromSets.viewAll,
      modifyAll: base.modifyAll || fromSets.modifyAll
    };
  }

  /** Field-level security of `f` on `o` for the user (object permission not included). */
  fieldPerm(e: Effective, o: ObjMeta, f: FieldMeta): { read: boolean; edit: boolean } {
    if (e.admin) return { read: true, edit: true };
    const custom = f.name.endsWith('__c') && o.kind !== 'mdt' && o.kind !== 'setting';
    if (!custom || f.required || f.type === 'masterdetail') return { read: true, edit: true };
    return e.fields.get(`${o.key}.${f.key}`) ?? { read: false, edit: false };
  }

  canRead(e: Effective, o: ObjMeta, f: FieldMeta | null): boolean {
    if (!this.objPerm(e, o).read) return false;
    return !f || this.fieldPerm(e, o, f).read;
  }

  // -------------------------------------------------------------- record access

  sharingModel(o: ObjMeta): string | null {
    const declared = (o as any).sharingModel as string | undefined;
    if (declared) return declared;
    if (o.kind === 'custom') return 'ReadWrite';
    return STANDARD_OWD[o.key] ?? null;
  }

  /** Record access of `userId` to a row: 0 none, 1 read, 2 edit, 3 all (owner, modify all). */
  recordAccess(e: Effective, o: ObjMeta, row: Row, depth = 0): number {
    if (e.admin) return 3;
    const op = this.objPerm(e, o);
    if (op.modifyAll) return 3;
    if (this.meta.sharingRules.has(o.key))
      throw new Unsupported(`sharing rules of ${o.name} (not modelled)`);
    const owner = row.get('ownerid') as string | null | undefined;
    if (owner && owner === e.userId) return 3;
    const viewAll = op.viewAll ? 1 : 0;
    const model = this.sharingModel(o);
    if (model === null) {
      // objects without an owner and without sharing (users, setup data, metadata)
      if (!o.fields.has('ownerid')) return 2;
      throw new Unsupported(`organization-wide default of ${o.name}`);
    }
    let byModel = 0;
    switch (model) {
      case 'Private':
        byModel = 0;
        break;
      case 'Read':
        byModel = 1;
        break;
      case 'ReadWrite':
      case 'ReadWriteTransfer':
        byModel = 2;
        break;
      case 'FullAccess':
        byModel = 3;
        break;
      case 'ControlledByParent':
        byModel = this.parentAccess(e, o, row, depth);
        break;
      default:
        throw new Unsupported(`sharing model ${model} of ${o.name}`);
    }
    let access = Math.max(byModel, viewAll);
    if (access < 1 && owner) access = Math.max(access, this.ownerRule(e, o, owner));
    return access;
  }

  /** Access another user's record would give through the role hierarchy or a queue. */
  ownerRule(e: Effective, o: ObjMeta, owner: string): number {
    if (owner.startsWith('00G'))
      throw new Unsupported(
        `record of ${o.name} owned by a queue or group (membership not modelled)`
      );
    const ownerRow = this.db.table('user').get(owner) as Row | undefined;
    if (e.roleId && ownerRow?.get('userroleid'))
      throw new Unsupported(`role hierarchy access to ${o.name} (roles not modelled)`);
    return 0;
  }

  parentAccess(e: Effective, o: ObjMeta, row: Row, depth: number): number {
    if (depth > 5) throw new Unsupported(`sharing of ${o.name} controlled by a deep parent chain`);
    const parents: string[] = [];
    if (o.key === 'task' || o.key === 'event') {
      for (const k of ['whatid', 'whoid']) {
        const v = row.get(k) as string | null | undefined;
        if (v) parents.push(v);
      }
    } else {
      for (const f of o.fields.values())
        if (f.type === 'masterdetail') {
          const v = row.get(f.key) as string | null | undefined;
          if (v) parents.push(v);
        }
      if (!parents.length && o.key === 'contact') {
        const v = row.get('accountid') as string | null | undefined;
        if (v) parents.push(v);
      }
    }
    if (!parents.length) return 0;
    let min = 3;
    for (const id of parents) {
      const p = this.db.rowById(id) as { o: ObjMeta; row: Row } | undefined;
      if (!p) return 0;
      if (!this.objPerm(e, p.o).read) return 0;
      min = Math.min(min, this.recordAccess(e, p.o, p.row, depth + 1));
    }
    return min;
  }

  // -------------------------------------------------------------- access modes

  apiVersion(decl: TypeDecl): number {
    const v = this.meta.apiVersions.get(decl.file) ?? this.meta.sourceApiVersion;
    if (v === null || v === undefined)
      throw new Unsupported(`API version of ${decl.file} (no -meta.xml and no sourceApiVersion)`);
    return v;
  }

  /** The sharing mode in force at frame `i` ("Use the with sharing, without sharing, and inherited sharing Keywords"). */
  sharingAt(frames: Frame[], i: number): boolean {
    if (i < 0) return false;
    const f = frames[i]!;
    if ((f as any).runAs) return true;
    const d = f.cls.decl;
    if (d.kind === 'trigger') return false;
    if (f.cls.builtin) return this.sharingAt(frames, i - 1);
    const m = d.mods.set;
    if (m.has('sharing')) {
      if (m.has('without')) return false;
      if (m.has('with')) return true;
      if (m.has('inherited')) return i > 0 ? this.sharingAt(frames, i - 1) : true;
    }
    if (this.apiVersion(d) >= 67) return true;
    return this.sharingAt(frames, i - 1);
  }

  /** Mode of a database operation written in the top frame, with an explicit mode or none. */
  modeAt(ip: Interp, explicit: string | null): Mode {
    const frames = ip.frames;
    const top = frames[frames.length - 1];
    // a user with Modify All Data and every object and field permission (the System
    // Administrator here) passes every check, so the mode does not matter
    if (!top || this.current().admin) return { user: false, sharing: false };
    const ex = explicit?.toLowerCase() ?? null;
    if (ex === 'user_mode') return { user: true, sharing: true };
    const sharing = this.sharingAt(frames, frames.length - 1);
    if (ex === 'system_mode') return { user: false, sharing };
    if (ex === 'security_enforced')
      throw new Unsupported('WITH SECURITY_ENFORCED (use WITH USER_MODE)');
    const decl = top.cls.decl;
    return { user: this.apiVersion(decl) >= 67, sharing };
  }

  // -------------------------------------------------------------- SOQL

  /** Rows of a virtual object (UserRecordAccess) for the query; null for stored objects. */
  virtualRows(ip: Interp, o: ObjMeta, q: Query, bind: (e: any) => unknown, at: Pos): Row[] | null {
    if (o.key !== 'userrecordaccess') return null;
    const eqs = new Map<string, unknown[]>();
    const collect = (c: SoqlCond | null): void => {
      if (!c) return;
      if (c.k === 'and') c.items.forEach(collect);
      else if (c.k === 'cmp' && c.path && c.path.length === 1 && (c.op === '=' || c.op === 'in')) {
        const k = c.path[0]!.toLowerCase();
        const v = this.soqlValue(ip, c.v, bind, at);
        eqs.set(k, Array.isArray(v) ? v : [v]);
      }
    };
    collect(q.where);
    const users = eqs.get('userid');
    const records = eqs.get('recordid');
    if (!users || !records)
      ip.throwEx(
        'System.QueryException',
        'UserRecordAccess query must filter on UserId and RecordId',
        at
      );
    const out: Row[] = [];
    for (const u of users) {
      const e = this.effective(String(u));
      for (const r of records) {
        const rec = r ? (this.db.rowById(String(r)) as { o: ObjMeta; row: Row } | undefined) : null;
        let a = 0;
        if (rec && rec.row.get('isdeleted') !== true) {
          const op = this.objPerm(e, rec.o);
          a = op.read ? this.recordAccess(e, rec.o, rec.row) : 0;
          if (a >= 2 && !op.edit) a = 1;
        }
        const row: Row = new Map();
        row.set('id', r);
        row.set('userid', u);
        row.set('recordid', r);
        row.set('hasreadaccess', a >= 1);
        row.set('haseditaccess', a >= 2);
        row.set('hasdeleteaccess', a >= 3);
        row.set('hastransferaccess', a >= 3);
        row.set('hasallaccess', a >= 3);
        row.set('maxaccesslevel', ['None', 'Read', 'Edit', 'All'][a]);
        out.push(row);
      }
    }
    return out;
  }

  soqlValue(ip: Interp, v: SoqlValue, bind: (e: any) => unknown, at: Pos): unknown {
    if (v.k === 'lit') return v.v;
    if (v.k === 'bind') {
      const b = bind(v.e);
      if (b instanceof AList) return b.a.map((x) => (x instanceof SObj ? x.f.get('id') : x));
      if (b instanceof ASet) return [...b.m.values()];
      return b;
    }
    if (v.k === 'list') return v.items.map((x) => this.soqlValue(ip, x, bind, at));
    throw ip.unsupported('UserRecordAccess filter value', at);
  }

  /** Checks object and field permissions of a user-mode query; throws QueryException. */
  checkQuery(ip: Interp, q: Query, o: ObjMeta, mode: Mode, at: Pos): void {
    if (!mode.user) return;
    const e = this.current();
    if (e.admin) return;
    if (!this.objPerm(e, o).read)
      ip.throwEx('System.QueryException', `sObject type '${o.name}' is not supported.`, at);
    const bad = new Map<string, Set<string>>();
    const field = (path: string[] | undefined | null): void => {
      if (!path?.length) return;
      let obj = o;
      let p = path;
      if (p.length > 1 && p[0]!.toLowerCase() === obj.key) p = p.slice(1);
      for (let i = 0; i < p.length; i++) {
        const part = p[i]!.toLowerCase();
        const last = i === p.length - 1;
        let f: FieldMeta | undefined;
        if (last) f = obj.fields.get(part);
        else f = [...obj.fields.values()].find((x) => x.relationshipName?.toLowerCase() === part);
        if (!f) return; // the query itself reports unknown fields
        if (!this.canRead(e, obj, f)) {
          const set = bad.get(obj.name) ?? new Set<string>();
          set.add(f.name);
          bad.set(obj.name, set);
          return;
        }
        if (last) return;
        const refs = f.referenceTo ?? [];
        if (refs.length !== 1 || refs[0] === '*') return; // polymorphic: target checked per row
        const next = this.schema.get(refs[0]!);
        if (!next) return;
        if (!this.objPerm(e, next).read) {
          const set = bad.get(obj.name) ?? new Set<string>();
          set.add(f.name);
          bad.set(obj.name, set);
          return;
        }
        obj = next;
      }
    };
    const fn = (x: SoqlFn | null | undefined): void => {
      if (x?.path) field(x.path);
    };
    const cond = (c: SoqlCond | null): void => {
      if (!c) return;
      if (c.k === 'not') cond(c.c);
      else if (c.k === 'cmp') {
        field(c.path);
        fn(c.fn);
      } else c.items.forEach(cond);
    };
    for (const s of q.select) {
      if (s.path) field(s.path);
      if (s.fn) fn(s.fn);
      if (s.sub) {
        const rel = o.children.get(s.sub.from.toLowerCase());
        const child = rel ? this.schema.get(rel.object) : undefined;
        if (child) this.checkQuery(ip, { ...s.sub, from: child.name }, child, mode, at);
      }
    }
    cond(q.where);
    cond(q.having);
    for (const ob of q.orderBy) {
      field(ob.path);
      fn(ob.fn);
    }
    for (const g of q.groupBy ?? []) {
      if (Array.isArray(g)) field(g);
      else fn(g);
    }
    if (bad.size) {
      const names = [...bad.entries()].map(([obj, fs]) => `${obj}.${[...fs].join(', ')}`);
      const ex = ip.makeException(
        'System.QueryException',
        `No such column '${[...bad.values()][0]!.values().next().value}' on entity '${[...bad.keys()][0]}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
        at
      );
      ex.host.inaccessible = bad;
      void names;
      throw new ApexThrow(ex);
    }
  }

  /** Rows the user may read when sharing is enforced. */
  visible(o: ObjMeta, rows: Row[], mode: Mode): Row[] {
    if (!mode.sharing && !mode.user) return rows;
    if (!mode.sharing) return rows;
    const e = this.current();
    if (e.admin) return rows;
    const op = this.objPerm(e, o);
    if (op.viewAll || op.modifyAll) return rows;
    return rows.filter((r) => this.recordAccess(e, o, r) >= 1);
  }

  // -------------------------------------------------------------- DML

  /** Errors a DML call gets before it runs: mixed DML, object and field permissions, sharing. */
  checkDml(
    ip: Interp,
    op: string,
    o: ObjMeta,
    records: SObj[],
    explicit: string | null,
    _at: Pos
  ): Map<number, { code: string; msg: string; fields: string[] }[]> {
    const errors = new Map<number, { code: string; msg: string; fields: string[] }[]>();
    const add = (i: number, code: string, msg: string, fields: string[] = []): void => {
      const l = errors.get(i) ?? [];
      l.push({ code, msg, fields });
      errors.set(i, l);
    };
    // mixed DML ("sObjects That Can't Be Used Together in DML Operations")
    const setup = this.isSetupDml(op, o, records);
    if (!this.mixed) this.mixed = { setup, obj: o.name };
    else if (this.mixed.setup !== setup) {
      const msg = `DML operation on setup object is not permitted after you have updated a non-setup object (or vice versa): ${o.name}, original object: ${this.mixed.obj}`;
      records.forEach((_, i) => add(i, 'MIXED_DML_OPERATION', msg));
      return errors;
    }
    const mode = this.modeAt(ip, explicit);
    if (!mode.user && !mode.sharing) return errors;
    const e = this.current();
    if (e.admin) return errors;
    const perm = this.objPerm(e, o);
    const need =
      op === 'insert'
        ? perm.create
        : op === 'update'
          ? perm.edit
          : op === 'delete' || op === 'undelete'
            ? perm.del
            : null;
    records.forEach((r, i) => {
      const hasId = !!r.f.get('id');
      if (mode.user) {
        const allowed =
          need ?? (op === 'upsert' ? (hasId ? perm.edit : perm.create || perm.edit) : false);
        if (!allowed) {
          add(i, 'INSUFFICIENT_ACCESS_OR_READONLY', `insufficient access rights on object id`);
          return;
        }
        if (op === 'insert' || op === 'update' || op === 'upsert') {
          const denied: string[] = [];
          for (const k of r.f.keys()) {
            if (k === 'id') continue;
            const f = o.fields.get(k);
            if (!f || (!f.createable && !f.updateable)) continue;
            const fp = this.fieldPerm(e, o, f);
            if (!fp.edit) denied.push(f.name);
          }
          if (denied.length) {
            add(
              i,
              'INVALID_FIELD_FOR_INSERT_UPDATE',
              `Unable to create/update fields: ${denied.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
              denied
            );
            return;
          }
        }
      }
      if (mode.sharing && hasId && op !== 'insert') {
        const row = this.db.table(o.key).get(r.f.get('id') as string) as Row | undefined;
        if (!row) return;
        const a = this.recordAccess(e, o, row);
        const needed = op === 'delete' || op === 'undelete' ? 3 : 2;
        if (a < needed)
          add(i, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
      }
    });
    return errors;
  }

  isSetupDml(op: string, o: ObjMeta, records: SObj[]): boolean {
    if (!SETUP_OBJECTS.has(o.key)) return false;
    if (o.key === 'group') return op !== 'insert' && op !== 'update';
    if (o.key === 'user' && op === 'update')
      return records.some((r) => {
        const id = r.f.get('id') as string | undefined;
        const row = id ? (this.db.table('user').get(id) as Row | undefined) : undefined;
        return USER_SETUP_FIELDS.some((k) => r.f.has(k) && (!row || row.get(k) !== r.f.get(k)));
      });
    return true;
  }

  // -------------------------------------------------------------- runAs

  /** System.runAs(user) { … } ("Using the runAs Method"). */
  runAs(ip: Interp, s: Extract<Stmt, { k: 'runas' }>, scope: Scope, exec: () => number): number {
    const arg = s.args.length === 1 ? ip.eval(s.args[0]!, scope) : undefined;
    if (!(arg instanceof SObj) || arg.type.toLowerCase() !== 'user')
      throw ip.unsupported('System.runAs with anything but a User (package versions)', s);
    const id = arg.f.get('id') as string | null | undefined;
    if (!id) throw ip.unsupported('System.runAs with a User that is not inserted', s);
    const row = this.db.table('user').get(id) as Row | undefined;
    if (!row || row.get('isdeleted') === true)
      throw ip.unsupported('System.runAs with a User Id that has no row', s);
    // every call to runAs counts against the DML statement limit
    this.org.limits.dml++;
    (ip.host as any).checkLimits(ip, s);
    const saved = this.running();
    const savedMixed = this.mixed;
    const frame = ip.frames[ip.frames.length - 1]! as any;
    const savedRunAs = frame.runAs;
    this.stack.push(saved);
    this.apply(this.contextOf(id, row, saved));
    this.mixed = null;
    frame.runAs = true;
    try {
      return exec();
    } finally {
      frame.runAs = savedRunAs;
      this.mixed = savedMixed;
      this.apply(this.stack.pop()!);
    }
  }

  /** The running user's context, to be put back with apply(). */
  running(): UserContext {
    const o = this.org;
    return {
      userId: o.userId,
      profileId: o.profileId,
      language: o.language,
      locale: o.locale,
      timezone: o.timezone,
      userName: o.userName
    };
  }

  /** The context System.runAs gives the user of `row`; what the row leaves empty comes from `fallback`. */
  contextOf(userId: string, row: Row, fallback: UserContext): UserContext {
    return {
      userId,
      profileId: String(row.get('profileid') ?? ''),
      language: String(row.get('languagelocalekey') ?? fallback.language),
      locale: String(row.get('localesidkey') ?? fallback.locale),
      timezone: String(row.get('timezonesidkey') ?? fallback.timezone),
      userName: String(row.get('username') ?? '')
    };
  }

  apply(c: UserContext): void {
    this.org.userId = c.userId;
    this.org.profileId = c.profileId;
    this.org.language = c.language;
    this.org.locale = c.locale;
    this.org.timezone = c.timezone;
    this.org.userName = c.userName;
    this.db.userId = c.userId;
  }

  userName(): string {
    const row = this.db.table('user').get(this.org.userId) as Row | undefined;
    if (!row) return '';
    return [row.get('firstname'), row.get('lastname')].filter((x) => x).join(' ');
  }

  /** FeatureManagement.checkPermission: custom permissions of the running user. */
  checkPermission(ip: Interp, name: unknown, at: Pos): boolean {
    if (name === null || name === undefined) ip.npe(at);
    const key = String(name).toLowerCase();
    if (!this.meta.customPermissions.has(key))
      throw ip.unsupported(
        `FeatureManagement.checkPermission of ${String(name)} (not in the project)`,
        at
      );
    return this.current().custom.has(key);
  }

  /** DescribeSObjectResult access methods for the running user. */
  describeObject(o: ObjMeta, m: string): boolean {
    const e = this.current();
    const p = this.objPerm(e, o);
    if (o.kind === 'mdt') return m === 'isaccessible' || m === 'isqueryable' ? true : false;
    switch (m) {
      case 'isaccessible':
      case 'isqueryable':
        return p.read;
      case 'iscreateable':
        return p.create;
      case 'isupdateable':
        return p.edit;
      case 'isdeletable':
        return p.del;
    }
    return false;
  }

  describeField(o: ObjMeta, f: FieldMeta, m: string): boolean {
    const e = this.current();
    const p = this.objPerm(e, o);
    const fp = this.fieldPerm(e, o, f);
    switch (m) {
      case 'isaccessible':
        return p.read && fp.read;
      case 'iscreateable':
        return f.createable && p.create && fp.edit;
      case 'isupdateable':
        return f.updateable && p.edit && fp.edit;
    }
    return false;
  }

  /** QueryException.getInaccessibleFields(): Map<String, Set<String>>. */
  inaccessibleFields(ip: Interp, ex: any): AMap {
    const T_STRING = { key: 'string', name: 'String', args: [] };
    const m = new AMap(T_STRING, { key: 'set', name: 'Set', args: [T_STRING] });
    const bad = (ex.host?.inaccessible ?? new Map()) as Map<string, Set<string>>;
    for (const [obj, fs] of bad) {
      const s = new ASet(T_STRING);
      for (const f of fs) ip.setAdd(s, f);
      ip.mapPut(m, obj, s);
    }
    return m;
  }
}
