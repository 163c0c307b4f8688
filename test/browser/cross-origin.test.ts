import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../knowledge/knowledge-helpers.js';
import { chromiumInstalled, chromiumRequired, openChromium } from '../support/open-chromium.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

/**
 * A web page on another origin calling Parley from a real Chromium, as browser widgets and the
 * reference's own examples do: the browser sends its CORS preflights itself, and refuses any
 * answer that lacks what they ask for.
 */
describe.runIf(chromiumInstalled || chromiumRequired)('a page on another origin, in Chromium', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  let site: Server;
  let siteUrl: string;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  let page: Page;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['Hello', ' from', ' Parley'] };
    upstream.scripts.set('fail please', { status: 503, body: '{"error":{"message":"overloaded"}}' });
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', LLM_MAX_RETRIES: '0' });
    t = await parley.tenant();
    // The widget's own site: another port, so another origin.
    site = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>widget</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
    browser = await openChromium();
    page = await browser.context.newPage();
    await page.goto(siteUrl);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    site?.close();
    await parley?.stop();
    await upstream?.stop();
  });

  it('uploads a file with PUT to the signed URL (the preflight allows PUT and Content-Type), as the docs\' example does', async () => {
    const folder = (await t.api('POST', '/folders', { name: 'Uploads' })).json.data.id;
    const result = await page.evaluate(async ({ api, key, folder }) => {
      const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
      const signed = await (await fetch(`${api}/uploads/signed-url`, {
        method: 'POST', headers: auth, body: JSON.stringify({ file_name: 'hello.txt', content_type: 'text/plain' }),
      })).json() as { data: { url: string; key: string } };
      const put = await fetch(signed.data.url, { method: 'PUT', headers: { 'Content-Type': 'text/plain' }, body: 'Hello from a browser.' });
      const created = await fetch(`${api}/documents/file`, {
        method: 'POST', headers: auth, body: JSON.stringify({ folder_id: folder, key: signed.data.key }),
      });
      const document = (await created.json() as { data: { id: string } }).data.id;
      return { put: put.status, created: created.status, document };
    }, { api: `${parley.url}/api/v1`, key: t.key, folder });
    expect(result).toMatchObject({ put: 200, created: 200 });
    expect((await settled(t, result.document)).status).toBe('synced');
  });

  it('creates a conversation (200), and the reference\'s EventSource snippet reads the reply and a failed reply\'s reason', async () => {
    const read = (content: string) => page.evaluate(async ({ api, key, botId, content }) => {
      const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
      const made = await fetch(`${api}/conversations`, { method: 'POST', headers: auth, body: JSON.stringify({ name: 'widget', bot_id: botId }) });
      const conversation = (await made.json() as { data: { id: string } }).data.id;
      const res = await fetch(`${api}/messages/stream`, {
        method: 'POST', headers: auth, body: JSON.stringify({ content, conversation_id: conversation, redirect: false }),
      });
      const { data } = await res.json() as { data: { stream_url: string } };
      // The reference's snippet, plus a listener for EventSource's own error event.
      return new Promise<{ created: number; message: string; errors: number }>((resolve) => {
        let message = '';
        let errors = 0;
        const evtSource = new EventSource(data.stream_url);
        evtSource.addEventListener('error', () => errors++);
        evtSource.onmessage = (event) => {
          if (event.data === '[END]') {
            evtSource.close();
            resolve({ created: made.status, message, errors });
          } else if (event.data !== '[START]') message += JSON.parse(event.data).chunk;
        };
      });
    }, { api: `${parley.url}/api/v1`, key: t.key, botId: t.botId, content });

    expect(await read('hello')).toEqual({ created: 200, message: 'Hello from Parley', errors: 0 });
    const failed = await read('fail please');
    expect(failed.created).toBe(200);
    expect(failed.errors).toBe(0);
    expect(failed.message).toMatch(/\w{4,}/);
    const stored = await parley.app.store.messages.list(t.account.id, {}, { limit: 100, offset: 0, newestFirst: true });
    expect(stored.items.find((m) => m.machine && m.status === 'failed')?.content).toBe(failed.message);
  });
});
