import type { BenchEnv } from '../env.js';
import { ms, sleep } from '../env.js';
import { keepAliveAgent, readStream } from '../http-client.js';
import { nowUs, type UpstreamScript } from '../script.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

/** The upstream waits this long before a reply's first chunk, so the reader is usually there to time it. */
const FIRST_MS = 100;

/**
 * `streams` concurrent streams, started spread over a ramp so that their chunks interleave as
 * real ones do; returns, for every chunk written after its stream was open, upstream → client µs.
 */
async function sample(target: StreamTarget, streams: number, script: UpstreamScript): Promise<{ latencies: number[]; incomplete: number }> {
  const agent = keepAliveAgent();
  const latencies: number[] = [];
  let incomplete = 0;
  const rampMs = Math.max(script.intervalMs, streams);
  try {
    await Promise.all(Array.from({ length: streams }, async (_, i) => {
      await sleep((i / streams) * rampMs);
      await target.prepare?.(i);
      const res = await target.open(script, agent, i);
      const openedAt = nowUs();
      const read = await readStream(res, (sent, received) => {
        if (sent >= openedAt) latencies.push(received - sent);
      });
      if (!read.complete || read.chunks !== script.chunks) incomplete++;
    }));
  } finally {
    agent.destroy();
  }
  return { latencies, incomplete };
}

/** 2. Per-chunk latency through Parley minus through the bare node:http relay (and nginx). */
export async function chunkLatency(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const script: UpstreamScript = { chunks: opts.chunkCount, size: opts.chunkSize, intervalMs: opts.chunkIntervalMs, firstMs: Math.max(opts.chunkIntervalMs, FIRST_MS) };
  const conversations = new ConversationPool(parley);
  const floors = [completionsTarget('node:http relay', env.relay.port)];
  if (env.nginx) floors.push(completionsTarget('nginx (buffering off)', env.nginx.port));
  const subject = parleyTarget(parley, conversations, false);
  const rows: Row[] = [];
  for (const streams of opts.chunkStreams) {
    const runs = new Map<string, { p50: number[]; p99: number[]; incomplete: number }>();
    for (let run = 0; run < opts.runs; run++) {
      env.log(`chunk latency: ${streams} streams, run ${run + 1}/${opts.runs}`);
      for (const t of [...floors, subject]) {
        const { latencies, incomplete } = await sample(t, streams, script);
        const r = runs.get(t.name) ?? { p50: [], p99: [], incomplete: 0 };
        r.p50.push(ms(percentile(latencies, 50)));
        r.p99.push(ms(percentile(latencies, 99)));
        r.incomplete += incomplete;
        runs.set(t.name, r);
      }
    }
    const p = runs.get(subject.name)!;
    for (const f of floors) {
      const floor = runs.get(f.name)!;
      for (const q of ['p50', 'p99'] as const) {
        const added = spread(p[q].map((v, i) => v - floor[q][i]));
        const limit = f === floors[0] && q === 'p99' ? (streams === 100 ? 1 : streams === 1000 ? 5 : undefined) : undefined;
        rows.push({
          group: 'chunk', name: `per-chunk latency, ${streams} streams, ${q}, vs ${f.name}`, unit: 'ms',
          parley: spread(p[q]), floor: spread(floor[q]), floorName: f.name, added, addedUnit: 'ms',
          target: limit === undefined ? undefined : `added ≤ ${limit} ms`,
          met: limit === undefined ? undefined : added.median <= limit,
          note: p.incomplete || floor.incomplete ? `incomplete streams: Parley ${p.incomplete}, ${f.name} ${floor.incomplete}` : undefined,
        });
      }
    }
  }
  if (!env.nginx) env.log('chunk latency: the nginx floor was skipped (nginx is not installed, or --no-nginx)');
  return rows;
}
