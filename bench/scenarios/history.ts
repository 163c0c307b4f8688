import type { BenchEnv } from '../env.js';
import { ms, sleep } from '../env.js';
import { call, keepAliveAgent, readBody } from '../http-client.js';
import { nowUs, scriptMessage } from '../script.js';
import { countMessages, seedMessages } from '../seed.js';
import { percentile, spread } from '../stats.js';
import type { Row } from '../table.js';

/** The first-run account and bot of a fresh Parley. */
const ACCOUNT_ID = 1;
const BOT_ID = 1;
/** Sends not timed at the start of each run (JIT, caches, connections). */
const WARM_UP = 30;

/** 5. Send latency with 0, 100,000 and 1,000,000 messages already stored in the account. */
export async function costAgainstHistory(env: BenchEnv): Promise<Row[]> {
  const { opts } = env;
  const parley = await env.freshParley();
  const headers = { authorization: `Bearer ${parley.key}` };
  const body = (conversation: string) => JSON.stringify({ content: scriptMessage({ chunks: 1, size: 16, intervalMs: 0, firstMs: 0 }), conversation_id: conversation, redirect: false });
  const results: { size: number; p50: number[]; p99: number[] }[] = [];
  try {
    for (const size of [...opts.history].sort((a, b) => a - b)) {
      const have = countMessages(parley.dbFile, ACCOUNT_ID);
      if (size > have) {
        env.log(`history: seeding ${size - have} messages`);
        await parley.child.stop();
        seedMessages(parley.dbFile, ACCOUNT_ID, BOT_ID, size - have);
        await parley.restart();
      }
      const r = { size, p50: [] as number[], p99: [] as number[] };
      for (let run = 0; run < opts.runs; run++) {
        env.log(`history: ${size} stored, run ${run + 1}/${opts.runs}`);
        // A fresh conversation each run: every size sees the same short history in it.
        const conversation = await parley.conversation(`history ${size} ${run}`);
        const agent = keepAliveAgent(1);
        const latencies: number[] = [];
        const deadline = Date.now() + 60_000;
        for (let i = 0; i < opts.historySends + WARM_UP && Date.now() < deadline; i++) {
          const t0 = nowUs();
          const res = await call(parley.port, { method: 'POST', path: '/api/v1/messages/stream', body: body(conversation), agent, headers });
          const text = await readBody(res);
          if (res.statusCode !== 200) throw new Error(`Parley send: HTTP ${res.statusCode} ${text}`);
          if (i >= WARM_UP) latencies.push(nowUs() - t0);
          await sleep(0);
        }
        agent.destroy();
        r.p50.push(ms(percentile(latencies, 50)));
        r.p99.push(ms(percentile(latencies, 99)));
      }
      results.push(r);
    }
  } finally {
    await parley.stop();
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
