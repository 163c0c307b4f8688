import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchEnv } from './env.js';
import { findNginx, startNginx } from './nginx.js';
import type { BenchOptions, Scenario } from './options.js';
import { startParley, type ParleyProcess } from './parley-process.js';
import { scaledServices } from '../test/support/test-services.js';
import { BENCH_DIR, hardFileLimit, startHelper } from './processes.js';
import { startPortkey } from './peers/portkey.js';
import { burst } from './scenarios/burst.js';
import { chunkLatency } from './scenarios/chunk-latency.js';
import { costAgainstHistory } from './scenarios/history.js';
import { heldStreams } from './scenarios/held.js';
import { replay } from './scenarios/replay.js';
import { retrieval } from './scenarios/retrieval.js';
import { throughput } from './scenarios/throughput.js';
import { timeToFirstChunk } from './scenarios/ttfc.js';
import { renderTable, targetSummary, type Row } from './table.js';

const TITLES: Record<Scenario, string> = {
  ttfc: '1. Time to first chunk (Parley vs the upstream directly)',
  chunk: '2. Per-chunk added latency (Parley vs a bare node:http relay, and nginx)',
  burst: '2b. A burst of new streams: per-chunk latency while the sends that open them land',
  throughput: '3. Throughput',
  held: '4. Held streams',
  history: '5. Cost against history',
  replay: '6. Replay of a finished reply',
  retrieval: '7. Knowledge-base retrieval (SQLite FTS5, BM25)',
};

const RUNNERS: Record<Scenario, (env: BenchEnv) => Promise<Row[]>> = {
  ttfc: timeToFirstChunk, chunk: chunkLatency, burst, throughput, held: heldStreams, history: costAgainstHistory, replay,
  retrieval,
};

export interface BenchReport {
  date: string;
  machine: { cpus: string; cores: number; memoryGiB: number; node: string; loadBefore: number[]; loadAfter: number[]; fileLimit: number };
  options: BenchOptions;
  nginx: string;
  peers: string;
  /** The scaled-out form beside the embedded one (--scaled). */
  scaled: string;
  tables: { scenario: Scenario; title: string; rows: Row[] }[];
  seconds: number;
  file: string | undefined;
}

/** Starts the upstream, the floors and Parley, runs the chosen scenarios, prints and saves the tables. */
export async function runBench(opts: BenchOptions, { parleyCommand }: { parleyCommand?: string[] } = {}): Promise<BenchReport> {
  const started = performance.now();
  const print = (text: string) => {
    if (!opts.quiet) process.stdout.write(text + '\n');
  };
  const log = (m: string) => {
    if (!opts.quiet) process.stderr.write(`  … ${m}\n`);
  };
  const fileLimit = hardFileLimit();
  const loadBefore = os.loadavg();
  const stops: (() => Promise<void>)[] = [];
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version, loadBefore, loadAfter: [], fileLimit,
    },
    options: opts, nginx: '', peers: '', scaled: '', tables: [], seconds: 0, file: undefined,
  };
  try {
    const upstream = await startHelper('upstream', '0');
    stops.push(() => upstream.child.stop());
    const relay = await startHelper('relay', String(upstream.port));
    stops.push(() => relay.child.stop());
    const binary = opts.nginx ? findNginx() : undefined;
    let nginx: BenchEnv['nginx'];
    if (binary) {
      const n = await startNginx(binary, upstream.port, fileLimit);
      stops.push(() => n.close());
      nginx = n;
      report.nginx = binary;
    } else {
      report.nginx = opts.nginx ? 'skipped: nginx is not installed' : 'skipped: --no-nginx';
      print(`(the nginx floor was skipped: ${opts.nginx ? 'nginx is not installed' : '--no-nginx'})`);
    }
    let peer: BenchEnv['peer'];
    if (opts.peers) {
      const pk = await startPortkey(log);
      stops.push(() => pk.child.stop());
      peer = pk;
      report.peers = 'Portkey gateway 1.15.2';
    } else {
      report.peers = 'not run: add --peers';
    }
    const llm = `http://127.0.0.1:${upstream.port}/v1`;
    const fresh = async (nodeArgs?: string[]): Promise<ParleyProcess> => {
      const p = await startParley(llm, parleyCommand, nodeArgs);
      stops.push(() => p.stop());
      return p;
    };
    let scaled: ParleyProcess | undefined;
    if (opts.scaled) {
      const services = await scaledServices('bench');
      stops.push(() => services.drop());
      scaled = await startParley(llm, parleyCommand, [], { ...services.env, BLOB_STORE: 'postgres' });
      stops.push(() => scaled!.stop());
      report.scaled = 'PostgreSQL + Redis';
    } else {
      report.scaled = 'not run: add --scaled';
    }
    const env: BenchEnv = { opts, upstream, relay, nginx, peer, parley: await fresh(), scaled, freshParley: fresh, fileLimit, log };
    print(`Parley bench — ${report.machine.cores} × ${report.machine.cpus}, Node ${process.version}, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, open-files limit ${fileLimit}`);
    for (const scenario of opts.only) {
      const rows = await RUNNERS[scenario](env);
      report.tables.push({ scenario, title: TITLES[scenario], rows });
      print('\n' + renderTable(TITLES[scenario], rows));
    }
    const summary = targetSummary(report.tables.flatMap((t) => t.rows));
    if (summary) print('\n' + summary + (opts.peers ? '' : '\n(the targets against the Portkey gateway need --peers)\n'));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
  report.machine.loadAfter = os.loadavg();
  report.seconds = (performance.now() - started) / 1000;
  const file = opts.out ?? path.join(BENCH_DIR, 'results', `bench-${report.date.replace(/[:.]/g, '-')}.json`);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  report.file = file;
  print(`\n${report.seconds.toFixed(1)} s; load average after ${report.machine.loadAfter.map((l) => l.toFixed(2)).join(' ')}; results in ${path.relative(process.cwd(), file)}`);
  return report;
}
