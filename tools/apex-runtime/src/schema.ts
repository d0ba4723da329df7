/**
 * Object and field schema: the project's metadata plus a hand-kept table of the standard objects
 * (documented in docs/apex-runtime.md; values from the Salesforce Object Reference).
 */
export interface FieldMeta {
  name: string;
  key: string;
  type: string; // lower-case metadata type: text, textarea, longtextarea, picklist, multiselectpicklist,
  // checkbox, number, currency, percent, date, datetime, time, email, phone, url, lookup,
  // masterdetail, id, reference, autonumber, int, double, formula
  length?: number;
  precision?: number;
  scale?: number;
  required?: boolean;
  unique?: boolean;
  externalId?: boolean;
  caseSensitive?: boolean;
  picklist?: { values: string[]; restricted: boolean; default?: string };
  defaultValue?: string | null;
  referenceTo?: string[];
  relationshipName?: string;
  childRelationship?: string; // relationshipName on the parent for child subqueries
  createable: boolean;
  updateable: boolean;
  label: string;
  nillable?: boolean;
}

/**
 * Long text and rich text areas (and text areas longer than 255 characters): SOQL "ORDER BY" and
 * "WHERE" say these cannot be sorted or filtered on.
 */
export function isLongText(f: FieldMeta | null | undefined): boolean {
  return (
    !!f &&
    (f.type === 'longtextarea' ||
      f.type === 'html' ||
      (f.type === 'textarea' && (f.length ?? 255) > 255))
  );
}

export interface ObjMeta {
  name: string;
  key: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  kind: 'standard' | 'custom' | 'mdt' | 'setting' | 'event';
  settingType?: 'hierarchy' | 'list';
  fields: Map<string, FieldMeta>;
  /** child relationship name (lower) → child object and field */
  children: Map<string, { object: string; field: string }>;
  nameAutoNumber?: string;
  /** platform events: PublishImmediately or PublishAfterCommit */
  publishBehavior?: string;
  /** organization-wide default from the object metadata (sharingModel) */
  sharingModel?: string;
}

type Spec = string;

const SYS: Spec[] = [
  'Id:id',
  'CreatedDate:datetime:ro',
  'CreatedById:reference:ro:User',
  'LastModifiedDate:datetime:ro',
  'LastModifiedById:reference:ro:User',
  'SystemModstamp:datetime:ro',
  'IsDeleted:checkbox:ro'
];

/** name:type[:flags][:refs] — flags: r required, u unique, ro read-only, co create-only, len=N */
const STANDARD: Record<string, { prefix: string; label: string; plural: string; fields: Spec[] }> =
  {
    Account: {
      prefix: '001',
      label: 'Account',
      plural: 'Accounts',
      fields: [
        'Name:text:r,len=255',
        'OwnerId:reference::User',
        'Phone:phone:len=40',
        'Type:picklist',
        'Industry:picklist',
        'Website:url:len=255',
        'Description:longtextarea:len=32000',
        'ParentId:reference::Account',
        'AccountNumber:text:len=40',
        'BillingCity:text:len=40',
        'BillingCountry:text:len=80'
      ]
    },
    Contact: {
      prefix: '003',
      label: 'Contact',
      plural: 'Contacts',
      fields: [
        'FirstName:text:len=40',
        'LastName:text:r,len=80',
        'Name:text:ro',
        'AccountId:reference::Account',
        'Email:email:len=80',
        'Phone:phone:len=40',
        'MobilePhone:phone:len=40',
        'OwnerId:reference::User'
      ]
    },
    Lead: {
      prefix: '00Q',
      label: 'Lead',
      plural: 'Leads',
      fields: [
        'FirstName:text:len=40',
        'LastName:text:r,len=80',
        'Name:text:ro',
        'Company:text:r,len=255',
        'Email:email:len=80',
        'Phone:phone:len=40',
        'Status:picklist',
        'OwnerId:reference::User'
      ]
    },
    Opportunity: {
      prefix: '006',
      label: 'Opportunity',
      plural: 'Opportunities',
      fields: [
        'Name:text:r,len=120',
        'StageName:picklist:r',
        'CloseDate:date:r',
        'AccountId:reference::Account',
        'Amount:currency',
        'OwnerId:reference::User'
      ]
    },
    Case: {
      prefix: '500',
      label: 'Case',
      plural: 'Cases',
      fields: [
        'Subject:text:len=255',
        'Status:picklist',
        'Origin:picklist',
        'AccountId:reference::Account',
        'ContactId:reference::Contact',
        'OwnerId:reference::User,Group',
        'Description:longtextarea:len=32000',
        'CaseNumber:text:ro'
      ]
    },
    Task: {
      prefix: '00T',
      label: 'Task',
      plural: 'Tasks',
      fields: [
        'Subject:combobox:len=255',
        'Status:picklist:r',
        'Priority:picklist:r',
        'ActivityDate:date',
        'Description:longtextarea:len=32000',
        'WhatId:reference::*',
        'WhoId:reference::Contact,Lead',
        'OwnerId:reference::User,Group',
        'AccountId:reference:ro:Account',
        'TaskSubtype:picklist:co',
        'Type:picklist',
        'CallType:picklist',
        'CallDurationInSeconds:int',
        'CallDisposition:text:len=255',
        'CallObject:text:len=255',
        'IsClosed:checkbox:ro',
        'IsHighPriority:checkbox:ro',
        'CompletedDateTime:datetime:ro',
        'ReminderDateTime:datetime',
        'IsReminderSet:checkbox'
      ]
    },
    Event: {
      prefix: '00U',
      label: 'Event',
      plural: 'Events',
      fields: [
        'Subject:combobox:len=255',
        'StartDateTime:datetime',
        'EndDateTime:datetime',
        'ActivityDateTime:datetime',
        'DurationInMinutes:int',
        'Description:longtextarea:len=32000',
        'WhatId:reference::*',
        'WhoId:reference::Contact,Lead',
        'OwnerId:reference::User,Group'
      ]
    },
    User: {
      prefix: '005',
      label: 'User',
      plural: 'Users',
      fields: [
        'Username:text:r,u,len=80',
        'LastName:text:r,len=80',
        'FirstName:text:len=40',
        'Name:text:ro',
        'Email:email:r,len=128',
        'Alias:text:r,len=8',
        'CommunityNickname:text:len=40',
        'TimeZoneSidKey:picklist:r',
        'LocaleSidKey:picklist:r',
        'EmailEncodingKey:picklist:r',
        'LanguageLocaleKey:picklist:r',
        'ProfileId:reference:r:Profile',
        'UserRoleId:reference::UserRole',
        'IsActive:checkbox',
        'UserType:picklist:ro',
        'Title:text:len=80',
        'Phone:phone:len=40',
        'MobilePhone:phone:len=40',
        'Extension:phone:len=40',
        'ManagerId:reference::User',
        'FederationIdentifier:text:len=512'
      ]
    },
    Group: {
      prefix: '00G',
      label: 'Group',
      plural: 'Groups',
      fields: [
        'Name:text:r,len=40',
        'DeveloperName:text:len=80',
        'Type:picklist',
        'Email:email:len=255'
      ]
    },
    Profile: {
      prefix: '00e',
      label: 'Profile',
      plural: 'Profiles',
      fields: [
        'Name:text:r,len=255',
        'UserType:picklist:ro',
        'Description:text:len=255',
        'PermissionsModifyAllData:checkbox:ro',
        'PermissionsViewAllData:checkbox:ro',
        'PermissionsEditTask:checkbox:ro'
      ]
    },
    PermissionSet: {
      prefix: '0PS',
      label: 'Permission Set',
      plural: 'Permission Sets',
      fields: [
        'Name:text:r,len=80',
        'Label:text:r,len=80',
        'IsOwnedByProfile:checkbox:ro',
        'ProfileId:reference:ro:Profile',
        'NamespacePrefix:text:ro',
        'Description:text:len=255'
      ]
    },
    PermissionSetAssignment: {
      prefix: '0Pa',
      label: 'Permission Set Assignment',
      plural: 'Permission Set Assignments',
      fields: ['AssigneeId:reference:r,co:User', 'PermissionSetId:reference:r,co:PermissionSet']
    },
    Organization: {
      prefix: '00D',
      label: 'Organization',
      plural: 'Organizations',
      fields: [
        'Name:text:ro',
        'IsSandbox:checkbox:ro',
        'OrganizationType:text:ro',
        'InstanceName:text:ro',
        'TimeZoneSidKey:text:ro',
        'LanguageLocaleKey:text:ro',
        'DefaultLocaleSidKey:text:ro',
        'NamespacePrefix:text:ro'
      ]
    },
    StaticResource: {
      prefix: '081',
      label: 'Static Resource',
      plural: 'Static Resources',
      fields: [
        'Name:text:r,len=255',
        'Body:base64',
        'ContentType:text:len=120',
        'BodyLength:int:ro',
        'Description:textarea:len=1000',
        'NamespacePrefix:text:ro'
      ]
    },
    CronTrigger: {
      prefix: '08e',
      label: 'Scheduled Jobs',
      plural: 'Scheduled Jobs',
      fields: [
        'CronExpression:text:ro',
        'CronJobDetailId:reference:ro:CronJobDetail',
        'State:text:ro',
        'NextFireTime:datetime:ro',
        'PreviousFireTime:datetime:ro',
        'StartTime:datetime:ro',
        'EndTime:datetime:ro',
        'TimesTriggered:int:ro',
        'TimeZoneSidKey:text:ro',
        'OwnerId:reference:ro:User'
      ]
    },
    CronJobDetail: {
      prefix: '08a',
      label: 'Cron Job',
      plural: 'Cron Jobs',
      fields: ['Name:text:ro', 'JobType:text:ro']
    },
    AsyncApexJob: {
      prefix: '707',
      label: 'Apex Job',
      plural: 'Apex Jobs',
      fields: [
        'ApexClassId:reference:ro:ApexClass',
        'JobType:picklist:ro',
        'Status:picklist:ro',
        'JobItemsProcessed:int:ro',
        'TotalJobItems:int:ro',
        'NumberOfErrors:int:ro',
        'ExtendedStatus:text:ro',
        'MethodName:text:ro',
        'CompletedDate:datetime:ro',
        'ParentJobId:reference:ro:AsyncApexJob',
        'CronTriggerId:reference:ro:CronTrigger'
      ]
    },
    ApexClass: {
      prefix: '01p',
      label: 'Apex Class',
      plural: 'Apex Classes',
      fields: ['Name:text:ro', 'NamespacePrefix:text:ro', 'Status:text:ro', 'ApiVersion:double:ro']
    },
    RecordType: {
      prefix: '012',
      label: 'Record Type',
      plural: 'Record Types',
      fields: [
        'Name:text:ro',
        'DeveloperName:text:ro',
        'SobjectType:text:ro',
        'IsActive:checkbox:ro'
      ]
    },
    UserRecordAccess: {
      prefix: '',
      label: 'User Record Access',
      plural: 'User Record Access',
      fields: [
        'UserId:reference:ro:User',
        'RecordId:reference:ro:*',
        'HasReadAccess:checkbox:ro',
        'HasEditAccess:checkbox:ro',
        'HasDeleteAccess:checkbox:ro',
        'HasTransferAccess:checkbox:ro',
        'HasAllAccess:checkbox:ro',
        'MaxAccessLevel:picklist:ro'
      ]
    },
    UserRole: {
      prefix: '00E',
      label: 'Role',
      plural: 'Roles',
      fields: ['Name:text:r,len=80', 'DeveloperName:text:len=80']
    }
  };

/** Standard picklist values (Object Reference); unrestricted unless stated. */
const PICKLISTS: Record<string, { values: string[]; default?: string; restricted?: boolean }> = {
  'task.status': {
    values: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'],
    default: 'Not Started'
  },
  'task.priority': { values: ['High', 'Normal', 'Low'], default: 'Normal' },
  'task.tasksubtype': {
    values: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn'],
    default: 'Task',
    restricted: true
  },
  'task.calltype': { values: ['Internal', 'Inbound', 'Outbound'], restricted: true },
  'task.type': { values: ['Call', 'Email', 'Meeting', 'Other'] }
};

let customCounter = 0;
function nextCustomPrefix(kind: ObjMeta['kind']): string {
  const n = customCounter++;
  const lead = kind === 'mdt' ? 'm' : kind === 'event' ? 'e' : 'a';
  return lead + n.toString(36).toUpperCase().padStart(2, '0');
}

function parseSpec(spec: Spec): FieldMeta {
  const [name, type, flagText = '', refs = ''] = spec.split(':');
  const flags = new Set(flagText.split(',').filter(Boolean));
  const len = [...flags].find((f) => f.startsWith('len='));
  const ro = flags.has('ro');
  return {
    name: name!,
    key: name!.toLowerCase(),
    type: type!,
    length: len ? Number(len.slice(4)) : undefined,
    required: flags.has('r'),
    unique: flags.has('u'),
    createable: !ro && name !== 'Id',
    updateable: !ro && !flags.has('co') && name !== 'Id',
    referenceTo: refs ? refs.split(',') : undefined,
    label: name!.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
    relationshipName: type === 'reference' && name!.endsWith('Id') ? name!.slice(0, -2) : undefined
  };
}

export class Schema {
  objects = new Map<string, ObjMeta>();
  byPrefix = new Map<string, ObjMeta>();

  constructor() {
    for (const [name, def] of Object.entries(STANDARD)) {
      const o = this.add(name, 'standard', def.label, def.plural, def.prefix);
      for (const s of [...SYS, ...def.fields]) {
        const f = parseSpec(s);
        const pl = PICKLISTS[`${o.key}.${f.key}`];
        if (pl)
          f.picklist = { values: pl.values, restricted: !!pl.restricted, default: pl.default };
        o.fields.set(f.key, f);
      }
    }
    this.get('task')!.children.clear();
    // a new User is active unless IsActive is set (Object Reference: User, "Defaulted on create")
    this.get('user')!.fields.get('isactive')!.defaultValue = 'true';
  }

  add(
    name: string,
    kind: ObjMeta['kind'],
    label: string,
    plural: string,
    prefix?: string
  ): ObjMeta {
    const o: ObjMeta = {
      name,
      key: name.toLowerCase(),
      label,
      labelPlural: plural,
      keyPrefix: prefix ?? nextCustomPrefix(kind),
      kind,
      fields: new Map(),
      children: new Map()
    };
    this.objects.set(o.key, o);
    if (o.keyPrefix) this.byPrefix.set(o.keyPrefix, o);
    return o;
  }

  get(key: string): ObjMeta | undefined {
    return this.objects.get(key.toLowerCase());
  }

  /** Adds a custom object from its object-meta.xml content (parsed). */
  addCustomObject(name: string, meta: Record<string, unknown>): ObjMeta {
    const existing = this.get(name);
    if (existing) {
      if (meta.sharingModel) existing.sharingModel = String(meta.sharingModel);
      return existing;
    }
    const kind: ObjMeta['kind'] = name.endsWith('__mdt')
      ? 'mdt'
      : name.endsWith('__e')
        ? 'event'
        : meta.customSettingsType
          ? 'setting'
          : 'custom';
    const label = String(meta.label ?? name);
    const o = this.add(name, kind, label, String(meta.pluralLabel ?? label));
    if (meta.sharingModel) o.sharingModel = String(meta.sharingModel);
    if (kind === 'event') o.publishBehavior = String(meta.publishBehavior ?? 'PublishAfterCommit');
    if (kind === 'setting')
      o.settingType =
        String(meta.customSettingsType).toLowerCase() === 'list' ? 'list' : 'hierarchy';
    const sys = (specs: Spec[]): void => {
      for (const s of specs) {
        const f = parseSpec(s);
        o.fields.set(f.key, f);
      }
    };
    if (kind === 'mdt')
      sys([
        'Id:id',
        'DeveloperName:text:r,len=40',
        'MasterLabel:text:r,len=40',
        'Label:text:len=40',
        'QualifiedApiName:text:ro',
        'NamespacePrefix:text:ro',
        'Language:text:ro',
        'SystemModstamp:datetime:ro'
      ]);
    else if (kind === 'event')
      sys([
        'ReplayId:text:ro',
        'CreatedDate:datetime:ro',
        'CreatedById:reference:ro:User',
        'EventUuid:text:ro'
      ]);
    else if (kind === 'setting')
      sys([...SYS, 'Name:text:len=38', 'SetupOwnerId:reference::User,Profile,Organization']);
    else {
      sys([...SYS, 'OwnerId:reference::User,Group']);
      const nf = meta.nameField as Record<string, unknown> | undefined;
      const auto = String(nf?.type ?? 'Text') === 'AutoNumber';
      sys([auto ? 'Name:text:ro' : 'Name:text:len=80']);
      if (auto) o.nameAutoNumber = String(nf?.displayFormat ?? '{0}');
    }
    return o;
  }

  addCustomField(obj: ObjMeta, x: Record<string, unknown>): void {
    const name = String(x.fullName);
    const type = String(x.type ?? 'Text').toLowerCase();
    const f: FieldMeta = {
      name,
      key: name.toLowerCase(),
      type,
      label: String(x.label ?? name),
      length: x.length !== undefined ? Number(x.length) : undefined,
      precision: x.precision !== undefined ? Number(x.precision) : undefined,
      scale: x.scale !== undefined ? Number(x.scale) : undefined,
      required: String(x.required) === 'true',
      unique: String(x.unique) === 'true',
      externalId: String(x.externalId) === 'true',
      caseSensitive: String(x.caseSensitive) === 'true',
      defaultValue: x.defaultValue !== undefined ? String(x.defaultValue) : null,
      createable: !x.formula && type !== 'autonumber' && type !== 'summary',
      updateable: !x.formula && type !== 'autonumber' && type !== 'summary'
    };
    if (type === 'checkbox' && f.defaultValue === null) f.defaultValue = 'false';
    if (type === 'lookup' || type === 'masterdetail' || type === 'metadatarelationship') {
      f.referenceTo = [String(x.referenceTo ?? '')];
      const rel = name.replace(/__c$/, '__r');
      f.relationshipName = rel;
      if (x.relationshipName) {
        f.childRelationship = `${String(x.relationshipName)}__r`;
      }
    }
    const vs = x.valueSet as Record<string, unknown> | undefined;
    if (vs) {
      const def = (vs.valueSetDefinition as Record<string, unknown> | undefined) ?? {};
      const raw = def.value;
      const values = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
      f.picklist = {
        values: values.map((v) => String(v.fullName)),
        restricted: String(vs.restricted) === 'true',
        default: values.find((v) => String(v.default) === 'true')?.fullName as string | undefined
      };
    }
    obj.fields.set(f.key, f);
  }

  /** Links child relationships after all objects are loaded. */
  link(): void {
    for (const o of this.objects.values()) {
      for (const f of o.fields.values()) {
        if (!f.childRelationship || !f.referenceTo) continue;
        const parent = this.get(f.referenceTo[0]!);
        parent?.children.set(f.childRelationship.toLowerCase(), { object: o.name, field: f.name });
      }
    }
    // standard child relationships
    const rel = (parent: string, name: string, child: string, field: string): void => {
      const p = this.get(parent);
      if (p && this.get(child)) p.children.set(name.toLowerCase(), { object: child, field });
    };
    rel('Account', 'Contacts', 'Contact', 'AccountId');
    rel('Account', 'Opportunities', 'Opportunity', 'AccountId');
    rel('Account', 'Cases', 'Case', 'AccountId');
    rel('User', 'PermissionSetAssignments', 'PermissionSetAssignment', 'AssigneeId');
    rel('PermissionSet', 'Assignments', 'PermissionSetAssignment', 'PermissionSetId');
    for (const o of this.objects.values()) {
      if (o.kind === 'custom' || o.kind === 'standard') {
        if (o.key !== 'task' && o.key !== 'event') {
          rel(o.name, 'Tasks', 'Task', 'WhatId');
          rel(o.name, 'Events', 'Event', 'WhatId');
        }
      }
    }
  }
}
