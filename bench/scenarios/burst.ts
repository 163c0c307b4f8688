import type { BenchEnv } from '../env.js';
import { ms } from '../env.js';
import { keepAliveAgent, readStream } from '../http-client.js';
import type { UpstreamScript } from '../script.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

interface Sample {
  /** Upstream → client µs of every chunk. */
  latencies: number[];
  incomplete: number;
}

/**
 * `streams` streams all started at the same moment, so that the sends opening the last ones land
 * while the first ones already stream: what a send costs the readers already open.
 */
async function sample(target: StreamTarget, streams: number, script: UpstreamScript): Promise<Sample> {
  const agent = keepAliveAgent();
  const latencies: number[] = [];
  let incomplete = 0;
  try {
    // Conversations are made before the burst, outside what is timed.
    for (let i = 0; i < streams; i++) await target.prepare?.(i);
    await Promise.all(Array.from({ length: streams }, async (_, i) => {
      const read = await readStream(await target.open(script, agent, i), (at, received) => latencies.push(received - at));
      if (!read.complete || read.chunks !== script.chunks) incomplete++;
    }));
  } finally {
    agent.destroy();
  }
  return { latencies, incomplete };
}

/** The burst scenario: per-chunk latency with all streams started together, beside the relay and the peer. */
export async function burst(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const script: UpstreamScript = { chunks: opts.burstChunks, size: 24, intervalMs: opts.burstIntervalMs, firstMs: 0 };
  const relay = completionsTarget('node:http relay', env.relay.port);
  const peer = env.peer?.target(env.upstream.port);
  const subject = parleyTarget(parley, new ConversationPool(parley), false);
  const targets = [relay, ...(peer ? [peer] : []), subject];
  const runs = new Map<string, { p50: number[]; p99: number[]; incomplete: number }>();
  for (const t of targets) await sample(t, Math.min(10, opts.burstStreams), script); // warm connections and JIT
  for (let run = 0; run < opts.runs; run++) {
    // Alternate the order, so that no one always follows another's leftovers.
    for (const t of run % 2 ? [...targets].reverse() : targets) {
      env.log(`burst: ${opts.burstStreams} streams through ${t.name}, run ${run + 1}/${opts.runs}`);
      const s = await sample(t, opts.burstStreams, script);
      const r = runs.get(t.name) ?? { p50: [], p99: [], incomplete: 0 };
      r.p50.push(ms(percentile(s.latencies, 50)));
      r.p99.push(ms(percentile(s.latencies, 99)));
      r.incomplete += s.incomplete;
      runs.set(t.name, r);
    }
  }
  const what = `${opts.burstStreams} streams of ${opts.burstChunks} chunks ${opts.burstIntervalMs} ms apart, started together`;
  const p = runs.get(subject.name)!;
  const rows: Row[] = [];
  for (const q of ['p50', 'p99'] as const) {
    for (const floor of [relay, ...(peer ? [peer] : [])]) {
      const f = runs.get(floor.name)!;
      const isTarget = floor === peer && q === 'p99';
      const ratio = spread(p[q].map((v, i) => v / f[q][i]));
      rows.push({
        group: 'burst', name: `per-chunk latency, ${what}, ${q}, vs ${floor.name}`, unit: 'ms',
        parley: spread(p[q]), floor: spread(f[q]), floorName: floor.name,
        added: ratio, addedUnit: '×',
        target: isTarget ? '≤ 1× the peer' : undefined, met: isTarget ? ratio.median <= 1 : undefined,
        note: p.incomplete || f.incomplete ? `incomplete streams: Parley ${p.incomplete}, ${floor.name} ${f.incomplete}` : undefined,
      });
    }
  }
  return rows;
}
