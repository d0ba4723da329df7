// The backfill's resume point, in a small JSON file written after every completed Bulk API job
// (atomically: a crash leaves the previous state, never half a file).

import fs from 'node:fs';
import path from 'node:path';

export interface BackfillTotals {
  listed: number;
  created: number;
  updated: number;
  unmatched: number;
  failed: number;
  skipped: number;
}

export interface BackfillState {
  version: 1;
  since: string;
  until: string;
  perPage: number;
  /** First Rinkel page not yet in a completed job. */
  nextPage: number;
  done: boolean;
  jobs: string[];
  totals: BackfillTotals;
  updatedAt: string;
}

export function emptyTotals(): BackfillTotals {
  return { listed: 0, created: 0, updated: 0, unmatched: 0, failed: 0, skipped: 0 };
}

export function readState(file: string): BackfillState | undefined {
  if (!fs.existsSync(file)) {
    return undefined;
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as BackfillState;
  if (parsed.version !== 1 || typeof parsed.nextPage !== 'number') {
    throw new Error(`${file} is not a backfill state file.`);
  }
  return parsed;
}

export function writeState(file: string, state: BackfillState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(temporary, file);
}
