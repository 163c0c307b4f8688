import { afterAll, beforeAll } from 'vitest';
import { ScriptedOpenAi } from './scripted-openai.js';
import { newConversation } from './sse-reader.js';
import { startParley, type RunningParley, type Tenant } from './start-parley.js';

export interface ScriptedChat {
  upstream: ScriptedOpenAi;
  parley: RunningParley;
  /** A tenant of its own (account, key and bot)... */
  t: Tenant;
  /** ...and one conversation with its bot. */
  conversationId: string;
}

/**
 * The set-up most integration tests share, for the enclosing `describe`: a scripted
 * OpenAI-compatible upstream (`script` sets its replies), a Parley against it with `env`, a tenant
 * and a conversation — all made before the tests and stopped after them. `ready` receives them.
 */
export function useScriptedChat(
  opts: { env?: Record<string, string>; script?: (upstream: ScriptedOpenAi) => void },
  ready: (chat: ScriptedChat) => void,
): void {
  let upstream: ScriptedOpenAi | undefined;
  let parley: RunningParley | undefined;
  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    opts.script?.(upstream);
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'scripted', ...opts.env });
    const t = await parley.tenant();
    ready({ upstream, parley, t, conversationId: await newConversation(t) });
  });
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
  });
}
