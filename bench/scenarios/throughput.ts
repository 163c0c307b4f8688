import type { BenchEnv } from '../env.js';
import { sleep } from '../env.js';
import { call, keepAliveAgent, readBody, readStream } from '../http-client.js';
import { cpuOf } from '../processes.js';
import type { ParleyProcess } from '../parley-process.js';
import { scriptMessage, type UpstreamScript } from '../script.js';
import { spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget, ConversationPool, parleyTarget, type StreamTarget } from '../targets.js';

const SHORT: UpstreamScript = { chunks: 1, size: 16, intervalMs: 0, firstMs: 0 };

/** Closed loop of `clients` senders for `seconds`; returns completed requests per second and the server's CPU µs per request. */
async function rate(pid: number, clients: number, seconds: number, send: (client: number, agent: ReturnType<typeof keepAliveAgent>) => Promise<void>): Promise<{ rate: number; cpu: number }> {
  const cpu0 = cpuOf(pid);
  const agent = keepAliveAgent();
  let done = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  try {
    await Promise.all(Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < end) {
        await send(client, agent);
        done++;
      }
    }));
  } finally {
    agent.destroy();
  }
  return { rate: done / ((performance.now() - start) / 1000), cpu: (cpuOf(pid) - cpu0) / done };
}

/** One client's send to `parley` in the throughput workload: a reply of one chunk, `redirect: false`. */
export function parleySend(parley: ParleyProcess, conversations: ConversationPool) {
  const headers = { authorization: `Bearer ${parley.key}` };
  return async (client: number, agent: ReturnType<typeof keepAliveAgent>) => {
    // One send in twenty also makes the client's next conversation: counted, as a real client's would be.
    const body = JSON.stringify({ content: scriptMessage(SHORT), conversation_id: await conversations.take(client), redirect: false });
    const res = await call(parley.port, { method: 'POST', path: '/api/v1/messages/stream', body, agent, headers });
    const text = await readBody(res);
    if (res.statusCode !== 200) throw new Error(`Parley send: HTTP ${res.statusCode} ${text}`);
  };
}

/** All of `streams` replies of `chunks` chunks at the upstream's full speed; returns chunks per second and the server's CPU µs per chunk. */
export async function chunkRate(pid: number, target: StreamTarget, streams: number, chunks: number): Promise<{ rate: number; cpu: number }> {
  const cpu0 = cpuOf(pid);
  const agent = keepAliveAgent();
  const script: UpstreamScript = { chunks, size: 24, intervalMs: 0, firstMs: 0 };
  let total = 0;
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: streams }, async (_, i) => {
      const read = await readStream(await target.open(script, agent, i));
      if (!read.complete) throw new Error(`${target.name}: incomplete stream`);
      total += read.chunks;
    }));
  } finally {
    agent.destroy();
  }
  return { rate: total / ((performance.now() - start) / 1000), cpu: (cpuOf(pid) - cpu0) / total };
}

/** 3. Sends per second and chunks delivered per second, beside bare node:http doing the same. */
export async function throughput(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const conversations = new ConversationPool(parley);
  const send = parleySend(parley, conversations);
  const floorSend = async (_: number, agent: ReturnType<typeof keepAliveAgent>) => {
    const res = await call(env.relay.port, { method: 'POST', path: '/send', body: JSON.stringify({ content: 'x', conversation_id: 'y', redirect: false }), agent });
    await readBody(res);
  };
  const sends = { parley: [] as number[], floor: [] as number[], parleyCpu: [] as number[], floorCpu: [] as number[], scaled: [] as number[], scaledCpu: [] as number[] };
  // With --scaled, the same sends and chunks through a Parley on PostgreSQL + Redis, run by run beside the embedded one.
  const scaled = env.scaled;
  const scaledConversations = scaled && new ConversationPool(scaled);
  const scaledSend = scaled && parleySend(scaled, scaledConversations!);
  if (scaled) await rate(scaled.child.pid, opts.throughputClients, Math.min(0.3, opts.throughputSeconds), scaledSend!);
  const parleyPid = parley.child.pid;
  const relayPid = env.relay.child.pid;
  await rate(parleyPid, opts.throughputClients, Math.min(0.3, opts.throughputSeconds), send);
  for (let run = 0; run < opts.runs; run++) {
    env.log(`throughput: sends, run ${run + 1}/${opts.runs}`);
    const f = await rate(relayPid, opts.throughputClients, opts.throughputSeconds, floorSend);
    sends.floor.push(f.rate);
    sends.floorCpu.push(f.cpu);
    await sleep(100);
    const p = await rate(parleyPid, opts.throughputClients, opts.throughputSeconds, send);
    sends.parley.push(p.rate);
    sends.parleyCpu.push(p.cpu);
    await sleep(300); // let the replies just started finish before the next run
    if (scaled) {
      const s = await rate(scaled.child.pid, opts.throughputClients, opts.throughputSeconds, scaledSend!);
      sends.scaled.push(s.rate);
      sends.scaledCpu.push(s.cpu);
      await sleep(300);
    }
  }

  const subject = parleyTarget(parley, conversations, false);
  const direct = completionsTarget('upstream direct', env.upstream.port);
  const relay = completionsTarget('node:http relay', env.relay.port);
  const peer = env.peer?.target(env.upstream.port);
  const chunks = {
    parley: [] as number[], direct: [] as number[], relay: [] as number[], parleyCpu: [] as number[], relayCpu: [] as number[],
    peer: [] as number[], peerCpu: [] as number[], scaled: [] as number[], scaledCpu: [] as number[],
  };
  const scaledSubject = scaled && parleyTarget(scaled, scaledConversations!, false);
  for (let run = 0; run < opts.runs; run++) {
    env.log(`throughput: chunks, run ${run + 1}/${opts.runs}`);
    chunks.direct.push((await chunkRate(env.upstream.child.pid, direct, opts.fastStreams, opts.fastChunks)).rate);
    const r = await chunkRate(relayPid, relay, opts.fastStreams, opts.fastChunks);
    chunks.relay.push(r.rate);
    chunks.relayCpu.push(r.cpu);
    const p = await chunkRate(parleyPid, subject, opts.fastStreams, opts.fastChunks);
    chunks.parley.push(p.rate);
    chunks.parleyCpu.push(p.cpu);
    if (scaled) {
      const s = await chunkRate(scaled.child.pid, scaledSubject!, opts.fastStreams, opts.fastChunks);
      chunks.scaled.push(s.rate);
      chunks.scaledCpu.push(s.cpu);
    }
    if (peer && env.peer) {
      const k = await chunkRate(env.peer.child.pid, peer, opts.fastStreams, opts.fastChunks);
      chunks.peer.push(k.rate);
      chunks.peerCpu.push(k.cpu);
    }
  }
  const ratio = (a: number[], b: number[]) => spread(a.map((v, i) => (100 * v) / b[i]));
  const times = (a: number[], b: number[]) => spread(a.map((v, i) => v / b[i]));
  const sendCpu = times(sends.parleyCpu, sends.floorCpu);
  const chunkCpu = times(chunks.parleyCpu, chunks.relayCpu);
  const peerRows: Row[] = peer ? [
    {
      group: 'throughput', name: `chunks/s delivered through ${peer.name}`, unit: '1/s',
      parley: spread(chunks.peer), floor: spread(chunks.relay), floorName: 'node:http relay',
      added: ratio(chunks.peer, chunks.relay), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: `server CPU per chunk delivered, ${peer.name}`, unit: 'µs',
      parley: spread(chunks.peerCpu), floor: spread(chunks.relayCpu), floorName: 'node:http relay',
      added: times(chunks.peerCpu, chunks.relayCpu), addedUnit: '×',
    },
  ] : [];
  // The scaled-out form beside the embedded one: Parley's own process only (PostgreSQL's and Redis's CPU is theirs).
  const embedded = 'Parley embedded (SQLite, in-process bus)';
  const scaledRows: Row[] = scaled ? [
    {
      group: 'throughput', name: `sends/s on PostgreSQL + Redis (${opts.throughputClients} clients)`, unit: '1/s',
      parley: spread(sends.scaled), floor: spread(sends.parley), floorName: embedded, added: ratio(sends.scaled, sends.parley), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: 'server CPU per send on PostgreSQL + Redis (the Parley process)', unit: 'µs',
      parley: spread(sends.scaledCpu), floor: spread(sends.parleyCpu), floorName: embedded, added: times(sends.scaledCpu, sends.parleyCpu), addedUnit: '×',
    },
    {
      group: 'throughput', name: 'server CPU per send on PostgreSQL + Redis ÷ the node:http POST → JSON floor', unit: 'µs',
      parley: spread(sends.scaledCpu), floor: spread(sends.floorCpu), floorName: 'node:http POST → JSON', added: times(sends.scaledCpu, sends.floorCpu), addedUnit: '×',
    },
    {
      group: 'throughput', name: `chunks/s delivered on PostgreSQL + Redis`, unit: '1/s',
      parley: spread(chunks.scaled), floor: spread(chunks.parley), floorName: embedded, added: ratio(chunks.scaled, chunks.parley), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: 'server CPU per chunk delivered on PostgreSQL + Redis (the Parley process)', unit: 'µs',
      parley: spread(chunks.scaledCpu), floor: spread(chunks.parleyCpu), floorName: embedded, added: times(chunks.scaledCpu, chunks.parleyCpu), addedUnit: '×',
    },
  ] : [];
  return [
    {
      group: 'throughput', name: `sends/s (POST /messages/stream, ${opts.throughputClients} clients, SQLite WAL)`, unit: '1/s',
      parley: spread(sends.parley), floor: spread(sends.floor), floorName: 'node:http POST → JSON',
      added: ratio(sends.parley, sends.floor), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: `chunks/s delivered (${opts.fastStreams} streams × ${opts.fastChunks} chunks, upstream at full speed)`, unit: '1/s',
      parley: spread(chunks.parley), floor: spread(chunks.relay), floorName: 'node:http relay',
      added: ratio(chunks.parley, chunks.relay), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: `chunks/s delivered, vs reading the upstream directly`, unit: '1/s',
      parley: spread(chunks.parley), floor: spread(chunks.direct), floorName: 'upstream direct',
      added: ratio(chunks.parley, chunks.direct), addedUnit: '% of floor',
    },
    {
      group: 'throughput', name: 'server CPU per send (user + system; noise-proof where rates are not)', unit: 'µs',
      parley: spread(sends.parleyCpu), floor: spread(sends.floorCpu), floorName: 'node:http POST → JSON',
      added: spread(sends.parleyCpu.map((v, i) => v - sends.floorCpu[i])), addedUnit: 'µs',
    },
    {
      group: 'throughput', name: 'server CPU per send ÷ the node:http POST → JSON floor', unit: 'µs',
      parley: spread(sends.parleyCpu), floor: spread(sends.floorCpu), floorName: 'node:http POST → JSON',
      added: sendCpu, addedUnit: '×', target: '≤ 3×', met: sendCpu.median <= 3,
    },
    {
      group: 'throughput', name: 'server CPU per chunk delivered', unit: 'µs',
      parley: spread(chunks.parleyCpu), floor: spread(chunks.relayCpu), floorName: 'node:http relay',
      added: spread(chunks.parleyCpu.map((v, i) => v - chunks.relayCpu[i])), addedUnit: 'µs',
    },
    {
      group: 'throughput', name: 'server CPU per chunk delivered ÷ the node:http relay', unit: 'µs',
      parley: spread(chunks.parleyCpu), floor: spread(chunks.relayCpu), floorName: 'node:http relay',
      added: chunkCpu, addedUnit: '×', target: '≤ 2.5×', met: chunkCpu.median <= 2.5,
    },
    ...peerRows,
    ...scaledRows,
  ];
}
