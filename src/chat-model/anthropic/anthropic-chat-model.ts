import { SseParser } from '../../shared/sse-parser.js';
import { ChatModelError, type ChatModel, type ChatRequest, type ChatStreamPart } from '../chat-model.js';
import { connectionError } from '../http-errors.js';
import { requestText } from '../http-post.js';
import { toAnthropicMessages } from './convert-messages.js';
import { mapAnthropicStopReason } from './map-stop-reason.js';

export interface AnthropicOptions {
  /** Up to and including the version: https://api.anthropic.com/v1 */
  baseUrl: string;
  apiKey?: string;
  defaultModel?: string;
  /** The Messages API requires max_tokens; this is used when the bot sets none. */
  defaultMaxTokens?: number;
}

export const ANTHROPIC_VERSION = '2023-06-01';

interface EventJson {
  type: string;
  message?: { usage?: { input_tokens?: number; output_tokens?: number } };
  delta?: { type?: string; text?: string; stop_reason?: string | null };
  usage?: { input_tokens?: number; output_tokens?: number };
  error?: { type?: string; message?: string };
}

/** The Anthropic Messages API with `stream: true`. */
export function anthropicModel(options: AnthropicOptions): ChatModel {
  const url = new URL(`${options.baseUrl.replace(/\/+$/, '')}/messages`);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  if (options.apiKey) headers['x-api-key'] = options.apiKey;

  return {
    stream(request: ChatRequest): AsyncIterable<ChatStreamPart> {
      const { system, messages } = toAnthropicMessages(request.messages);
      const body = JSON.stringify({
        model: request.model ?? options.defaultModel,
        max_tokens: request.maxTokens ?? options.defaultMaxTokens ?? 1024,
        ...(system && { system }),
        messages,
        stream: true,
        ...(request.temperature !== undefined && { temperature: Math.min(request.temperature, 1) }),
      });
      // The provider's own wire format, read straight off the connection (nothing in between).
      return readStream(requestText(url, headers, body, request.signal), request.signal);
    },
  };
}

async function* readStream(body: AsyncIterable<string>, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
  const parser = new SseParser();
  let inputTokens = 0;
  let outputTokens = 0;
  let stopReason: string | undefined;
  try {
    for await (const text of body) {
      for (const event of parser.push(text)) {
        let json: EventJson;
        try {
          json = JSON.parse(event.data) as EventJson;
        } catch {
          yield { type: 'error', error: new ChatModelError('The model sent a malformed stream.') };
          return;
        }
        switch (json.type) {
          case 'message_start':
            inputTokens = json.message?.usage?.input_tokens ?? 0;
            outputTokens = json.message?.usage?.output_tokens ?? 0;
            break;
          case 'content_block_delta':
            if (json.delta?.type === 'text_delta' && json.delta.text) yield { type: 'text-delta', text: json.delta.text };
            break;
          case 'message_delta':
            stopReason = json.delta?.stop_reason ?? stopReason;
            if (json.usage?.output_tokens !== undefined) outputTokens = json.usage.output_tokens;
            if (json.usage?.input_tokens !== undefined) inputTokens = json.usage.input_tokens;
            break;
          case 'message_stop':
            yield {
              type: 'finish',
              finishReason: mapAnthropicStopReason(stopReason),
              usage: { promptTokens: inputTokens, completionTokens: outputTokens },
            };
            return;
          case 'error': {
            const kind = json.error?.type;
            yield {
              type: 'error',
              error: new ChatModelError(`The model reported an error: ${json.error?.message ?? kind ?? 'unknown'}`, {
                isRetryable: kind === 'overloaded_error' || kind === 'api_error' || kind === 'rate_limit_error',
              }),
            };
            return;
          }
          default: // ping, content_block_start/stop, and event types added later
        }
      }
    }
  } catch (err) {
    yield { type: 'error', error: connectionError(err, signal) };
    return;
  }
  yield { type: 'error', error: new ChatModelError('The model closed the stream before finishing the reply.', { isRetryable: true }) };
}
