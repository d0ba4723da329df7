// Rinkel → Salesforce Task mapping, shared by the tests of the org's Apex (through the vectors)
// and by the TypeScript tools (backfill). Pure functions; no I/O except loadLabels.
export * from './phone';
export * from './labels';
export * from './description';
export * from './cdr-mapping';
export { abbreviate, type JsonObject, type JsonValue } from './json';
