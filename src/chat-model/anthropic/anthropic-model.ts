import { ChatModelError, type ChatEnd, type ChatModel, type ChatRequest } from '../chat-model.js';
import { closedBeforeTheEnd, malformed, parseEvent, streamEvents, type EventDecoder } from '../stream-events.js';
import { toAnthropicMessages } from './to-anthropic-messages.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { reportedUsage } from '../reported-usage.js';

export interface AnthropicOptions {
  /** Up to and including the version: https://api.anthropic.com/v1 */
  baseUrl: string;
  apiKey?: string;
  defaultModel?: string;
  /** The Messages API requires max_tokens; this is used when the bot sets none. */
  defaultMaxTokens?: number;
}

export const ANTHROPIC_VERSION = '2023-06-01';

/** As the provider should send it; every field is checked before use, since any may have another type. */
interface EventJson {
  type?: unknown;
  message?: { usage?: { input_tokens?: unknown; output_tokens?: unknown } } | null;
  delta?: { type?: unknown; text?: unknown; stop_reason?: unknown } | null;
  usage?: { input_tokens?: unknown; output_tokens?: unknown } | null;
  error?: { type?: unknown; message?: unknown } | null;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

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
    stream(request: ChatRequest, onText: (text: string) => void): Promise<ChatEnd> {
      const { system, messages } = toAnthropicMessages(request.messages);
      const body = JSON.stringify({
        model: request.model ?? options.defaultModel,
        max_tokens: request.maxTokens ?? options.defaultMaxTokens ?? 1024,
        ...(system && { system }),
        messages,
        stream: true,
        ...(request.temperature !== undefined && { temperature: Math.min(request.temperature, 1) }),
      });
      return streamEvents(url, headers, body, request, new MessagesDecoder(), onText);
    },
  };
}

/** Reads the Messages API's typed events, up to `message_stop`; one object a reply, as CompletionsDecoder. */
class MessagesDecoder implements EventDecoder {
  // Counts as reported; a count that is not a number makes the whole usage Parley's estimate.
  private inputTokens: unknown = 0;
  private outputTokens: unknown = 0;
  private stopReason: string | undefined;

  event(data: string): string | ChatEnd | undefined {
    const json = parseEvent<EventJson>(data);
    if (!json) return malformed();
    switch (json.type) {
      case 'message_start':
        this.inputTokens = json.message?.usage?.input_tokens ?? 0;
        this.outputTokens = json.message?.usage?.output_tokens ?? 0;
        return undefined;
      case 'content_block_delta': {
        if (json.delta?.type !== 'text_delta') return undefined;
        const piece = json.delta.text;
        if (piece === undefined || piece === null || piece === '') return undefined;
        return typeof piece === 'string' ? piece : malformed();
      }
      case 'message_delta':
        this.stopReason = text(json.delta?.stop_reason) ?? this.stopReason;
        if (json.usage?.output_tokens !== undefined) this.outputTokens = json.usage.output_tokens;
        if (json.usage?.input_tokens !== undefined) this.inputTokens = json.usage.input_tokens;
        return undefined;
      case 'message_stop':
        return {
          type: 'finish',
          finishReason: mapAnthropicStopReason(this.stopReason),
          usage: reportedUsage(this.inputTokens, this.outputTokens),
        };
      case 'error': {
        const kind = text(json.error?.type);
        return {
          type: 'error',
          error: new ChatModelError(`The model reported an error: ${text(json.error?.message) ?? kind ?? 'unknown'}`, {
            isRetryable: kind === 'overloaded_error' || kind === 'api_error' || kind === 'rate_limit_error',
          }),
        };
      }
      default: // ping, content_block_start/stop, and event types added later
        return undefined;
    }
  }

  closed(): ChatEnd {
    return closedBeforeTheEnd();
  }
}
