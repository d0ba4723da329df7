/**
 * What the local org holds on a fresh start: the same as `npm run setup` leaves in a scratch org
 * (scripts/setup/steps.ts), written through the runtime. The names come from setup's own list
 * (scripts/setup/project.ts), so the two cannot drift apart.
 */
import {
  GUEST_PERMISSION_SETS,
  INTEGRATION_PERMISSION_SET,
  LOOKUP_SECRET_SETTING,
  PERMISSION_SETS_FOR_ADMIN,
  SAMPLE_DATA_PLAN,
  SAMPLE_PERMISSION_SET,
  SECRET_HASH_FIELD,
  SECRET_SETTING,
  SUBSCRIBER_BATCH_SIZE,
  TRIGGER_NAME,
  readSampleRecords,
  samplePermissionSetXml
} from '../../../../scripts/setup/project';
import { generateWebhookSecret, sha256Hex } from '../../../../scripts/core/secret';

export {
  // setup's own secret generator and hash: the local org's secrets are made as setup makes them
  generateWebhookSecret,
  sha256Hex,
  SAMPLE_DATA_PLAN,
  SAMPLE_PERMISSION_SET,
  SECRET_HASH_FIELD,
  SECRET_SETTING,
  LOOKUP_SECRET_SETTING,
  TRIGGER_NAME,
  SUBSCRIBER_BATCH_SIZE,
  readSampleRecords,
  samplePermissionSetXml
};

/** The Rinkel user id of the local agent (the fake Rinkel's calls name it as the agent). */
export const LOCAL_AGENT_RINKEL_USER_ID = '64b7f0c2a1d3e4f5a6b7c8d9';

export interface SeedUser {
  key: 'admin' | 'agent' | 'integration' | 'guest';
  username: string;
  firstName: string;
  lastName: string;
  /** a standard profile name, or 'guest' for the Site guest user's profile */
  profile: 'System Administrator' | 'Standard User' | 'guest';
  permissionSets: string[];
  rinkelUserId?: string;
}

export const SEED_USERS: SeedUser[] = [
  {
    key: 'admin',
    username: 'admin@example.com',
    firstName: 'User',
    lastName: 'User',
    profile: 'System Administrator',
    // setup assigns the admin everything, plus the generated sample-object permission set
    permissionSets: [...PERMISSION_SETS_FOR_ADMIN, SAMPLE_PERMISSION_SET]
  },
  {
    key: 'agent',
    username: 'agent@rinkel.local',
    firstName: 'Anna',
    lastName: 'Agent',
    profile: 'Standard User',
    permissionSets: [
      'Rinkel_Agent',
      'Rinkel_Dialer',
      'Rinkel_Screen_Pop',
      'Rinkel_Recording_Listener',
      SAMPLE_PERMISSION_SET
    ],
    rinkelUserId: LOCAL_AGENT_RINKEL_USER_ID
  },
  {
    key: 'integration',
    username: 'integration@rinkel.local',
    firstName: 'Rinkel',
    lastName: 'Integration',
    profile: 'Standard User',
    permissionSets: [INTEGRATION_PERMISSION_SET]
  },
  {
    key: 'guest',
    username: 'guest@rinkel.local',
    firstName: 'Rinkel Webhooks',
    lastName: 'Site Guest User',
    profile: 'guest',
    permissionSets: [...GUEST_PERMISSION_SETS]
  }
];

/** The Site guest user's profile (a Site's own profile: it grants nothing itself). */
export const GUEST_PROFILE_NAME = 'Rinkel Webhooks Profile';
