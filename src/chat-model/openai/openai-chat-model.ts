import type { TokenUsage } from '../../domain/entities.js';
import { SseParser } from '../../shared/sse-parser.js';
import { ChatModelError, type ChatModel, type ChatRequest, type ChatStreamPart } from '../chat-model.js';
import { mapOpenAiFinishReason } from './map-finish-reason.js';
import { connectionError } from '../http-errors.js';
import { requestText } from '../http-post.js';

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
    stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
      const body = JSON.stringify({
        model: request.model ?? options.defaultModel ?? 'default',
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
      });
      // The provider's own wire format, read straight off the connection (nothing in between).
      return readStream(requestText(url, headers, body, request.signal), request.signal);
    },
  };
}

async function* readStream(body: AsyncIterable<string>, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
  const parser = new SseParser();
  let finishReason: string | undefined;
  let usage: TokenUsage | undefined;
  try {
    for await (const text of body) {
      for (const event of parser.push(text)) {
        if (event.data === '[DONE]') {
          yield { type: 'finish', finishReason: mapOpenAiFinishReason(finishReason), usage };
          return;
        }
        let json: ChunkJson;
        try {
          json = JSON.parse(event.data) as ChunkJson;
        } catch {
          yield { type: 'error', error: new ChatModelError('The model sent a malformed stream.') };
          return;
        }
        if (json.error) {
          yield { type: 'error', error: new ChatModelError(`The model reported an error: ${json.error.message ?? 'unknown'}`) };
          return;
        }
        const choice = json.choices?.[0];
        const text = choice?.delta?.content;
        if (text) yield { type: 'text-delta', text };
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (json.usage) {
          usage = { promptTokens: json.usage.prompt_tokens ?? 0, completionTokens: json.usage.completion_tokens ?? 0 };
        }
      }
    }
  } catch (err) {
    yield { type: 'error', error: connectionError(err, signal) };
    return;
  }
  // Some servers close without [DONE]; a finish reason still means the reply is whole.
  if (finishReason) yield { type: 'finish', finishReason: mapOpenAiFinishReason(finishReason), usage };
  else yield { type: 'error', error: new ChatModelError('The model closed the stream before finishing the reply.', { isRetryable: true }) };
}
