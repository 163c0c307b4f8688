import type { BenchEnv } from '../env.js';
import { ms, sleep } from '../env.js';
import { keepAliveAgent, pool, readStream } from '../http-client.js';
import { nowUs, type UpstreamScript } from '../script.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

const SCRIPT: UpstreamScript = { chunks: 2, size: 16, intervalMs: 0, firstMs: 0 };

/** Paced clients pause between a reply and their next message: uniformly 0 to twice this, in ms. */
export const PACED_MEAN_PAUSE_MS = 100;

/**
 * How clients follow one another. `closed`: each sends again the moment its reply has ended, so
 * N clients keep N requests queued and the figure is mostly queueing behind the server's CPU —
 * a saturation measurement. `paced`: each pauses (PACED_MEAN_PAUSE_MS on average, far less than a
 * person takes) before its next message, so the server is busy but not saturated, and the
 * figure is what each send itself adds.
 */
type Mode = 'closed' | 'paced';

/** `clients` clients each open streams one after another; returns every time to first chunk (µs). */
async function sample(target: StreamTarget, clients: number, perClient: number, mode: Mode): Promise<number[]> {
  const agent = keepAliveAgent();
  const out: number[] = [];
  const deadline = Date.now() + 60_000;
  try {
    await pool(clients, clients, async (client) => {
      // Paced clients start spread over one pause, as independent people would.
      if (mode === 'paced') await sleep(Math.random() * 2 * PACED_MEAN_PAUSE_MS);
      for (let i = 0; i < perClient && Date.now() < deadline; i++) {
        await target.prepare?.(client);
        const t0 = nowUs();
        const read = await readStream(await target.open(SCRIPT, agent, client));
        if (!read.complete || read.chunks !== SCRIPT.chunks) throw new Error(`${target.name}: incomplete stream`);
        out.push(read.firstAt - t0);
        if (mode === 'paced') await sleep(Math.random() * 2 * PACED_MEAN_PAUSE_MS);
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
  const peer = env.peer?.target(env.upstream.port);
  const measured = [...paths, ...(peer ? [peer] : [])];
  const rows: Row[] = [];
  // One client has nobody to queue behind: pacing it would change nothing but the run's length.
  const cases = opts.ttfcClients.flatMap((clients) => (clients > 1 ? [{ clients, mode: 'paced' as Mode }] : []).concat({ clients, mode: 'closed' }));
  for (const { clients, mode } of cases) {
    const perClient = Math.max(1, Math.ceil(opts.ttfcSamples / clients));
    const runs = new Map<string, { p50: number[]; p99: number[] }>();
    const record = (name: string, values: number[]) => {
      const r = runs.get(name) ?? { p50: [], p99: [] };
      r.p50.push(ms(percentile(values, 50)));
      r.p99.push(ms(percentile(values, 99)));
      runs.set(name, r);
    };
    // Warm every path (connections, JIT) once before timing it.
    for (const t of [direct, ...measured]) await sample(t, Math.min(clients, 50), 1, 'closed');
    for (let run = 0; run < opts.runs; run++) {
      env.log(`ttfc: ${clients} clients, ${mode}, run ${run + 1}/${opts.runs}`);
      record(direct.name, await sample(direct, clients, perClient, mode));
      // Alternate which way goes first, so that neither always follows the other's leftovers.
      for (const t of run % 2 ? [...measured].reverse() : measured) record(t.name, await sample(t, clients, perClient, mode));
    }
    const floor = runs.get(direct.name)!;
    const how = clients === 1 ? '' : mode === 'paced' ? `, paced (pauses averaging ${PACED_MEAN_PAUSE_MS} ms)` : ', closed loop (no pause: saturation)';
    const addedOf = (name: string, q: 'p50' | 'p99') => runs.get(name)![q].map((v, i) => v - floor[q][i]);
    for (const t of measured) {
      const r = runs.get(t.name)!;
      for (const q of ['p50', 'p99'] as const) {
        rows.push({
          group: 'ttfc', name: `TTFC ${t.name}, ${clients} clients${how}, ${q}`, unit: 'ms',
          parley: spread(r[q]), floor: spread(floor[q]), floorName: 'upstream direct',
          added: spread(addedOf(t.name, q)), addedUnit: 'ms',
        });
      }
    }
    // The target: Parley's added time at most half the peer's, at 1 client and at 50
    // (paced: 50 people chatting), each run's ratio of the two added times.
    if (peer && (clients === 1 || (clients === 50 && mode === 'paced'))) {
      const theirs = addedOf(peer.name, 'p50');
      for (const t of paths) {
        const ratio = spread(addedOf(t.name, 'p50').map((v, i) => v / theirs[i]));
        rows.push({
          group: 'ttfc', name: `TTFC added, ${t.name} ÷ ${peer.name}, ${clients} clients${how}, p50`, unit: 'ms',
          parley: spread(addedOf(t.name, 'p50')), floor: spread(theirs), floorName: `${peer.name} (added)`,
          added: ratio, addedUnit: '×', target: '≤ 0.5× the peer', met: ratio.median <= 0.5,
        });
      }
    }
  }
  return rows;
}
