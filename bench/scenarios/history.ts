import type { BenchEnv } from '../env.js';
import { ms, sleep } from '../env.js';
import { call, keepAliveAgent, readBody } from '../http-client.js';
import { nowUs, scriptMessage } from '../script.js';
import { countMessages, seedMessages } from '../seed.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';
import type { ParleyProcess } from '../parley-process.js';

/** The first-run account and bot of a fresh Parley. */
const ACCOUNT_ID = 1;
const BOT_ID = 1;
/** Sends not timed at the start of each run (JIT, caches, connections). */
const WARM_UP = 30;

/** 5. Send latency with 0, 100,000 and 1,000,000 messages already stored in the account. */
export async function costAgainstHistory(env: BenchEnv): Promise<Row[]> {
  const { opts } = env;
  const body = (conversation: string) => JSON.stringify({ content: scriptMessage({ chunks: 1, size: 16, intervalMs: 0, firstMs: 0 }), conversation_id: conversation, redirect: false });
  const sizes = [...opts.history].sort((a, b) => a - b);
  // One Parley (and store) per size, all running, their sends interleaved: whatever else the
  // machine does drifts over seconds and minutes, and would otherwise land on one size and read
  // as a cost of history.
  const servers: ParleyProcess[] = [];
  const results = sizes.map((size) => ({ size, p50: [] as number[], p99: [] as number[] }));
  try {
    for (const size of sizes) {
      const parley = await env.freshParley();
      servers.push(parley);
      if (size > 0) {
        env.log(`history: seeding ${size} messages`);
        await parley.child.stop();
        seedMessages(parley.dbFile, ACCOUNT_ID, BOT_ID, size - countMessages(parley.dbFile, ACCOUNT_ID));
        await parley.restart();
      }
    }
    for (let run = 0; run < opts.runs; run++) {
      env.log(`history: run ${run + 1}/${opts.runs}, ${sizes.join(' / ')} stored`);
      // A fresh conversation each run: every size sees the same short history in it.
      const clients = await Promise.all(servers.map(async (parley, i) => ({
        parley,
        headers: { authorization: `Bearer ${parley.key}` },
        conversation: await parley.conversation(`history ${sizes[i]} ${run}`),
        agent: keepAliveAgent(1),
        latencies: [] as number[],
      })));
      const deadline = Date.now() + 120_000;
      for (let n = 0; n < opts.historySends + WARM_UP && Date.now() < deadline; n++) {
        // Send by send, the sizes take turns (starting with a different one each time), so that
        // every size meets the same moment-to-moment load from the rest of the machine.
        for (let k = 0; k < clients.length; k++) {
          const c = clients[(k + n) % clients.length];
          const t0 = nowUs();
          const res = await call(c.parley.port, { method: 'POST', path: '/api/v1/messages/stream', body: body(c.conversation), agent: c.agent, headers: c.headers });
          const text = await readBody(res);
          if (res.statusCode !== 200) throw new Error(`Parley send: HTTP ${res.statusCode} ${text}`);
          if (n >= WARM_UP) c.latencies.push(nowUs() - t0);
          await sleep(0);
        }
      }
      clients.forEach((c, i) => {
        c.agent.destroy();
        results[i].p50.push(ms(percentile(c.latencies, 50)));
        results[i].p99.push(ms(percentile(c.latencies, 99)));
      });
    }
  } finally {
    for (const parley of servers) await parley.stop();
  }
  const zero = results[0];
  const rows: Row[] = [];
  for (const r of results) {
    for (const q of ['p50', 'p99'] as const) {
      const added = spread(r[q].map((v, i) => (100 * (v - zero[q][i])) / zero[q][i]));
      const targeted = q === 'p50' && r.size === Math.max(...opts.history) && r.size > 0;
      rows.push({
        group: 'history', name: `send latency with ${r.size.toLocaleString('en')} stored messages, ${q}`, unit: 'ms',
        parley: spread(r[q]), floor: spread(zero[q]), floorName: `${zero.size} stored`,
        added, addedUnit: '%', target: targeted ? 'within 10 %' : undefined, met: targeted ? added.median <= 10 : undefined,
      });
    }
  }
  return rows;
}
