/**
 * npm run test:reliability [-- --full]: runs the reliability suites (vitest.reliability.config.ts)
 * and prints what they measured as one table. RELIABILITY_SIZE=full (or --full) runs them at the
 * issue's sizes; the default is the short pass CI makes on every change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Figures } from './support/figures.js';

const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(root, '.reliability');
const args = process.argv.slice(2);
const size = args.includes('--full') || process.env.RELIABILITY_SIZE === 'full' ? 'full' : 'short';
const files = args.filter((a) => !a.startsWith('--'));

rmSync(outDir, { recursive: true, force: true });
const started = Date.now();
const run = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.reliability.config.ts', ...files], {
  cwd: root, stdio: 'inherit', env: { ...process.env, RELIABILITY_SIZE: size, RELIABILITY_OUT: outDir },
});

type Row = Figures & { form: string };
const rows: Row[] = existsSync(outDir)
  ? readdirSync(outDir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(outDir, f), 'utf8')) as Row)
  : [];
const order = ['fuzz', 'faults', 'crash', 'load', 'security'];
rows.sort((x, y) => x.form.localeCompare(y.form) || order.indexOf(x.suite) - order.indexOf(y.suite));
const cell = (v: number | undefined, unit = '') => (v === undefined ? '–' : `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`);
const lines = [
  `Reliability (${size}, ${new Date(started).toISOString().slice(0, 16)}Z, ${Math.round((Date.now() - started) / 1000)} s)`,
  '',
  '| form | suite | cases tried | faults injected | kills survived | requests under load | longest event-loop stall | failures |',
  '|---|---|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.form} | ${r.suite} | ${cell(r.cases)} | ${cell(r.faults)} | ${cell(r.kills)} | ${cell(r.requests)} | ${cell(r.stallMs, ' ms')} | ${r.failures} |`),
];
const total = rows.reduce((n, r) => n + r.failures, 0);
lines.push('', `failures in all: ${total}`);
for (const r of rows) for (const note of r.notes ?? []) lines.push(`- ${r.form} ${r.suite}: ${note}`);
if (!rows.some((r) => r.form !== 'embedded')) {
  lines.push('- postgresql+redis: not run in this pass. PARLEY_TEST_DATABASE_URL selects it (each suite\'s Parley on a database of its'
    + ' own there and a Redis key prefix of its own); .ci/run runs both forms.');
}
const missing = order.filter((s) => !rows.some((r) => r.suite === s));
if (files.length === 0 && missing.length) lines.push(`- no figures from: ${missing.join(', ')} (the suite failed before recording them)`);
console.log(`\n${lines.join('\n')}`);
process.exit(run.status !== 0 || total > 0 || (files.length === 0 && missing.length > 0) ? 1 : 0);
