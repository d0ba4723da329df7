// Lenient readers for Rinkel JSON: the API is in beta and partly undocumented, so a missing,
// null or oddly typed key must read as "absent", never throw.

import { isRecord } from '../core/json';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue | undefined;
}

/** A JSON object (core's isRecord, typed as parsed JSON). */
export function isObject(value: unknown): value is JsonObject {
  return isRecord(value);
}

export function objectAt(source: unknown, key: string): JsonObject | null {
  if (!isObject(source)) {
    return null;
  }
  const value = source[key];
  return isObject(value) ? value : null;
}

/** A non-blank string (numbers are accepted and printed), trimmed; else null. */
export function textAt(source: unknown, key: string): string | null {
  if (!isObject(source)) {
    return null;
  }
  const value = source[key];
  if (typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  if (typeof value !== 'string') {
    return null;
  }
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** A whole, non-negative number of (e.g.) seconds; numeric strings accepted; fractions cut off. */
export function wholeNumberAt(source: unknown, key: string): number | null {
  const raw = textAt(source, key);
  if (raw === null || !/^\d+(\.\d+)?$/.test(raw)) {
    return null;
  }
  return Math.floor(Number(raw));
}

export function booleanAt(source: unknown, key: string): boolean {
  if (!isObject(source)) {
    return false;
  }
  const value = source[key];
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

/** A list of non-blank strings: a JSON array, or one string separated by ';' or ','. */
export function textListAt(source: unknown, key: string): string[] {
  if (!isObject(source)) {
    return [];
  }
  const value = source[key];
  const parts: unknown[] = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(/[;,]/)
      : [];
  return parts
    .filter((part): part is string => typeof part === 'string')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Salesforce String.abbreviate(max): cut to max characters, the last three being "...". */
export function abbreviate(value: string | null, max: number): string | null {
  if (value === null || value.length <= max) {
    return value;
  }
  return `${value.substring(0, max - 3)}...`;
}
