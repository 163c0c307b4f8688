import type { Agent, IncomingMessage } from 'node:http';
import type { BenchEnv } from '../env.js';
import { sleep } from '../env.js';
import { call, keepAliveAgent, readBody, readStream, type StreamRead } from '../http-client.js';
import { rssOf } from '../processes.js';
import { scriptMessage, type UpstreamScript } from '../script.js';
import { spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget } from '../targets.js';
import type { ParleyProcess } from '../parley-process.js';
import { HOLD } from '../upstream.js';

/** Each reply waits, stream open, until the harness releases the upstream; then it says two chunks. */
const HELD: UpstreamScript = { chunks: 2, size: 16, intervalMs: 1, firstMs: HOLD };
/** File descriptors a process needs besides its sockets (store, pipes, epoll, ...). */
const SPARE_FDS = 256;

interface Opened {
  read: Promise<StreamRead>;
}

async function manyConversations(parley: ParleyProcess, count: number): Promise<string[]> {
  const out: string[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await parley.conversation(`held ${i}`);
    }
  }));
  return out;
}

const release = (port: number) => call(port, { method: 'POST', path: '/release' }).then(readBody);

/**
 * Opens `streams` streams with `open`, `concurrency` at a time, waits until every one is open,
 * measures the server's RSS, releases the upstream and checks that every stream completes.
 */
async function hold(env: BenchEnv, pid: number, streams: number, open: (i: number, agent: Agent) => Promise<IncomingMessage>) {
  const agent = keepAliveAgent();
  const opened: Opened[] = [];
  await sleep(200);
  const before = rssOf(pid);
  const deadline = Date.now() + 180_000;
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (next < streams && Date.now() < deadline) {
      const res = await open(next++, agent);
      const read = readStream(res);
      read.catch(() => undefined);
      opened.push({ read });
    }
  }));
  await sleep(500);
  const after = rssOf(pid);
  await release(env.upstream.port);
  const reads = await Promise.allSettled(opened.map((o) => o.read));
  agent.destroy();
  const completed = reads.filter((r) => r.status === 'fulfilled' && r.value.complete && r.value.chunks === HELD.chunks).length;
  return { perStream: (after - before) / streams, completed, opened: opened.length };
}

/** 4. Many streams held open at once: resident memory per stream, and that all of them complete. */
export async function heldStreams(env: BenchEnv): Promise<Row[]> {
  const { opts, parley } = env;
  const streams = opts.held;
  // Every distinct reply also holds a socket to the upstream: with the file limit too low for one
  // reply per stream, the extra streams read replies that others read too.
  const replies = Math.max(1, Math.min(streams, env.fileLimit - SPARE_FDS - streams));
  const floorStreams = Math.max(1, Math.min(streams, Math.floor((env.fileLimit - SPARE_FDS) / 2)));
  const headers = { authorization: `Bearer ${parley.key}` };
  const runs = Math.min(opts.runs, 3);
  const result = { parley: [] as number[], floor: [] as number[], completed: [] as number[], floorCompleted: [] as number[] };
  const relay = completionsTarget('relay', env.relay.port);
  for (let run = 0; run < runs; run++) {
    env.log(`held streams: ${streams} through the relay floor (${floorStreams}), run ${run + 1}/${runs}`);
    const f = await hold(env, env.relay.child.pid, floorStreams, (_, agent) => relay.open(HELD, agent, 0));
    result.floor.push(f.perStream / 1024);
    result.floorCompleted.push(f.completed / floorStreams);
    env.log(`held streams: making ${replies} conversations`);
    // Each stream is the first message of its own conversation, so no reply holds a long prompt.
    const conversations = await manyConversations(parley, replies);
    env.log(`held streams: ${streams} through Parley (${replies} replies), run ${run + 1}/${runs}`);
    const urls: string[] = [];
    const p = await hold(env, parley.child.pid, streams, async (i, agent) => {
      let url: string;
      if (i < replies) {
        const body = JSON.stringify({ content: scriptMessage(HELD), conversation_id: conversations[i % conversations.length], redirect: false });
        const sent = await call(parley.port, { method: 'POST', path: '/api/v1/messages/stream', body, agent, headers });
        const text = await readBody(sent);
        if (sent.statusCode !== 200) throw new Error(`Parley send: HTTP ${sent.statusCode} ${text}`);
        url = (JSON.parse(text) as { data: { stream_url: string } }).data.stream_url;
        urls.push(url);
      } else {
        url = urls[i % urls.length];
      }
      const res = await call(parley.port, { method: 'GET', path: new URL(url).pathname, agent });
      if (res.statusCode !== 200) throw new Error(`Parley stream: HTTP ${res.statusCode} ${await readBody(res)}`);
      return res;
    });
    result.parley.push(p.perStream / 1024);
    result.completed.push(p.completed);
    await sleep(300);
  }
  const perStream = spread(result.parley);
  const allDone = result.completed.every((c) => c === streams);
  return [
    {
      group: 'held', name: `${streams} held streams: resident memory per stream`, unit: 'KB',
      parley: perStream, floor: spread(result.floor), floorName: `node:http relay (${floorStreams} streams)`,
      added: spread(result.parley.map((v, i) => v - result.floor[i])), addedUnit: 'KB',
      target: '≤ 20 KB', met: perStream.median <= 20,
      note: replies < streams
        ? `the open-files hard limit (${env.fileLimit}) allows one process ${env.fileLimit} sockets: ${replies} distinct replies (each also holds an upstream socket), the other ${streams - replies} streams read a reply another stream reads too`
        : undefined,
    },
    {
      group: 'held', name: `${streams} held streams: streams that completed`, unit: 'count',
      parley: spread(result.completed), floor: spread(result.floorCompleted.map((f) => f * floorStreams)), floorName: 'node:http relay',
      target: `all ${streams}`, met: allDone,
    },
  ];
}
