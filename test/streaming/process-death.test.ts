import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../src/app.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, sendForStream } from '../support/sse-reader.js';
import { ensureBuilt, serve, type Served } from '../support/run-cli.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
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
