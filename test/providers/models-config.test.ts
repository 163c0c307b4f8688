import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelCatalog } from '../../src/chat-model/model-catalog.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { encodeId } from '../../src/transport/public-ids.js';
import { ensureBuilt, onlyJson, runCli } from '../support/run-cli.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation } from '../support/sse-reader.js';
import { startParley, type RunningParley } from '../support/start-parley.js';
import { modelsFile } from './provider-setup.js';

const catalogFor = (env: Record<string, string>) => loadModelCatalog(loadConfig(env, '/tmp'), env);

describe('the models configuration', () => {
  it('refuses a bad models file, naming PARLEY_MODELS and what is wrong', () => {
    const cases: [object | string, RegExp][] = [
      ['{not json', /readable JSON/],
      [{ models: {} }, /"providers" and "models"/],
      [{ providers: { p: { type: 'gemini' } }, models: {} }, /providers\.p\.type/],
      [{ providers: { p: { type: 'openai' } }, models: { m: { provider: 'q' } } }, /models\.m\.provider/],
      [{ providers: { p: { type: 'openai' } }, models: { m: { provider: 'p', fallback: 'x' } } }, /models\.m\.fallback/],
      [{ providers: { p: { type: 'openai' } }, models: { m: { provider: 'p', context_tokens: -1 } } }, /context_tokens/],
      [{ providers: { p: { type: 'openai', api_key_env: 'NOPE_NOT_SET' } }, models: {} }, /NOPE_NOT_SET/],
      [{ default: 'z', providers: { p: { type: 'openai' } }, models: { m: { provider: 'p' } } }, /"default"/],
    ];
    for (const [content, why] of cases) {
      const file = typeof content === 'string' ? modelsFile({}) : modelsFile(content);
      if (typeof content === 'string') writeFileSync(file, content);
      let error: unknown;
      try {
        catalogFor({ PARLEY_MODELS: file });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^PARLEY_MODELS /);
      expect((error as Error).message).toMatch(why);
    }
  });

  it('passes any model name through to the single LLM_* server, and knows none without one', () => {
    const single = catalogFor({ LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'llama3.1' });
    expect(single.defaultName).toBe('llama3.1');
    expect(single.accepts('qwen2.5')).toBe(true);
    expect(single.resolve('qwen2.5')!.upstreamModel).toBe('qwen2.5');
    const none = catalogFor({});
    expect(none.defaultName).toBeUndefined();
    expect(none.accepts('anything')).toBe(false);
  });

  it('reads the key from the variable a provider names', () => {
    const file = modelsFile({ providers: { p: { type: 'anthropic', api_key_env: 'MY_KEY' } }, models: { c: { provider: 'p', model: 'claude-x' } } });
    const catalog = catalogFor({ PARLEY_MODELS: file, MY_KEY: 'secret' });
    expect(catalog.resolve(null)!.upstreamModel).toBe('claude-x');
  });
});

describe('bots and their models', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let file: string;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    file = modelsFile({
      default: 'gpt-4o-mini',
      providers: { local: { type: 'openai', base_url: upstream.baseUrl } },
      models: { 'gpt-4o-mini': { provider: 'local' }, 'llama3.1': { provider: 'local', model: 'llama3.1:8b' } },
    });
    parley = await startParley({ PARLEY_MODELS: file });
  });
  afterAll(async () => {
    await parley.stop();
    await upstream.stop();
  });

  const cli = (...args: string[]) => runCli(args, parley.dataDir, { PARLEY_MODELS: file });

  it('refuses a bot naming an unknown model, and takes a known one', async () => {
    const t = await parley.tenant();
    const account = encodeId('account', t.account.id);
    ensureBuilt();
    const refused = cli('bot', 'create', '--account', account, '--name', 'x', '--model', 'gpt-5-imaginary');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/"gpt-5-imaginary" is not configured \(configured: gpt-4o-mini, llama3\.1\)/);
    const bot = onlyJson(cli('bot', 'create', '--account', account, '--name', 'Llama', '--model', 'llama3.1', '--fallback-model', 'gpt-4o-mini', '--json'));
    expect(bot).toMatchObject({ name: 'Llama', model: 'llama3.1', fallback_model: 'gpt-4o-mini' });

    const bots = await t.api('GET', '/bots');
    expect(bots.json.data.map((b: { model: string }) => b.model).sort()).toEqual(['gpt-4o-mini', 'llama3.1']);

    upstream.scripts.set('which model', { chunks: ['me'] });
    const c = await t.api('POST', '/conversations', { name: 'c', bot_id: bot.id });
    await t.api('POST', '/messages', { content: 'which model', conversation_id: c.json.data.id });
    expect(upstream.requests.at(-1)!.body.model).toBe('llama3.1:8b');
  }, 90_000);

  it('updates a bot’s models and reply limit, refusing unknown models and resetting with ""', async () => {
    const t = await parley.tenant();
    ensureBuilt();
    const updated = onlyJson(cli('bot', 'update', t.botId, '--model', 'llama3.1', '--fallback-model', 'gpt-4o-mini', '--max-tokens', '300', '--json'));
    expect(updated).toMatchObject({ model: 'llama3.1', fallback_model: 'gpt-4o-mini', max_reply_tokens: 300, name: 'Test bot' });
    const refused = cli('bot', 'update', t.botId, '--fallback-model', 'nope');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--fallback-model: the model "nope" is not configured/);
    const reset = onlyJson(cli('bot', 'update', t.botId, '--model', '', '--fallback-model', '', '--max-tokens', '', '--json'));
    expect(reset).toMatchObject({ model: 'gpt-4o-mini', fallback_model: null, max_reply_tokens: null });
    expect((await parley.app.store.bots.get(t.account.id, t.bot.id))!.model).toBeNull();
  }, 90_000);

  it('fails replies clearly when the configuration has lost a bot’s model', async () => {
    const t = await parley.tenant({ botModel: 'retired-model' });
    const conv = await newConversation(t);
    const r = await t.api('POST', '/messages', { content: 'hello', conversation_id: conv });
    expect(r.status).toBe(500);
    expect(r.json.message).toBe('The bot\'s model "retired-model" is not configured on this server.');
  });
});
