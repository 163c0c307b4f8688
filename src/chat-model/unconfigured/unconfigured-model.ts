import { ChatModelError, type ChatModel } from '../chat-model.js';

export const NO_MODEL_MESSAGE = 'No language model is configured on this server (set LLM_BASE_URL).';

/** Stands in when no provider is configured: every reply fails at once, cleanly. */
export function unconfiguredModel(): ChatModel {
  return {
    stream: async () => ({ type: 'error', error: new ChatModelError(NO_MODEL_MESSAGE) }),
  };
}
