import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from './bench.js';
import { parseOptions, SCENARIOS } from './options.js';
import { ROOT } from './processes.js';

// The harness at its smallest, so that it cannot rot unnoticed. Nothing here checks a timing:
// only that every scenario runs against a real Parley and fills its table and the JSON file.
describe('bench harness (smoke)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario in a tiny configuration and writes its results', async () => {
    const opts = parseOptions([
      '--runs', '1', '--ttfc-clients', '1,2', '--ttfc-samples', '2', '--chunk-streams', '2', '--chunk-count', '3',
      '--chunk-interval', '20', '--throughput-seconds', '0.2', '--throughput-clients', '2', '--fast-chunks', '50',
      '--fast-streams', '1', '--held', '5', '--history', '0,50', '--history-sends', '3', '--replay-chunks', '200',
      '--retrieval-passages', '500', '--burst-streams', '3', '--burst-chunks', '2',
      '--no-nginx', '--quiet', '--out', path.join(dir, 'results.json'),
    ]);
    // Parley from source through tsx: the smoke test must not depend on a fresh `npm run build`.
    const report = await runBench(opts, { parleyCommand: ['--import', 'tsx', path.join(ROOT, 'src/main.ts')] });
    expect(report.tables.map((t) => t.scenario)).toEqual([...SCENARIOS]);
    for (const table of report.tables) {
      expect(table.rows.length).toBeGreaterThan(0);
      for (const row of table.rows) expect(Number.isFinite(row.parley.median)).toBe(true);
    }
    const held = report.tables.find((t) => t.scenario === 'held')!.rows.find((r) => r.unit === 'count')!;
    expect(held.parley.median).toBe(5);
    const saved = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
    expect(saved.tables).toHaveLength(SCENARIOS.length);
  }, 300_000);
});
