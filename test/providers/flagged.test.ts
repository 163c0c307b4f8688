import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedAnthropic } from '../support/scripted-anthropic.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { modelsFile } from './provider-setup.js';

/** A moderation service with OpenAI's /v1/moderations wire format: flags any input saying "forbidden". */
async function moderationServer(): Promise<{ url: string; inputs: string[]; server: Server }> {
  const inputs: string[] = [];
  const server = createServer(async (req, res) => {
    let raw = '';
    for await (const c of req) raw += c;
    const { input } = JSON.parse(raw) as { input: string };
    inputs.push(input);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      id: 'modr-1', model: 'omni-moderation-latest',
      results: [{ flagged: input.includes('forbidden'), categories: {}, category_scores: {} }],
    }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, inputs, server };
}

describe('flagged messages', () => {
  let openai: ScriptedOpenAi;
  let anthropic: ScriptedAnthropic;
  let moderation: Awaited<ReturnType<typeof moderationServer>>;
  let parley: RunningParley;

  beforeAll(async () => {
    openai = await new ScriptedOpenAi().start();
    anthropic = await new ScriptedAnthropic().start();
    moderation = await moderationServer();
    parley = await startParley({
      MODERATION_BASE_URL: moderation.url,
      PARLEY_MODELS: modelsFile({
        default: 'gpt',
        providers: { o: { type: 'openai', base_url: openai.baseUrl }, a: { type: 'anthropic', base_url: anthropic.baseUrl } },
        models: { gpt: { provider: 'o' }, claude: { provider: 'a' } },
      }),
    });
  });
  afterAll(async () => {
    await parley.stop();
    await openai.stop();
    await anthropic.stop();
    moderation.server.close();
  });

  async function ask(t: Tenant, content: string) {
    const conv = await newConversation(t);
    const r = await t.api('POST', '/messages', { content, conversation_id: conv });
    const list = await t.api('GET', `/messages?conversation_id=${conv}&order=oldest`);
    return { reply: r.json.data, user: list.json.data[0] };
  }

  it("flags a reply the OpenAI-compatible provider ended with content_filter", async () => {
    openai.scripts.set('filtered', { chunks: ['I can'], finishReason: 'content_filter' });
    const { reply, user } = await ask(await parley.tenant(), 'filtered');
    expect(reply.flagged).toBe(true);
    expect(user.flagged).toBe(false);
  });

  it('flags a reply Anthropic refused', async () => {
    anthropic.scripts.set('refused', { chunks: [], stopReason: 'refusal' });
    const { reply } = await ask(await parley.tenant({ botModel: 'claude' }), 'refused');
    expect(reply.flagged).toBe(true);
  });

  it('flags the user message the moderation endpoint flags, and leaves others alone', async () => {
    const t = await parley.tenant();
    const bad = await ask(t, 'something forbidden');
    expect(bad.user.flagged).toBe(true);
    expect(bad.reply.flagged).toBe(false);
    const fine = await ask(t, 'something fine');
    expect(fine.user.flagged).toBe(false);
    expect(moderation.inputs).toContain('something fine');
  });

  it('flags a reply the moderation endpoint flags', async () => {
    openai.scripts.set('say it', { chunks: ['a forbidden answer'] });
    const { reply } = await ask(await parley.tenant(), 'say it');
    expect(reply.flagged).toBe(true);
  });
});
