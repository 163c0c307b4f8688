import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../src/app.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, sendForStream } from '../support/sse-reader.js';
import { ensureBuilt, serve, type Served } from '../support/run-cli.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { redisAvailable, TEST_REDIS_URL, testKeyPrefix } from '../support/test-services.js';

const available = await redisAvailable();

/**
 * A real `parley serve` (A) killed with SIGKILL mid-reply, beside a server (B) on the same store
 * and Redis: the reply A was generating is failed within its lease, and a reader following it
 * through B gets the reason and [END], live.
 */
describe.runIf(available)('a process that dies mid-reply', () => {
  let upstream: ScriptedOpenAi;
  let b: RunningParley;
  let a: Served | undefined;
  let t: Tenant;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    upstream = await new ScriptedOpenAi().start();
    env = {
      LLM_MODEL: 'm', LLM_BASE_URL: upstream.baseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix('death'),
      WORK_LEASE: '1s', LOG_LEVEL: 'info',
    };
    b = await startParley({ ...env, LOG_LEVEL: 'silent' });
    t = await b.tenant({ messageLimit: 2 });
    a = await serve(b.dataDir, env);
  }, 120_000);
  afterAll(async () => {
    await a?.stop('SIGKILL');
    await b?.stop();
    await upstream?.stop();
  });

  it('reads a reply the store has ended from the store, even when its stream on Redis never got its end', async () => {
    // What a process leaves when it dies between failing another's expired reply in the store and
    // ending that reply's stream: the stream stays open on Redis, and nobody will end it.
    upstream.fallback = { chunks: ['whole ', 'reply'] };
    const other = await b.tenant(); // the next case counts its own tenant's messages
    const conversation = await newConversation(other);
    const sent = await request(`${b.url}/api/v1/messages/stream`, 'POST',
      { content: 'finished', conversation_id: conversation, redirect: false }, { authorization: `Bearer ${other.key}` });
    expect(sent.status).toBe(200);
    const path = new URL(sent.json.data.stream_url).pathname;
    expect(assemble((await readSse(`${b.url}${path}`, { timeoutMs: 10_000 })).events)).toBe('whole reply');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = `${env.REDIS_KEY_PREFIX}reply:${decodeId('message', sent.json.data.reply_id)}`;
      await redis.multi().del(key).xadd(key, '*', 'o', '').xadd(key, '*', 't', 'whole ', 'e', '6').pexpire(key, 60_000).exec();
      // Through A, which never generated it: no copy of its own, so it would follow Redis.
      const read = await readSse(`${a!.url}${path}`, { timeoutMs: 5_000 });
      expect(assemble(read.events)).toBe('whole reply');
      expect(read.events.at(-1)).toMatchObject({ data: '[END]', id: 'end' });
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  it('ends a reader following another process\'s reply once the store has it ended, though the bus never gets its end', async () => {
    // What A leaves when it dies after storing its reply and before giving the bus its end.
    upstream.fallback = { chunks: ['stored ', 'then', ' never'], hangAfter: 2 };
    const other = await b.tenant();
    const conversation = await newConversation(other);
    const sent = await request(`${a!.url}/api/v1/messages/stream`, 'POST',
      { content: 'stored then killed', conversation_id: conversation, redirect: false }, { authorization: `Bearer ${other.key}` });
    expect(sent.status).toBe(200);
    const replyId = decodeId('message', sent.json.data.reply_id)!;
    // B follows the reply on Redis (not the store's copy) once A has opened it there.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = `${env.REDIS_KEY_PREFIX}reply:${replyId}`;
      let opened = false;
      for (const until = Date.now() + 5_000; !(opened = (await redis.exists(key)) === 1) && Date.now() < until;) await new Promise((r) => setTimeout(r, 10));
      expect(opened, `A never opened the reply's stream ${key} on Redis within 5 s`).toBe(true);
    } finally {
      redis.disconnect();
    }
    let endedAt = 0;
    const read = await readSse(`${b.url}${new URL(sent.json.data.stream_url).pathname}`, {
      timeoutMs: 10_000,
      until: (events) => {
        if (!endedAt && assemble(events) === 'stored then') {
          endedAt = Date.now();
          void b.app.store.messages.finishReply(replyId, { content: 'stored then', status: 'done', usage: null, flagged: false })
            .then(() => a!.stop('SIGKILL'));
        }
        return events.at(-1)?.data === '[END]';
      },
    });
    expect(assemble(read.events)).toBe('stored then');
    expect(read.events.at(-1)).toMatchObject({ data: '[END]', id: 'end' });
    // Within a lease (1 s) of the store's end, with room for a busy machine.
    expect(Date.now() - endedAt).toBeLessThan(4_000);
    a = await serve(b.dataDir, env);
  }, 60_000);

  it('is failed within its lease, refunded, and B\'s reader gets the reason and [END]', async () => {
    upstream.fallback = { chunks: ['half ', 'a reply', ' never sent'], hangAfter: 2 };
    const conversation = await newConversation(t);
    const sent = await request(`${a!.url}/api/v1/messages/stream`, 'POST',
      { content: 'dies', conversation_id: conversation, redirect: false }, { authorization: `Bearer ${t.key}` });
    expect(sent.status).toBe(200);
    const url = `${b.url}${new URL(sent.json.data.stream_url).pathname}`;
    let killedAt = 0;
    const read = await readSse(url, {
      timeoutMs: 10_000,
      until: (events) => {
        if (!killedAt && assemble(events) === 'half a reply') {
          killedAt = Date.now();
          a!.child.kill('SIGKILL');
        }
        return events.at(-1)?.data === '[END]';
      },
    });
    expect(killedAt).toBeGreaterThan(0);
    // The lease (1 s) and the sweep's period (half of it), with room for a busy machine.
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    const failure = read.events.find((e) => e.event === 'error' || e.event === 'failure');
    expect(JSON.parse(failure!.data).message).toBe(INTERRUPTED_MESSAGE);
    expect(read.events.at(-1)).toMatchObject({ data: '[END]', id: 'end' });

    const stored = await t.api('GET', `/messages/${sent.json.data.reply_id}`);
    expect(stored.json.data).toMatchObject({ failed_responding: true, content: INTERRUPTED_MESSAGE });
    // Refunded: the account (limit 2) has its two messages.
    upstream.fallback = { chunks: ['ok'] };
    for (const content of ['one', 'two']) {
      const r = await t.api('POST', '/messages', { content, conversation_id: conversation });
      expect(r.status, r.text).toBe(200);
    }
  }, 30_000);
});
