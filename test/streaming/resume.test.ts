import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeId } from '../../src/transport/public-ids.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, lastEventId, newConversation, readSse, settledReply, startStream } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/** 60 pieces with multi-byte and two-unit characters, so that byte and code-unit offsets differ. */
const CHUNKS = Array.from({ length: 60 }, (_, i) => [`piece ${i} `, 'é', '😀', '"q"', '\n', '𝄞 ', '中文'][i % 7]);
const REPLY = CHUNKS.join('');

/** A small seeded generator, so that a failing run can be repeated. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Reconnecting {
  text: string;
  connections: number;
  starts: number;
  ends: number;
}

/**
 * A client that reads `url`, leaves after a random number of bytes (mid-event, usually), and
 * comes back with Last-Event-ID as a browser would, up to `drops` times, then reads to the end.
 */
async function readWithDrops(url: string, next: () => number, drops: number): Promise<Reconnecting> {
  const out: Reconnecting = { text: '', connections: 0, starts: 0, ends: 0 };
  let id: string | undefined;
  for (let left = drops; ; left--) {
    const read = await readSse(url, { lastEventId: id, dropAfterBytes: left > 0 ? 1 + Math.floor(next() * 700) : undefined });
    out.connections++;
    if (read.status === 204) return out; // we already had [END]
    expect(read.status).toBe(200);
    out.text += assemble(read.events);
    out.starts += read.events.filter((e) => e.data === '[START]').length;
    out.ends += read.events.filter((e) => e.data === '[END]').length;
    id = lastEventId(read.events) ?? id;
    if (read.ended) return out;
  }
}

describe('resuming with Last-Event-ID', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  const env = { LLM_MODEL: 'test-model' };

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: CHUNKS, intervalMs: 8, usage: { prompt_tokens: 1, completion_tokens: 60 } };
    parley = await startParley({ ...env, LLM_BASE_URL: upstream.baseUrl });
    t = await parley.tenant();
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });

  it('assembles exactly the stored reply after dropping at random points, 30 times over', async () => {
    const seed = Date.now();
    const next = random(seed);
    const iterations = 30;
    const parallel = 3;
    let reconnects = 0;
    for (let round = 0; round < iterations / parallel; round++) {
      await Promise.all(Array.from({ length: parallel }, async () => {
        const conversationId = await newConversation(t);
        const url = await startStream(t, conversationId, `resume ${round}`);
        const got = await readWithDrops(url, next, 1 + Math.floor(next() * 3));
        reconnects += got.connections - 1;
        const stored = await settledReply(parley, t, conversationId);
        expect(stored.failed_responding, `seed ${seed}`).toBe(false);
        expect(stored.content, `seed ${seed}`).toBe(REPLY);
        expect(got.text, `seed ${seed}`).toBe(REPLY);
        expect(got.ends, `seed ${seed}`).toBeLessThanOrEqual(1);
      }));
    }
    expect(reconnects).toBeGreaterThanOrEqual(iterations);
  }, 120_000);

  it('never sends [START] again on a resumed connection', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'no second start');
    const first = await readSse(url, { until: (events) => events.some((e) => e.id === '20') });
    expect(first.events[0].data).toBe('[START]');
    const rest = await readSse(url, { lastEventId: '20' });
    expect(rest.raw.startsWith('retry:')).toBe(false);
    expect(rest.events.some((e) => e.data === '[START]')).toBe(false);
    expect(assemble(first.events).slice(0, 20) + assemble(rest.events)).toBe(REPLY);
  });

  /** Every offset of a finished reply resumes to exactly its rest, then [END] — and nothing before. */
  async function expectEveryOffsetResumes(url: string): Promise<void> {
    const full = await readSse(url);
    expect(assemble(full.events)).toBe(REPLY);
    const ids = full.events.map((e) => e.id).filter((id): id is string => id !== undefined && id !== 'end');
    // The ids handed out, and offsets we never handed out (inside a chunk, past the end).
    const offsets = [...new Set([...ids.map(Number), 0, 1, 7, 33, REPLY.length - 1, REPLY.length, REPLY.length + 10])];
    await Promise.all(offsets.map(async (offset) => {
      const rest = await readSse(url, { lastEventId: String(offset) });
      expect(rest.status).toBe(200);
      expect(assemble(rest.events), `offset ${offset}`).toBe(REPLY.slice(offset));
      expect(rest.events.some((e) => e.data === '[START]')).toBe(false);
      expect(rest.events[rest.events.length - 1]).toEqual({ event: 'message', data: '[END]', id: 'end' });
    }));
  }

  it('resumes a finished reply from the bus, from every offset', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'finished, bus');
    const stored = await settledReply(parley, t, conversationId);
    expect(await parley.app.bus.feed(decodeId('message', stored.id)!)).toBeDefined();
    await expectEveryOffsetResumes(url);
  });

  it('resumes a finished reply from the store after a restart, from every offset', async () => {
    const first = await startParley({ ...env, LLM_BASE_URL: upstream.baseUrl });
    let second: RunningParley | undefined;
    try {
      const tenant = await first.tenant();
      const conversationId = await newConversation(tenant);
      const url = await startStream(tenant, conversationId, 'finished, store');
      const stored = await settledReply(first, tenant, conversationId);
      await first.app.close();
      // A new process on the same data: nothing in its bus, the reply comes from the store.
      second = await startParley({ ...env, LLM_BASE_URL: upstream.baseUrl, PARLEY_DATA_DIR: first.dataDir });
      expect(await second.app.bus.feed(decodeId('message', stored.id)!)).toBeUndefined();
      const moved = `${second.url}${new URL(url).pathname}`;
      await expectEveryOffsetResumes(moved);
      const replay = await readSse(moved);
      expect(replay.events.filter((e) => e.event === 'usage').map((e) => JSON.parse(e.data))).toEqual([
        { tokens: 61, credits: 1, prompt_tokens: 1, completion_tokens: 60, total_tokens: 61, estimated: false },
      ]);
    } finally {
      await second?.stop();
      await first.stop();
    }
  });
});
