import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/shared/sse-parser.js';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, settledReply } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

const run = promisify(execFile);
/** The seed page: the reference's original page for this endpoint, kept with the tests. */
const SEED = new URL('../fixtures/send-message-for-stream.txt', import.meta.url);
const SEED_URL = "'https://stream.aimcaiface.com/abc...123'";

/** The seed page's JavaScript example, verbatim (checked against the page when it is at hand). */
const SEED_SNIPPET = `let message = ''
const evtSource = new EventSource('https://stream.aimcaiface.com/abc...123')
evtSource.onmessage = (event) => {
  const data = event.data
  if (data === '[END]') {
    // Request is closed by our servers once \`[END]\` is sent,
    // you must close the request otherwise the browser will keep retrying the URL.
    evtSource.close()
  } else if (data !== '[START]') {
    message += JSON.parse(data).chunk
  }
}`;

/** The reply, in pieces that would break a careless client: quotes, newlines, emoji, look-alike markers. */
const CHUNKS = ['Hello', ' "wörld"', '\n', '[END]', ' 😀🇫🇷', ' back\\slash', '\r\n', 'data: [START]', ' ✓'];

/**
 * Runs the seed's snippet unchanged, except that its placeholder URL becomes `url`, with the
 * `eventsource` package as `EventSource`. Resolves with `message` once the snippet calls close().
 */
function runSeedClient(url: string, Base: typeof EventSource = EventSource): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the seed client never saw [END]')), 15_000);
    let read: () => string = () => '';
    class ClosingEventSource extends Base {
      override close(): void {
        super.close();
        clearTimeout(timer);
        resolve(read());
      }
    }
    const body = `${SEED_SNIPPET.replace(SEED_URL, JSON.stringify(url))}\nreturn () => message;`;
    read = new Function('EventSource', body)(ClosingEventSource) as () => string;
  });
}

describe('the seed client and curl against a real stream URL', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let conversationId: string;

  useScriptedChat({
    env: { LLM_MODEL: 'test-model' },
    script: (u) => {
      u.fallback = { chunks: CHUNKS, intervalMs: 5, usage: { prompt_tokens: 5, completion_tokens: 9 } };
    },
  }, (chat) => ({ upstream, parley, t, conversationId } = chat));

  it('uses the seed page\'s example exactly as published', () => {
    const page = readFileSync(SEED, 'utf8');
    const start = page.indexOf("let message = ''");
    expect(page.slice(start, page.indexOf('\napplication/json', start)).trim()).toBe(SEED_SNIPPET);
  });

  it('redirect: false answers 200 {"data":{"stream_url"}} with a URL on the stream path', async () => {
    const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId, redirect: false });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json)).toEqual(['data']);
    // Parley may add its own fields beside it; the reference's one must be there as published.
    expect(r.json.data.stream_url).toMatch(new RegExp(`^${parley.url}/stream/[A-Za-z0-9_-]+$`));
  });

  it('redirect: true (and by default) answers 302 with the stream URL in Location', async () => {
    for (const body of [{ redirect: true }, {}]) {
      const r = await t.api('POST', '/messages/stream', { content: 'hi', conversation_id: conversationId, ...body });
      expect(r.status).toBe(302);
      expect(r.headers.get('location')).toMatch(new RegExp(`^${parley.url}/stream/[A-Za-z0-9_-]+$`));
    }
  });

  it("the seed's own EventSource snippet, run unchanged, assembles exactly the reply", async () => {
    const r = await t.api('POST', '/messages/stream', { content: 'seed', conversation_id: conversationId, redirect: false });
    const message = await runSeedClient(r.json.data.stream_url);
    expect(message).toBe(CHUNKS.join(''));
    const stored = await settledReply(parley, t, conversationId);
    expect(stored.content).toBe(message);
    expect(stored.failed_responding).toBe(false);
  });

  it('the seed snippet shows a failed reply\'s reason, and EventSource\'s own error event does not fire for it', async () => {
    upstream.scripts.set('fail me', { status: 503, body: '{"error":{"message":"the model is overloaded"}}' });
    const r = await t.api('POST', '/messages/stream', { content: 'fail me', conversation_id: conversationId, redirect: false });
    let errorEvents = 0;
    class Watching extends EventSource {
      constructor(url: string | URL) {
        super(url);
        this.addEventListener('error', () => errorEvents++);
      }
    }
    const shown = await runSeedClient(r.json.data.stream_url, Watching);
    const stored = await settledReply(parley, t, conversationId);
    expect(stored.failed_responding).toBe(true);
    expect(shown).toBe(stored.content);
    expect(shown.length).toBeGreaterThan(10);
    expect(errorEvents).toBe(0);
  });

  it('the seed snippet also replays a finished reply from the same URL', async () => {
    const r = await t.api('POST', '/messages/stream', { content: 'twice', conversation_id: conversationId, redirect: false });
    const url = r.json.data.stream_url as string;
    expect(await runSeedClient(url)).toBe(CHUNKS.join(''));
    expect(await runSeedClient(url)).toBe(CHUNKS.join(''));
  });

  const curlCases = [
    // The published example plus -L: curl keeps POST across the 302 because of -X POST.
    ['the published curl command with -L', ['-X', 'POST']],
    ['curl -L with -d only (GET after the 302)', []],
  ] as const;
  for (const [name, method] of curlCases) {
    it(`${name} prints the whole SSE stream`, async () => {
      const body = JSON.stringify({ content: 'curl', conversation_id: conversationId, redirect: true });
      const { stdout } = await run('curl', [
        '-sS', '-N', '-L', '--max-time', '20', ...method, `${parley.url}/api/v1/messages/stream`,
        '-H', `Authorization: Bearer ${t.key}`, '-H', 'Content-Type: application/json', '-d', body,
      ], { encoding: 'utf8' });
      expect(stdout.startsWith('retry: 1000\ndata: [START]\n\n')).toBe(true);
      expect(stdout.endsWith('id: end\ndata: [END]\n\n')).toBe(true);
      const events = new SseParser().push(stdout);
      expect(assemble(events)).toBe(CHUNKS.join(''));
      expect(events.filter((e) => e.event === 'usage').map((e) => JSON.parse(e.data))).toEqual([
        { tokens: 14, credits: 1, prompt_tokens: 5, completion_tokens: 9, total_tokens: 14, estimated: false },
      ]);
    });
  }
});
