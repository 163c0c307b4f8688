import { describe, expect, it } from 'vitest';
import { resolveSecret } from '../../src/config/resolve-secret.js';
import { StreamTokens } from '../../src/domain/stream-tokens.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, listMessages, newConversation, readSse, settledReply, startStream } from '../support/sse-reader.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

async function expect404(url: string, headers: Record<string, string> = {}): Promise<void> {
  const r = await request(url, 'GET', undefined, headers);
  expect(r.status, url.slice(-60)).toBe(404);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(r.json)).toEqual(['message']);
}

describe('the stream token', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conversationId: string;
  let tokens: StreamTokens;

  useScriptedChat({
    env: { LLM_MODEL: 'm' },
    script: (u) => {
      u.scripts.set('first', { chunks: ['reply one'] });
      u.scripts.set('second', { chunks: ['reply two'] });
    },
  }, (chat) => {
    ({ upstream, parley, t, conversationId } = chat);
    // The server's own sealer (same secret), to mint grants no client could make.
    tokens = new StreamTokens(resolveSecret(parley.config.secret, parley.config.dataDir));
  });

  it('answers 404 JSON when any single character of the token is changed', async () => {
    const url = await startStream(t, conversationId, 'first');
    const { origin, pathname } = new URL(url);
    const token = pathname.split('/').pop()!;
    expect((await readSse(url)).status).toBe(200);
    for (let i = 0; i < token.length; i++) {
      const other = ALPHABET[(ALPHABET.indexOf(token[i]) + 1 + (i % 63)) % 64];
      await expect404(`${origin}/stream/${token.slice(0, i)}${other}${token.slice(i + 1)}`);
    }
  }, 60_000);

  it('answers 404 JSON to truncated, extended and garbage tokens, whatever the Last-Event-ID', async () => {
    const url = await startStream(t, conversationId, 'first');
    const token = new URL(url).pathname.split('/').pop()!;
    const bad = [
      token.slice(0, -1), token.slice(0, 20), token.slice(1), `${token}A`, 'garbage', 'a', `${token}%00`,
      '%E2%9C%93', 'x'.repeat(1000), Buffer.from('{"iv":"","value":"","mac":"","tag":""}').toString('base64url'),
    ];
    for (const b of bad) {
      await expect404(`${parley.url}/stream/${b}`);
      await expect404(`${parley.url}/stream/${b}`, { 'last-event-id': 'end' });
    }
  });

  it('answers 404 JSON to tokens that decode to JSON other than an object (null, numbers, strings, lists)', async () => {
    for (const json of ['null', '0', '7', 'true', 'false', '"iv"', '[]', '[1,2,3]', '{}', '{"iv":null}']) {
      await expect404(`${parley.url}/stream/${Buffer.from(json).toString('base64url')}`);
    }
  });

  it('answers 404 JSON (not 414 or a router error) to a very long token', async () => {
    await expect404(`${parley.url}/stream/${'x'.repeat(3000)}`);
  });

  it('is per message: each URL streams its own reply', async () => {
    const one = await startStream(t, conversationId, 'first');
    const two = await startStream(t, conversationId, 'second');
    expect(one).not.toBe(two);
    expect(assemble((await readSse(two)).events)).toBe('reply two');
    expect(assemble((await readSse(one)).events)).toBe('reply one');
  });

  it("cannot read another account's reply, a user message or a message that does not exist", async () => {
    const other = await parley.tenant();
    const otherConversation = await newConversation(other);
    await startStream(other, otherConversation, 'second');
    const theirs = await settledReply(parley, other, otherConversation);
    const [theirQuestion] = await listMessages(other, otherConversation);
    const expiresAt = Date.now() + 60_000;
    const grantUrl = (replyId: number, accountId: number) =>
      `${parley.url}/stream/${tokens.seal({ replyId, accountId, expiresAt })}`;

    // The genuine grant works (the sealer is the server's)...
    expect(assemble((await readSse(grantUrl(decodeId('message', theirs.id)!, other.account.id))).events)).toBe('reply two');
    // ...but not with our account in it, nor for a message that is not a reply, nor for none.
    await expect404(grantUrl(decodeId('message', theirs.id)!, t.account.id));
    await expect404(grantUrl(decodeId('message', theirQuestion.id)!, other.account.id));
    await expect404(grantUrl(99_999_999, t.account.id));
  });

  it('stops working once its conversation is deleted, even while the reply is still in memory', async () => {
    const doomed = await newConversation(t);
    const url = await startStream(t, doomed, 'first');
    expect(assemble((await readSse(url)).events)).toBe('reply one');
    expect((await t.api('DELETE', `/conversations/${doomed}`)).status).toBeLessThan(300);
    await expect404(url);
  });

  it('from another server (another secret) is refused', async () => {
    const elsewhere = new StreamTokens('a-completely-different-secret-of-32-chars');
    const reply = await settledReply(parley, t, conversationId);
    await expect404(`${parley.url}/stream/${elsewhere.seal({
      replyId: decodeId('message', reply.id)!, accountId: t.account.id, expiresAt: Date.now() + 60_000,
    })}`);
  });

  it('expires after STREAM_URL_TTL: 410 JSON, also for a reconnect', async () => {
    const short = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', STREAM_URL_TTL: '2s' });
    try {
      const tenant = await short.tenant();
      const url = await startStream(tenant, await newConversation(tenant), 'first');
      expect(assemble((await readSse(url)).events)).toBe('reply one');
      await new Promise((r) => setTimeout(r, 2_300));
      for (const headers of [{}, { 'last-event-id': '3' }, { 'last-event-id': 'end' }] as Record<string, string>[]) {
        const r = await request(url, 'GET', undefined, headers);
        expect(r.status).toBe(410);
        expect(Object.keys(r.json)).toEqual(['message']);
        expect(r.json.message).toMatch(/expired/i);
      }
    } finally {
      await short.stop();
    }
  });
});
