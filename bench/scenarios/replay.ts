import type { BenchEnv } from '../env.js';
import { ms } from '../env.js';
import { call, keepAliveAgent, readBody, readStream } from '../http-client.js';
import { nowUs, scriptMessage, type UpstreamScript } from '../script.js';
import { spread } from '../stats.js';
import type { Row } from '../table.js';

/** Time (µs) and bytes to read `path` on `port` from the request to its last byte. */
async function timeRead(port: number, path: string, expectChunks?: number): Promise<{ us: number; bytes: number }> {
  const agent = keepAliveAgent(1);
  try {
    const t0 = nowUs();
    const res = await call(port, { method: 'GET', path, agent });
    const read = await readStream(res);
    const us = nowUs() - t0;
    if (expectChunks !== undefined && (!read.complete || read.chunks !== expectChunks)) {
      throw new Error(`replay: got ${read.chunks} chunks, expected ${expectChunks} (complete: ${read.complete})`);
    }
    return { us, bytes: read.bytes };
  } finally {
    agent.destroy();
  }
}

/** 6. A late client reads a finished 10,000-chunk reply: from memory (just finished) and from the store (after a restart). */
export async function replay(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const script: UpstreamScript = { chunks: opts.replayChunks, size: 24, intervalMs: 0, firstMs: 0 };
  const conversation = await parley.conversation('replay');
  const sent = await call(parley.port, {
    method: 'POST', path: '/api/v1/messages/stream', headers: { authorization: `Bearer ${parley.key}` },
    body: JSON.stringify({ content: scriptMessage(script), conversation_id: conversation, redirect: false }),
  });
  const path = new URL((JSON.parse(await readBody(sent)) as { data: { stream_url: string } }).data.stream_url).pathname;
  // The first reader follows the reply live, so it has finished once this returns.
  await timeRead(parley.port, path, script.chunks);

  const memory: number[] = [];
  const store: number[] = [];
  const floor: number[] = [];
  const runs = Math.max(opts.runs, 3);
  let bytes = 0;
  for (let run = 0; run < runs; run++) {
    env.log(`replay: from memory, run ${run + 1}/${runs}`);
    const r = await timeRead(parley.port, path, script.chunks);
    bytes = r.bytes;
    memory.push(ms(r.us));
    floor.push(ms((await timeRead(env.relay.port, `/static/${bytes}`)).us));
  }
  // Pieces read back from the store are larger than the model's chunks: count bytes, not chunks.
  await parley.restart();
  for (let run = 0; run < runs; run++) {
    env.log(`replay: from the store, run ${run + 1}/${runs}`);
    store.push(ms((await timeRead(parley.port, path)).us));
  }
  const floorS = spread(floor);
  const row = (name: string, values: number[]): Row => ({
    group: 'replay', name, unit: 'ms', parley: spread(values), floor: floorS,
    floorName: `node:http, same ${Math.round(bytes / 1024)} KB from memory`,
    added: spread(values.map((v, i) => v - floor[i % floor.length])), addedUnit: 'ms',
  });
  return [
    row(`replay of a finished ${opts.replayChunks.toLocaleString('en')}-chunk reply, live bus (just finished)`, memory),
    row(`replay of a finished ${opts.replayChunks.toLocaleString('en')}-chunk reply, from the store (after restart)`, store),
  ];
}
