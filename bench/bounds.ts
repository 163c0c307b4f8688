/**
 * What bounds the per-send and per-chunk targets, measured: the CPU per send and per chunk of the
 * floors, of bound-server.ts (the same work as Parley's in bare code, step by step) and of Parley,
 * in the same sitting, with the throughput table's workloads (64 clients sending replies of one
 * chunk; 4 replies of 20,000 chunks at the upstream's full speed). Each figure is the median of
 * `--runs` (5), the processes measured in turn in every run.
 *
 *   npm run build && npx tsx bench/bounds.ts [--runs 5] [--sends 10000] [--chunks 20000]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { call, keepAliveAgent, readBody } from './http-client.js';
import { startParley } from './parley-process.js';
import { ROOT, cpuOf, startHelper } from './processes.js';
import { chunkRate } from './scenarios/throughput.js';
import { scriptMessage } from './script.js';
import { spread } from './stats.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from './targets.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    sends: { type: 'string', default: '10000' },
    chunks: { type: 'string', default: '20000' },
  },
});
const runs = Number(values.runs);
const sends = Number(values.sends);
const chunks = Number(values.chunks);
const CLIENTS = 64;

const upstream = await startHelper('upstream', '0');
const relay = await startHelper('relay', String(upstream.port));
const bound = await startHelper('bound', String(upstream.port));
const parley = await startParley(`http://127.0.0.1:${upstream.port}/v1`, [process.env.PARLEY_ENTRY ?? path.join(ROOT, 'dist/main.js')]);
const conversations = new ConversationPool(parley);
const content = scriptMessage({ chunks: 1, size: 16, intervalMs: 0, firstMs: 0 });

type Send = (client: number, agent: ReturnType<typeof keepAliveAgent>) => Promise<void>;
const post = (port: number, urlPath: string, headers: Record<string, string> = {}): Send => async (client, agent) => {
  const conversation = urlPath.startsWith('/api') ? await conversations.take(client) : 'conversation';
  const body = JSON.stringify({ content, conversation_id: conversation, redirect: false });
  const res = await call(port, { method: 'POST', path: urlPath, body, agent, headers });
  const text = await readBody(res);
  if (res.statusCode !== 200) throw new Error(`${urlPath}: HTTP ${res.statusCode} ${text}`);
};

/** CPU µs per send of `pid` over `sends` sends from 64 clients (the replies started finish first). */
async function cpuPerSend(pid: number, send: Send): Promise<number> {
  const agent = keepAliveAgent();
  const cpu0 = cpuOf(pid);
  let started = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    while (started++ < sends) await send(client, agent);
  }));
  await new Promise((r) => setTimeout(r, 300));
  agent.destroy();
  return (cpuOf(pid) - cpu0) / sends;
}

/** CPU µs per chunk of `pid` over 4 replies of `chunks` chunks at once: the throughput table's chunk workload. */
const cpuPerChunk = async (pid: number, target: StreamTarget) => (await chunkRate(pid, target, 4, chunks)).cpu;

const sendRows: [string, number, Send][] = [
  ['node:http POST → JSON (the floor)', relay.child.pid, post(relay.port, '/send')],
  ['+ SQLite: two messages inserted in one transaction', bound.child.pid, post(bound.port, '/send-db')],
  ['the same as a fastify route', bound.child.pid, post(bound.port, '/fastify/send-db')],
  ['+ the reply: upstream POST, its events parsed, the reply row updated', bound.child.pid, post(bound.port, '/send-full')],
  ['Parley (POST /messages/stream, redirect:false)', parley.child.pid, post(parley.port, '/api/v1/messages/stream', { authorization: `Bearer ${parley.key}` })],
];
const chunkRows: [string, number, StreamTarget][] = [
  ['bare node:http relay (the floor)', relay.child.pid, completionsTarget('relay', relay.port)],
  ['relay that parses each event and writes a chunk event of its own', bound.child.pid, completionsTarget('bound', bound.port)],
  ['Parley', parley.child.pid, parleyTarget(parley, conversations, false)],
];

try {
  for (const [, pid, send] of sendRows) await cpuPerSend(pid, send); // warm up every process
  const perSend = sendRows.map(() => [] as number[]);
  const perChunk = chunkRows.map(() => [] as number[]);
  for (let run = 0; run < runs; run++) {
    for (const [i, [, pid, send]] of sendRows.entries()) perSend[i].push(await cpuPerSend(pid, send));
    for (const [i, [, pid, target]] of chunkRows.entries()) perChunk[i].push(await cpuPerChunk(pid, target));
    process.stderr.write(`run ${run + 1}/${runs}\n`);
  }
  const table = (title: string, rows: string[], figures: number[][]) => {
    console.log(`\n| ${title} | CPU µs (median, min–max) | ÷ the floor |\n|---|---|---|`);
    rows.forEach((name, i) => {
      const s = spread(figures[i]);
      const ratio = spread(figures[i].map((v, r) => v / figures[0][r]));
      console.log(`| ${name} | ${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)}) | ${ratio.median.toFixed(2)}× |`);
    });
  };
  table(`per send (${sends} sends from ${CLIENTS} clients, ${runs} runs)`, sendRows.map((r) => r[0]), perSend);
  table(`per chunk (4 replies × ${chunks} chunks, ${runs} runs)`, chunkRows.map((r) => r[0]), perChunk);
} finally {
  await parley.stop();
  for (const h of [bound, relay, upstream]) await h.child.stop();
}
