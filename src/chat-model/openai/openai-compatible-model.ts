import type { TokenUsage } from '../../domain/entities.js';
import { ChatModelError, type ChatEnd, type ChatModel, type ChatRequest } from '../chat-model.js';
import { closedBeforeTheEnd, malformed, parseEvent, streamEvents, type EventDecoder } from '../stream-events.js';
import { mapOpenAiFinishReason } from './map-openai-finish-reason.js';
import { reportedUsage } from '../reported-usage.js';

export interface OpenAiCompatibleOptions {
  /** Up to and including the version, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. */
  baseUrl: string;
  apiKey?: string;
  defaultModel?: string;
}

/** As the provider should send it; every field is checked before use, since any may have another type. */
interface ChunkJson {
  choices?: { delta?: { content?: unknown; refusal?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown };
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
      return streamEvents(url, headers, body, request, new CompletionsDecoder(), onText);
    },
  };
}

/**
 * Reads `data:` events of chat completion chunks, up to `[DONE]`. A class, not an object of
 * closures over its state: one object for each reply in progress (BENCHMARKS.md, held streams).
 */
class CompletionsDecoder implements EventDecoder {
  private finishReason: string | undefined;
  private usage: TokenUsage | undefined;

  event(data: string): string | ChatEnd | undefined {
    if (data === '[DONE]') return this.finish();
    const json = parseEvent<ChunkJson>(data);
    if (!json) return malformed();
    if (json.error) {
      const message = typeof json.error === 'object' && typeof json.error.message === 'string' ? json.error.message : 'unknown';
      return { type: 'error', error: new ChatModelError(`The model reported an error: ${message}`) };
    }
    if (json.choices !== undefined && !Array.isArray(json.choices)) return malformed();
    const choice: unknown = json.choices?.[0];
    if (choice !== undefined && (typeof choice !== 'object' || choice === null)) return malformed();
    const { delta, finish_reason } = (choice ?? {}) as NonNullable<ChunkJson['choices']>[number];
    if (delta !== undefined && delta !== null && typeof delta !== 'object') return malformed();
    if (typeof finish_reason === 'string') this.finishReason = finish_reason || this.finishReason;
    else if (finish_reason !== undefined && finish_reason !== null) return malformed();
    if (json.usage && typeof json.usage === 'object') {
      // Counts that are not counts are dropped: the reply is then counted here, marked estimated.
      this.usage = reportedUsage(json.usage.prompt_tokens, json.usage.completion_tokens);
    }
    const content = delta?.content;
    if (content === undefined || content === null || content === '') return undefined;
    return typeof content === 'string' ? content : malformed();
  }

  // Some servers close without [DONE]; a finish reason still means the reply is whole.
  closed(): ChatEnd {
    return this.finishReason ? this.finish() : closedBeforeTheEnd();
  }

  private finish(): ChatEnd {
    return { type: 'finish', finishReason: mapOpenAiFinishReason(this.finishReason), usage: this.usage };
  }
}
