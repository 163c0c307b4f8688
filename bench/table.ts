import type { Spread } from './stats.js';

/** One printed line: Parley's figure beside its floor, and what Parley adds over it. */
export interface Row {
  group: string;
  name: string;
  unit: string;
  parley: Spread;
  floor?: Spread;
  floorName?: string;
  /** Per run: parley minus floor (or a ratio), summarised like the others. */
  added?: Spread;
  addedUnit?: string;
  target?: string;
  /** Undefined when the row has no target. */
  met?: boolean;
  note?: string;
}

const fmt = (v: number) => {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 10 ? v.toFixed(2) : v.toFixed(3);
};

export const cell = (s: Spread | undefined) =>
  s ? (s.runs.length > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median)) : '';

/** A Markdown table: it reads in a terminal and pastes into BENCHMARKS.md as is. */
export function renderTable(title: string, rows: Row[]): string {
  const head = ['measurement', 'unit', 'Parley', 'floor', 'floor value', 'added', 'target', 'met'];
  const body = rows.map((r) => [
    r.name, r.unit, cell(r.parley), r.floorName ?? '', cell(r.floor),
    r.added ? `${cell(r.added)}${r.addedUnit ? ' ' + r.addedUnit : ''}` : '',
    r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `  - ${r.name}: ${r.note}`);
  return [`### ${title}`, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : []), ''].join('\n');
}
