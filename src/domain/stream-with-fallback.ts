import { ChatModelError, type ChatRequest, type FinishReason } from '../chat-model/chat-model.js';
import type { ModelTarget } from '../chat-model/model-catalog.js';
import type { TokenUsage } from './entities.js';

export interface AttemptPolicy {
  firstTokenMs: number;
  idleMs: number;
  /** Retries of one model before its first token. */
  maxRetries: number;
  /** The most time spent waiting between retries, for all models together. */
  maxRetryWaitMs: number;
}

export type StreamOutcome =
  | { ok: true; model: string; finishReason: FinishReason; usage: TokenUsage | undefined }
  | { ok: false; model: string; error: ChatModelError; textSent: boolean };

const backoffMs = (attempt: number) => Math.min(250 * 2 ** attempt, 8000) * (0.75 + Math.random() * 0.5);

/**
 * Streams one reply from the first of `targets` that answers, passing each piece of text to
 * `onText`. Before any text has been sent, retryable failures (429, 5xx, connection) are retried
 * with backoff (honouring Retry-After) and then the next target is tried; once text has been
 * sent, a failure ends the reply, since the reader already has part of it.
 *
 * A model that sends no text within `policy.firstTokenMs` is given up, not retried: the next
 * target is asked. `controller` is the reply's own: an idle timeout once text has been sent aborts
 * it like a stop does (with its own reason), which ends the reply. One controller a reply, not one
 * an attempt linked to it, because each AbortSignal carries two hash maps: a kilobyte for every
 * reply being streamed.
 */
export async function streamWithFallback(
  targets: ModelTarget[],
  request: Omit<ChatRequest, 'signal' | 'model'>,
  controller: AbortController,
  policy: AttemptPolicy,
  onText: (text: string) => void,
  /** Told of every failed attempt (not of a stop): for the metrics. */
  onAttemptFailed: (target: ModelTarget, error: ChatModelError) => void = () => {},
): Promise<StreamOutcome> {
  const { signal } = controller;
  let waited = 0;
  let last: StreamOutcome | undefined;
  for (const target of targets) {
    for (let attempt = 0; ; attempt++) {
      last = await streamOnce(target, request, controller, policy, onText);
      // A stop is no model error; the idle timeout (which aborts with a ChatModelError) is one.
      if (!last.ok && (!signal.aborted || signal.reason instanceof ChatModelError)) onAttemptFailed(target, last.error);
      if (last.ok || last.textSent || signal.aborted || last.error.aborted) return last;
      if (!last.error.isRetryable || attempt >= policy.maxRetries) break;
      const delay = last.error.retryAfterMs ?? backoffMs(attempt);
      if (waited + delay > policy.maxRetryWaitMs) break;
      waited += delay;
      await sleep(delay, signal);
      if (signal.aborted) return last;
    }
  }
  return last!;
}

async function streamOnce(
  target: ModelTarget,
  request: Omit<ChatRequest, 'signal' | 'model'>,
  controller: AbortController,
  policy: AttemptPolicy,
  onText: (text: string) => void,
): Promise<StreamOutcome> {
  const { signal } = controller;
  // Until the first text the model's own request times out (and the next model is tried); after
  // it, silence aborts the reply, which the reader is already receiving.
  let idle: NodeJS.Timeout | undefined;
  try {
    const end = await target.chat.stream(
      { ...request, model: target.upstreamModel, signal, firstTextTimeoutMs: policy.firstTokenMs },
      // No abort check here: the port sends no text once the request is aborted, and the
      // generation's own append refuses any after a stop.
      (text) => {
        if (idle) idle.refresh();
        else {
          idle = setTimeout(
            () => controller.abort(new ChatModelError(`The model stopped sending for ${policy.idleMs / 1000} s.`)),
            policy.idleMs,
          );
        }
        onText(text);
      },
    );
    return end.type === 'finish'
      ? { ok: true, model: target.name, finishReason: end.finishReason, usage: end.usage }
      : { ok: false, model: target.name, error: end.error, textSent: idle !== undefined };
  } finally {
    clearTimeout(idle);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
