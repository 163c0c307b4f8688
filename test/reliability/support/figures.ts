import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** RELIABILITY_SIZE=full runs every suite at the size the issue asks for; anything else is the short CI pass. */
export const SIZE: 'full' | 'short' = process.env.RELIABILITY_SIZE === 'full' ? 'full' : 'short';

/** The short figure, or the full one. */
export const sized = <T>(short: T, full: T): T => (SIZE === 'full' ? full : short);

/** Which storage form the suites run on (PostgreSQL + Redis once their adapters can be switched to in tests). */
export const FORM = process.env.PARLEY_TEST_DATABASE_URL ? 'postgresql+redis' : 'embedded';

/** What one suite measured; the runner turns these into the table. */
export interface Figures {
  suite: string;
  cases?: number;
  faults?: number;
  kills?: number;
  requests?: number;
  /** Longest event-loop stall inside Parley, in ms. */
  stallMs?: number;
  failures: number;
  /** One line each: p99s, fault kinds, the first failures. */
  notes?: string[];
}

export const OUT_DIR = process.env.RELIABILITY_OUT ?? path.resolve(import.meta.dirname, '../../../.reliability');

export function record(f: Figures): void {
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(path.join(OUT_DIR, `${f.suite}-${FORM}.json`), JSON.stringify({ ...f, form: FORM, size: SIZE }, null, 2));
}

/** Collects failures without stopping at the first, so a run reports how many there were. */
export class Failures {
  readonly list: string[] = [];
  add(what: string): void {
    this.list.push(what);
  }
  check(ok: boolean, what: () => string): void {
    if (!ok) this.add(what());
  }
  get count(): number {
    return this.list.length;
  }
  /** The first few, for the test's failure message and the report. */
  sample(n = 5): string[] {
    return this.list.slice(0, n).map((s) => s.slice(0, 300));
  }
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
