/** Prints a command's result: exactly one JSON object with --json, else readable lines. */
export function printResult(json: boolean, value: object, human: string): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : human.replace(/\n?$/, '\n'));
}

export function table(rows: Record<string, unknown>[]): string {
  if (!rows.length) return '(none)';
  const keys = Object.keys(rows[0]);
  const cells = rows.map((r) => keys.map((k) => (r[k] === null || r[k] === undefined ? '-' : String(r[k]))));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(keys), ...cells.map(line)].join('\n');
}
