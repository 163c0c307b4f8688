import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from './support/scripted-openai.js';
import { startParley, type RunningParley } from './support/start-parley.js';

describe('smoke', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'test-model' });
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  it('answers a blocking message with the model reply', async () => {
    const t = await parley.tenant();
    const c = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId });
    const r = await t.api('POST', '/messages', { content: 'hi', conversation_id: c.json.data.id });
    expect(r.status).toBe(200);
    expect(r.json.data.content).toBe('Hello, world!');
    expect(r.json.data.machine).toBe(true);
  });
});
