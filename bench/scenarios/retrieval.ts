import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchEnv } from '../env.js';
import { spread } from '../stats.js';
import type { Row } from '../table.js';

const run = promisify(execFile);

/** Retrieval latency over many passages (issue 5): bench/retrieval.ts in its own process, in-process retriever, no HTTP. */
export async function retrieval(env: BenchEnv): Promise<Row[]> {
  const script = path.join(import.meta.dirname, '..', 'retrieval.ts');
  env.log(`retrieval: indexing ${env.opts.retrievalPassages.toLocaleString('en')} passages`);
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, '--json', '--passages', String(env.opts.retrievalPassages)], {
    maxBuffer: 1 << 20, timeout: 20 * 60_000,
  });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    passages: number; queries: number; p50_ms: number; p99_ms: number; index_passages_per_s: number;
  };
  const over = `over ${r.passages.toLocaleString('en')} passages, ${r.queries} questions, top 5`;
  return [
    { group: 'retrieval', name: `retrieval latency ${over}, p50`, unit: 'ms', parley: spread([r.p50_ms]) },
    { group: 'retrieval', name: `retrieval latency ${over}, p99`, unit: 'ms', parley: spread([r.p99_ms]) },
    { group: 'retrieval', name: 'indexing rate', unit: 'passages/s', parley: spread([r.index_passages_per_s]) },
  ];
}
