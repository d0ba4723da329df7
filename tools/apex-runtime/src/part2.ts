/**
 * Standard-library members that belong to part 2 of the runtime (async work, callouts, platform
 * events, REST, runAs, users and permissions). The inventory test accepts these as missing;
 * anything else the project uses must be implemented.
 */
export const PART2_MEMBERS = new Set(
  [
    'EventBus.TriggerContext.currentContext',
    'new AsyncOptions',
    'new Cursor',
    // FinalizerContext, EventBus.TriggerContext, Test.getEventBus()
    '#currentContext',
    // Added by the product after this runtime's part 1: publish callbacks, access-level
    // publishing, Platform Cache and Queueable stack depth all belong to part 2.
    'EventBus.publishWithAccessLevel',
    '#getEventUuids',
    '#getPartition',
    '#hasMaxStackDepth',
    '#getCurrentQueueableStackDepth',
    '#getMaximumQueueableStackDepth'
  ].map((m) => m.toLowerCase())
);
