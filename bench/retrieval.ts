/**
 * Retrieval latency over 100,000 passages (10,000 with --quick): indexes synthetic documents in
 * a fresh SQLite file through the real Retriever, then times questions one by one.
 *
 *   npx tsx bench/retrieval.ts [--quick | --passages N] [--json]
 *
 * `npm run bench` runs it as its 'retrieval' scenario.
 *
 * Prints one Markdown table row (or one JSON object with --json).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sqliteRetriever } from '../src/retriever/sqlite/sqlite-retriever.js';
import { openSqlite } from '../src/store/sqlite/sqlite-database.js';

const quick = process.argv.includes('--quick');
const asJson = process.argv.includes('--json');
const passagesFlag = process.argv.indexOf('--passages');
const PASSAGES = passagesFlag > 0 ? Number(process.argv[passagesFlag + 1]) : quick ? 10_000 : 100_000;
const PASSAGES_PER_DOC = 10;
const FOLDERS = 10;
const QUERIES = PASSAGES < 100_000 ? 200 : 1000;
const LIMIT = 5;

/** A repeatable pseudo-random sequence (mulberry32), so every run indexes the same text. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(42);

// A vocabulary of 20,000 made-up words, drawn with a Zipf-like skew as in real text.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qu', 'do', 'fe', 'gi', 'ho', 'ju', 'be', 'ce', 'xa', 'yo'];
const VOCABULARY = Array.from({ length: 20_000 }, (_, i) => {
  let w = '';
  for (let n = i + 1; n > 0; n = Math.floor(n / SYLLABLES.length)) w += SYLLABLES[n % SYLLABLES.length];
  return w;
});
const word = () => VOCABULARY[Math.min(VOCABULARY.length - 1, Math.floor(Math.pow(rand(), 2.2) * VOCABULARY.length))];
const sentence = (words: number) => Array.from({ length: words }, word).join(' ') + '.';
/** About 850 characters: one passage each, since two do not fit in a passage's 900. */
const paragraph = () => Array.from({ length: 12 }, () => sentence(10)).join(' ').slice(0, 850);

const dir = mkdtempSync(path.join(tmpdir(), 'parley-bench-retrieval-'));
try {
  const db = openSqlite(path.join(dir, 'bench.db'));
  const retriever = sqliteRetriever(db);

  const indexStart = performance.now();
  let indexed = 0;
  for (let d = 0; indexed < PASSAGES; d++) {
    const text = Array.from({ length: PASSAGES_PER_DOC }, paragraph).join('\n\n');
    indexed += (await retriever.index({
      accountId: 1, folderId: 1 + (d % FOLDERS), documentId: d + 1, documentName: `Document ${d + 1}`, text,
    })).passages;
  }
  const indexSeconds = (performance.now() - indexStart) / 1000;

  const folderIds = Array.from({ length: FOLDERS }, (_, i) => i + 1);
  const questions = Array.from({ length: QUERIES }, () => `What about ${sentence(3 + Math.floor(rand() * 4))}?`);
  for (const q of questions.slice(0, 20)) await retriever.retrieve({ accountId: 1, folderIds, query: q, limit: LIMIT });

  const times: number[] = [];
  let empty = 0;
  for (const query of questions) {
    const t0 = performance.now();
    const hits = await retriever.retrieve({ accountId: 1, folderIds, query, limit: LIMIT });
    times.push(performance.now() - t0);
    if (!hits.length) empty++;
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)];
  const result = {
    name: 'retrieval (SQLite FTS5, BM25)',
    passages: indexed,
    queries: QUERIES,
    limit: LIMIT,
    p50_ms: Number(pct(50).toFixed(2)),
    p99_ms: Number(pct(99).toFixed(2)),
    max_ms: Number(times[times.length - 1].toFixed(2)),
    empty_results: empty,
    index_passages_per_s: Math.round(indexed / indexSeconds),
  };
  db.close();
  if (asJson) {
    process.stdout.write(JSON.stringify(result) + '\n');
  } else {
    process.stdout.write('| benchmark | passages | queries | p50 | p99 | max | indexing |\n|---|---|---|---|---|---|---|\n');
    process.stdout.write(`| ${result.name} | ${result.passages.toLocaleString('en')} | ${result.queries} | ${result.p50_ms} ms | ` +
      `${result.p99_ms} ms | ${result.max_ms} ms | ${result.index_passages_per_s.toLocaleString('en')} passages/s |\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
