import type { BenchEnv } from '../env.js';
import { ms } from '../env.js';
import { keepAliveAgent, pool, readStream } from '../http-client.js';
import { nowUs, type UpstreamScript } from '../script.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

const SCRIPT: UpstreamScript = { chunks: 2, size: 16, intervalMs: 0, firstMs: 0 };

/** `clients` clients each open streams one after another; returns every time to first chunk (µs). */
async function sample(target: StreamTarget, clients: number, perClient: number): Promise<number[]> {
  const agent = keepAliveAgent();
  const out: number[] = [];
  const deadline = Date.now() + 60_000;
  try {
    await pool(clients, clients, async (client) => {
      for (let i = 0; i < perClient && Date.now() < deadline; i++) {
        await target.prepare?.(client);
        const t0 = nowUs();
        const read = await readStream(await target.open(SCRIPT, agent, client));
        if (!read.complete || read.chunks !== SCRIPT.chunks) throw new Error(`${target.name}: incomplete stream`);
        out.push(read.firstAt - t0);
      }
    });
  } finally {
    agent.destroy();
  }
  return out;
}

/** 1. Time to first chunk through Parley (both ways of opening) minus straight from the upstream. */
export async function timeToFirstChunk(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const conversations = new ConversationPool(parley);
  const direct = completionsTarget('upstream direct', env.upstream.port);
  const paths = [parleyTarget(parley, conversations, true), parleyTarget(parley, conversations, false)];
  const rows: Row[] = [];
  for (const clients of opts.ttfcClients) {
    const perClient = Math.max(1, Math.ceil(opts.ttfcSamples / clients));
    const runs = new Map<string, { p50: number[]; p99: number[] }>();
    const record = (name: string, values: number[]) => {
      const r = runs.get(name) ?? { p50: [], p99: [] };
      r.p50.push(ms(percentile(values, 50)));
      r.p99.push(ms(percentile(values, 99)));
      runs.set(name, r);
    };
    // Warm every path (connections, JIT) once before timing it.
    for (const t of [direct, ...paths]) await sample(t, Math.min(clients, 50), 1);
    for (let run = 0; run < opts.runs; run++) {
      env.log(`ttfc: ${clients} clients, run ${run + 1}/${opts.runs}`);
      record(direct.name, await sample(direct, clients, perClient));
      // Alternate which way goes first, so that neither always follows the other's leftovers.
      for (const t of run % 2 ? [...paths].reverse() : paths) record(t.name, await sample(t, clients, perClient));
    }
    const floor = runs.get(direct.name)!;
    for (const t of paths) {
      const r = runs.get(t.name)!;
      for (const q of ['p50', 'p99'] as const) {
        const added = spread(r[q].map((v, i) => v - floor[q][i]));
        const limit = clients === 50 ? (q === 'p50' ? 2 : 10) : undefined;
        rows.push({
          group: 'ttfc', name: `TTFC ${t.name}, ${clients} clients, ${q}`, unit: 'ms',
          parley: spread(r[q]), floor: spread(floor[q]), floorName: 'upstream direct',
          added, addedUnit: 'ms', target: limit === undefined ? undefined : `added ≤ ${limit} ms`,
          met: limit === undefined ? undefined : added.median <= limit,
        });
      }
    }
  }
  return rows;
}
