import type { Spread } from './stats.js';

/** One printed line: Parley's figure (or a peer's) beside its floor, and what it adds over it (or its ratio, addedUnit '×'). */
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
  const head = ['measurement', 'unit', 'value', 'floor', 'floor value', 'added', 'target', 'met'];
  const body = rows.map((r) => [
    r.name, r.unit, cell(r.parley), r.floorName ?? '', cell(r.floor),
    r.added ? `${cell(r.added)}${r.addedUnit ? ' ' + r.addedUnit : ''}` : '',
    r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'NO',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const notes = rows.filter((r) => r.note).map((r) => `  - ${r.name}: ${r.note}`);
  return [`### ${title}`, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : []), ''].join('\n');
}

/** Every row with a target, as one table: the targets of this run, each judged on its own figures. */
export function targetSummary(rows: Row[]): string | undefined {
  const judged = rows.filter((r) => r.target !== undefined);
  if (!judged.length) return undefined;
  const head = ['target', 'measured', 'met'];
  const body = judged.map((r) => [
    `${r.name}: ${r.target}`,
    r.added && r.addedUnit === '×' ? `${cell(r.added)} ×` : `${cell(r.parley)} ${r.unit}`,
    r.met ? 'met' : 'NOT met',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((line) => line[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const met = judged.filter((r) => r.met).length;
  return [`### Targets (ratios measured in this run): ${met} of ${judged.length} met`, '', line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ''].join('\n');
}
