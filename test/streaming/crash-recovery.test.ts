import { describe, expect, it } from 'vitest';
import { INTERRUPTED_MESSAGE } from '../../src/app.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, readSse, startStream } from '../support/sse-reader.js';
import { request, startParley } from '../support/start-parley.js';

describe('replies left in progress by a stopped process', () => {
  it('are marked failed (and refunded) once their lease runs out, by a server on the same data', async () => {
    const upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['never', ' finished'], hangAfter: 1 };
    const first = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm' });
    let second: Awaited<ReturnType<typeof startParley>> | undefined;
    try {
      const t = await first.tenant({ messageLimit: 1 });
      const conversationId = await newConversation(t);

      // A crash leaves the reply as the store last saw it: in progress, maybe with some text.
      const sent = await first.app.store.messages.send({
        accountId: t.account.id, conversationId: decodeId('conversation', conversationId)!, content: 'before the crash',
        createdAt: Date.now(), messageLimit: 1,
      });
      expect(sent).toBeDefined();
      await first.app.store.messages.savePartial([{ id: sent!.reply.id, content: 'half a rep' }]);
      expect((await first.app.store.messages.get(t.account.id, sent!.reply.id))?.status).toBe('in_progress');
      await first.app.close();

      const leftAt = Date.now();
      second = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', PARLEY_DATA_DIR: first.dataDir, WORK_LEASE: '1s' });
      const api = (method: string, url: string, body?: unknown) =>
        request(`${second!.url}/api/v1${url}`, method, body, { authorization: `Bearer ${t.key}` });

      // No process renews it: within its lease (and half of one, the sweep's period) it is failed.
      let listed = await api('GET', `/messages?conversation_id=${conversationId}`);
      while (!listed.json.data[0].failed_responding && Date.now() - leftAt < 5_000) {
        await new Promise((r) => setTimeout(r, 50));
        listed = await api('GET', `/messages?conversation_id=${conversationId}`);
      }
      expect(Date.now() - leftAt).toBeLessThan(2_500);
      expect(listed.json.data).toHaveLength(2);
      expect(listed.json.data[0]).toMatchObject({ machine: true, failed_responding: true, content: INTERRUPTED_MESSAGE });

      // Its message went back to the quota: the account (limit 1) can send again.
      upstream.fallback = { chunks: ['after', ' restart'] };
      const again = await api('POST', '/messages', { content: 'after the restart', conversation_id: conversationId });
      expect(again.status).toBe(200);
      expect(again.json.data.content).toBe('after restart');
    } finally {
      await second?.stop();
      await first.stop();
      await upstream.stop();
    }
  });

  it('a reply interrupted by a restart replays, from its old URL, as failed', async () => {
    const upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['partial', ' never finished'], hangAfter: 1 };
    const first = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', SHUTDOWN_GRACE: '0s' });
    let second: Awaited<ReturnType<typeof startParley>> | undefined;
    try {
      const t = await first.tenant();
      const conversationId = await newConversation(t);
      const url = await startStream(t, conversationId, 'interrupted');
      const seen = await readSse(url, { until: (events) => assemble(events) === 'partial' });
      expect(assemble(seen.events)).toBe('partial');
      await first.app.close();

      second = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', PARLEY_DATA_DIR: first.dataDir });
      const replay = await readSse(`${second.url}${new URL(url).pathname}`);
      const error = replay.events.find((e) => e.event === 'failure');
      expect(error).toBeDefined();
      expect(JSON.parse(error!.data).message).toMatch(/^[A-Z].+\.$/);
      expect(replay.events.at(-1)?.data).toBe('[END]');
    } finally {
      await second?.stop();
      await first.stop();
      await upstream.stop();
    }
  });

  it('a server starting on the same data leaves alone the replies another one is generating', async () => {
    const upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: Array.from({ length: 40 }, (_, i) => `p${i} `), intervalMs: 50 };
    const first = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', WORK_LEASE: '1s' });
    let second: Awaited<ReturnType<typeof startParley>> | undefined;
    try {
      const t = await first.tenant();
      const conversationId = await newConversation(t);
      const url = await startStream(t, conversationId, 'still going');
      const reading = readSse(url);
      // Started mid-reply, and running for longer than the lease: the reply is renewed, so not its to fail.
      second = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', PARLEY_DATA_DIR: first.dataDir, WORK_LEASE: '1s' });
      const read = await reading;
      expect(read.events.some((e) => e.event === 'error' || e.event === 'failure')).toBe(false);
      expect(assemble(read.events)).toBe(upstream.fallback.chunks!.join(''));
      const listed = await t.api('GET', `/messages?conversation_id=${conversationId}`);
      expect(listed.json.data[0]).toMatchObject({ failed_responding: false, content: assemble(read.events) });
    } finally {
      await second?.app.close();
      await first.stop();
      await upstream.stop();
    }
  });
});
