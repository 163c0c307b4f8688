import type { Agent, IncomingMessage } from 'node:http';
import type { BenchEnv } from '../env.js';
import { sleep } from '../env.js';
import { call, keepAliveAgent, pool, readBody, readStream, type StreamRead } from '../http-client.js';
import { COLLECT_ON_SIGNAL, collectedRss, rssOf, startHelper, type Child } from '../processes.js';
import { scriptMessage, type UpstreamScript } from '../script.js';
import { spread } from '../stats.js';
import type { Row } from '../table.js';
import { completionsTarget } from '../targets.js';
import type { ParleyProcess } from '../parley-process.js';
import { HOLD } from '../upstream.js';

/** Each reply waits, stream open, until the harness releases the upstream; then it says two chunks. */
export const HELD: UpstreamScript = { chunks: 2, size: 16, intervalMs: 1, firstMs: HOLD };
/** File descriptors a process needs besides its sockets (store, pipes, epoll, ...). */
const SPARE_FDS = 256;

interface Opened {
  read: Promise<StreamRead>;
}

export async function manyConversations(parley: ParleyProcess, count: number): Promise<string[]> {
  const out: string[] = new Array(count);
  await pool(count, 32, async (i) => {
    out[i] = await parley.conversation(`held ${i}`);
  });
  return out;
}

export const release = (port: number) => call(port, { method: 'POST', path: '/release' }).then(readBody);

/** Sends a message whose reply the upstream holds; resolves with its stream URL. */
export async function sendHeld(parley: ParleyProcess, conversationId: string, agent: Agent): Promise<string> {
  const body = JSON.stringify({ content: scriptMessage(HELD), conversation_id: conversationId, redirect: false });
  const headers = { authorization: `Bearer ${parley.key}` };
  const sent = await call(parley.port, { method: 'POST', path: '/api/v1/messages/stream', body, agent, headers });
  const text = await readBody(sent);
  if (sent.statusCode !== 200) throw new Error(`Parley send: HTTP ${sent.statusCode} ${text}`);
  return (JSON.parse(text) as { data: { stream_url: string } }).data.stream_url;
}

/** Opens a stream URL; resolves with its event stream (body unread). */
export async function openStream(parley: ParleyProcess, url: string, agent: Agent): Promise<IncomingMessage> {
  const res = await call(parley.port, { method: 'GET', path: new URL(url).pathname, agent });
  if (res.statusCode !== 200) throw new Error(`Parley stream: HTTP ${res.statusCode} ${await readBody(res)}`);
  return res;
}

/** Resident memory as read (`raw`) and after a full garbage collection (`kept`), in bytes. */
interface Reading {
  raw: number;
  kept: number;
}

/** Reads a process's memory once it has been quiet for a moment: as it is, then after collecting its garbage. */
async function readMemory(child: Child): Promise<Reading> {
  await sleep(250);
  const raw = rssOf(child.pid);
  return { raw, kept: await collectedRss(child) };
}

/**
 * Opens `streams` streams with `open`, 64 at a time, in two halves, reading the server's memory
 * before, between and after; then releases the upstream and checks that every stream completes.
 */
async function hold(env: BenchEnv, child: Child, streams: number, open: (i: number, agent: Agent) => Promise<IncomingMessage>) {
  const agent = keepAliveAgent();
  const opened: Opened[] = [];
  const deadline = Date.now() + 180_000;
  const openRange = (from: number, to: number) => pool(to - from, 64, async (i) => {
    const read = readStream(await open(from + i, agent));
    read.catch(() => undefined);
    opened.push({ read });
  }, deadline);
  const half = Math.floor(streams / 2);
  const before = await readMemory(child);
  await openRange(0, half);
  const atHalf = await readMemory(child);
  await openRange(half, streams);
  const after = await readMemory(child);
  await release(env.upstream.port);
  const reads = await Promise.allSettled(opened.map((o) => o.read));
  agent.destroy();
  const completed = reads.filter((r) => r.status === 'fulfilled' && r.value.complete && r.value.chunks === HELD.chunks).length;
  return {
    /** What the process keeps for its streams: all its growth, after a collection, divided by the streams. */
    kept: (after.kept - before.kept) / streams,
    /** What one more stream costs: the growth from half the streams to all of them, after a collection. */
    marginal: (after.kept - atHalf.kept) / (streams - half),
    /** All the growth as read, the garbage their opening left included. */
    raw: (after.raw - before.raw) / streams,
    completed,
  };
}

/** 4. Many streams held open at once: resident memory per stream, and that all of them complete. */
export async function heldStreams(env: BenchEnv): Promise<Row[]> {
  const { opts } = env;
  const streams = opts.held;
  // Every distinct reply also holds a socket to the upstream: with the file limit too low for one
  // reply per stream, the extra streams read replies that others read too.
  const replies = Math.max(1, Math.min(streams, env.fileLimit - SPARE_FDS - streams));
  const floorStreams = Math.max(1, Math.min(streams, Math.floor((env.fileLimit - SPARE_FDS) / 2)));
  const runs = Math.min(opts.runs, 3);
  const kinds = ['kept', 'marginal', 'raw'] as const;
  const result = {
    parley: { kept: [] as number[], marginal: [] as number[], raw: [] as number[] },
    floor: { kept: [] as number[], marginal: [] as number[], raw: [] as number[] },
    completed: [] as number[], floorCompleted: [] as number[],
  };
  for (let run = 0; run < runs; run++) {
    // Each run on new processes: in one that held the previous run's streams, the garbage they
    // left is collected at unforeseeable moments, which moved the figures by whole kilobytes a
    // stream either way.
    const relayProcess = await startHelper('relay', String(env.upstream.port), COLLECT_ON_SIGNAL);
    const parley = await env.freshParley(COLLECT_ON_SIGNAL);
    try {
      env.log(`held streams: ${streams} through the relay floor (${floorStreams}), run ${run + 1}/${runs}`);
      const relay = completionsTarget('relay', relayProcess.port);
      const f = await hold(env, relayProcess.child, floorStreams, (_, agent) => relay.open(HELD, agent, 0));
      for (const k of kinds) result.floor[k].push(f[k] / 1024);
      result.floorCompleted.push(f.completed / floorStreams);
      env.log(`held streams: making ${replies} conversations`);
      // Each stream is the first message of its own conversation, so no reply holds a long prompt.
      const conversations = await manyConversations(parley, replies);
      env.log(`held streams: ${streams} through Parley (${replies} replies), run ${run + 1}/${runs}`);
      const urls: string[] = [];
      const p = await hold(env, parley.child, streams, async (i, agent) => {
        if (i < replies) {
          const url = await sendHeld(parley, conversations[i % conversations.length], agent);
          urls.push(url);
          return openStream(parley, url, agent);
        }
        return openStream(parley, urls[i % urls.length], agent);
      });
      for (const k of kinds) result.parley[k].push(p[k] / 1024);
      result.completed.push(p.completed);
    } finally {
      await parley.stop();
      await relayProcess.child.stop();
    }
  }
  const memoryRow = (k: (typeof kinds)[number], name: string): Row => {
    const parley = spread(result.parley[k]);
    return {
      group: 'held', name: `${streams} held streams: ${name}`, unit: 'KB',
      parley, floor: spread(result.floor[k]), floorName: `node:http relay (${floorStreams} streams)`,
      added: spread(result.parley[k].map((v, i) => v - result.floor[k][i])), addedUnit: 'KB',
    };
  };
  const ratioRow = (): Row => {
    const times = spread(result.parley.kept.map((v, i) => v / result.floor.kept[i]));
    return {
      group: 'held', name: `${streams} held streams: resident memory per stream ÷ the node:http relay's`, unit: 'KB',
      parley: spread(result.parley.kept), floor: spread(result.floor.kept), floorName: `node:http relay (${floorStreams} streams)`,
      added: times, addedUnit: '×', target: '≤ 1.15×', met: times.median <= 1.15,
    };
  };
  const allDone = result.completed.every((c) => c === streams);
  return [
    {
      ...memoryRow('kept', 'resident memory per stream, after a full garbage collection'),
      note: replies < streams
        ? `the open-files hard limit (${env.fileLimit}) allows one process ${env.fileLimit} sockets: ${replies} distinct replies (each also holds an upstream socket), the other ${streams - replies} streams read a reply another stream reads too`
        : undefined,
    },
    ratioRow(),
    memoryRow('marginal', `the same, for the last ${streams - Math.floor(streams / 2)} streams opened (what one more costs)`),
    memoryRow('raw', 'resident memory per stream as read, without a collection (the opening\'s garbage included)'),
    {
      group: 'held', name: `${streams} held streams: streams that completed`, unit: 'count',
      parley: spread(result.completed), floor: spread(result.floorCompleted.map((f) => f * floorStreams)), floorName: 'node:http relay',
      target: `all ${streams}`, met: allDone,
    },
  ];
}
