import type { TokenUsage } from '../../domain/entities.js';
import { ChatModelError, type ChatEnd, type ChatModel, type ChatRequest } from '../chat-model.js';
import { closedBeforeTheEnd, malformed, parseEvent, streamEvents, type EventDecoder } from '../stream-events.js';
import { mapOpenAiFinishReason } from './map-openai-finish-reason.js';

export interface OpenAiCompatibleOptions {
  /** Up to and including the version, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseUrl: string;
  apiKey?: string;
  defaultModel?: string;
}

interface ChunkJson {
  choices?: { delta?: { content?: string | null; refusal?: string | null }; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/** Chat completions with `stream: true`, as OpenAI, Ollama, vLLM, llama.cpp and LM Studio serve them. */
export function openAiCompatibleModel(options: OpenAiCompatibleOptions): ChatModel {
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/chat/completions`);
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  return {
    stream(request: ChatRequest, onText: (text: string) => void): Promise<ChatEnd> {
      const body = JSON.stringify({
        model: request.model ?? options.defaultModel ?? 'default',
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
      });
      return streamEvents(url, headers, body, request, completionsDecoder(), onText);
    },
  };
}

/** Reads `data:` events of chat completion chunks, up to `[DONE]`. */
function completionsDecoder(): EventDecoder {
  let finishReason: string | undefined;
  let usage: TokenUsage | undefined;
  const finish = (): ChatEnd => ({ type: 'finish', finishReason: mapOpenAiFinishReason(finishReason), usage });
  return {
    event(data) {
      if (data === '[DONE]') return finish();
      const json = parseEvent<ChunkJson>(data);
      if (!json) return malformed();
      if (json.error) {
        return { type: 'error', error: new ChatModelError(`The model reported an error: ${json.error.message ?? 'unknown'}`) };
      }
      const choice = json.choices?.[0];
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (json.usage) {
        usage = { promptTokens: json.usage.prompt_tokens ?? 0, completionTokens: json.usage.completion_tokens ?? 0 };
      }
      return choice?.delta?.content || undefined;
    },
    // Some servers close without [DONE]; a finish reason still means the reply is whole.
    closed: () => (finishReason ? finish() : closedBeforeTheEnd()),
  };
}
