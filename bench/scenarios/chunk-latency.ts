import type { BenchEnv } from '../env.js';
import { ms, sleep } from '../env.js';
import { keepAliveAgent, readStream } from '../http-client.js';
import { nowUs, type UpstreamScript } from '../script.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

/** The upstream waits this long before a reply's first chunk, so the reader is usually there to time it. */
const FIRST_MS = 100;

interface Sample {
  /** Upstream → client µs of every chunk written after its stream was open. */
  all: number[];
  /** The same, for chunks written once every stream of the run was open (steady state). */
  steady: number[];
  incomplete: number;
}

/**
 * `streams` concurrent streams, started spread over a ramp so that their chunks interleave as
 * real ones do. While the ramp lasts, chunks share the server with the sends still opening
 * streams (whose cost the TTFC and throughput tables measure); `steady` leaves those out.
 */
async function sample(target: StreamTarget, streams: number, script: UpstreamScript): Promise<Sample> {
  const agent = keepAliveAgent();
  const sent: number[] = [];
  const latencies: number[] = [];
  let lastOpen = 0;
  let incomplete = 0;
  const rampMs = Math.max(script.intervalMs, streams);
  try {
    await Promise.all(Array.from({ length: streams }, async (_, i) => {
      await sleep((i / streams) * rampMs);
      await target.prepare?.(i);
      const res = await target.open(script, agent, i);
      const openedAt = nowUs();
      lastOpen = Math.max(lastOpen, openedAt);
      const read = await readStream(res, (at, received) => {
        if (at < openedAt) return;
        sent.push(at);
        latencies.push(received - at);
      });
      if (!read.complete || read.chunks !== script.chunks) incomplete++;
    }));
  } finally {
    agent.destroy();
  }
  return { all: latencies, steady: latencies.filter((_, i) => sent[i] >= lastOpen), incomplete };
}

/** 2. Per-chunk latency through Parley minus through the bare node:http relay (and nginx, and the peer with --peers). */
export async function chunkLatency(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const script: UpstreamScript = { chunks: opts.chunkCount, size: opts.chunkSize, intervalMs: opts.chunkIntervalMs, firstMs: Math.max(opts.chunkIntervalMs, FIRST_MS) };
  const conversations = new ConversationPool(parley);
  const floors = [completionsTarget('node:http relay', env.relay.port)];
  if (env.nginx) floors.push(completionsTarget('nginx (buffering off)', env.nginx.port));
  if (env.peer) floors.push(env.peer.target(env.upstream.port));
  const subject = parleyTarget(parley, conversations, false);
  // With --scaled, a Parley on PostgreSQL + Redis, measured in the same runs and set beside the embedded one.
  const scaled = env.scaled && { ...parleyTarget(env.scaled, new ConversationPool(env.scaled), false), name: 'Parley on PostgreSQL + Redis' };
  const rows: Row[] = [];
  type Runs = { p50: number[]; p99: number[]; incomplete: number };
  for (const streams of opts.chunkStreams) {
    const runs = new Map<string, { all: Runs; steady: Runs }>();
    const add = (r: Runs, values: number[], incomplete: number) => {
      r.p50.push(ms(percentile(values, 50)));
      r.p99.push(ms(percentile(values, 99)));
      r.incomplete += incomplete;
    };
    for (let run = 0; run < opts.runs; run++) {
      env.log(`chunk latency: ${streams} streams, run ${run + 1}/${opts.runs}`);
      for (const t of [...floors, subject, ...(scaled ? [scaled] : [])]) {
        const s = await sample(t, streams, script);
        const r = runs.get(t.name) ?? { all: { p50: [], p99: [], incomplete: 0 }, steady: { p50: [], p99: [], incomplete: 0 } };
        add(r.all, s.all, s.incomplete);
        add(r.steady, s.steady.length ? s.steady : s.all, 0);
        runs.set(t.name, r);
      }
    }
    const subjectRuns = runs.get(subject.name)!;
    if (scaled) {
      const s = runs.get(scaled.name)!;
      for (const q of ['p50', 'p99'] as const) {
        rows.push({
          group: 'chunk', name: `per-chunk latency, ${streams} streams, ${q}, on PostgreSQL + Redis vs embedded`, unit: 'ms',
          parley: spread(s.steady[q]), floor: spread(subjectRuns.steady[q]), floorName: 'Parley embedded',
          added: spread(s.steady[q].map((v, i) => v - subjectRuns.steady[q][i])), addedUnit: 'ms',
          note: s.all.incomplete ? `incomplete streams on PostgreSQL + Redis: ${s.all.incomplete}` : undefined,
        });
      }
    }
    for (const phase of ['steady', 'all'] as const) {
      // One stream has no ramp: its rows would repeat.
      if (phase === 'all' && streams === 1) continue;
      const p = subjectRuns[phase];
      const how = phase === 'steady' ? (streams === 1 ? '' : ', all open') : ', while streams open';
      for (const f of floors) {
        const floorRuns = runs.get(f.name)!;
        const floor = floorRuns[phase];
        const note = subjectRuns.all.incomplete || floorRuns.all.incomplete
          ? `incomplete streams: Parley ${subjectRuns.all.incomplete}, ${f.name} ${floorRuns.all.incomplete}`
          : undefined;
        for (const q of ['p50', 'p99'] as const) {
          const added = spread(p[q].map((v, i) => v - floor[q][i]));
          rows.push({
            group: 'chunk', name: `per-chunk latency, ${streams} streams${how}, ${q}, vs ${f.name}`, unit: 'ms',
            parley: spread(p[q]), floor: spread(floor[q]), floorName: f.name, added, addedUnit: 'ms',
            note,
          });
        }
      }
    }
  }
  if (!env.nginx) env.log('chunk latency: the nginx floor was skipped (nginx is not installed, or --no-nginx)');
  return rows;
}
