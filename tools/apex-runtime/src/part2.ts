/**
 * Standard-library members that belong to part 2 of the runtime (async work, callouts, platform
 * events, REST, runAs, users and permissions). The inventory test accepts these as missing;
 * anything else the project uses must be implemented.
 */
export const PART2_MEMBERS = new Set(['new Cursor'].map((m) => m.toLowerCase()));
