// Typed access to the shared vector files (the same static resources the Apex tests read).
import fs from 'node:fs';
import { staticResource } from '../../core/paths';
import type { LabelLanguage } from '../labels';

export type FieldValue = string | number | null;

export interface ExistingVector {
  fields: Record<string, string | null>;
  Description?: Record<LabelLanguage, string>;
}

export interface CdrVector {
  name: string;
  note: string;
  defaultCountry?: string;
  cdr: unknown;
  existing?: ExistingVector;
  expected: {
    anonymous: boolean;
    fields: Record<string, FieldValue>;
  } & Record<LabelLanguage, { Subject: string; CallDisposition: string; Description: string }>;
}

export interface InsightsVector {
  name: string;
  note: string;
  payload: unknown;
  existing?: ExistingVector;
  expected: { fields: Record<string, FieldValue> } & Record<
    LabelLanguage,
    { Subject?: string; Description: string }
  >;
}

export interface CauseVector {
  cause: string | null;
  expected: { status: string | null; missedReason: string | null } & Record<LabelLanguage, string>;
}

export interface MappingVectors {
  timeZone: string;
  languages: LabelLanguage[];
  causes: CauseVector[];
  cdrs: CdrVector[];
  insights: InsightsVector[];
}

export function readMappingVectors(): MappingVectors {
  return JSON.parse(
    fs.readFileSync(staticResource('RinkelMappingVectors'), 'utf8')
  ) as MappingVectors;
}

/** The existing Task of a vector as the mapping sees it in one language. */
export function existingFor(
  existing: ExistingVector | undefined,
  language: LabelLanguage
): Record<string, string | null> | null {
  if (!existing) {
    return null;
  }
  return { ...existing.fields, Description: existing.Description?.[language] ?? null };
}
