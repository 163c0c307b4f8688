import { ChatModelError, type ChatEnd, type ChatRequest, type FinishReason } from '../chat-model/chat-model.js';
import type { ModelTarget } from '../chat-model/model-catalog.js';
import type { TokenUsage } from './entities.js';
import type { ReplyStop } from './reply-stop.js';

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
 * target is asked. `stop` is the reply's own: an idle timeout once text has been sent aborts it
 * like a stop does (with its own reason), which ends the reply. One stop a reply, not one an
 * attempt linked to it. Rejects only when a model adapter breaks its promise never to.
 */
export function streamWithFallback(
  targets: ModelTarget[],
  request: Omit<ChatRequest, 'signal' | 'model'>,
  stop: ReplyStop,
  policy: AttemptPolicy,
  onText: (text: string) => void,
  /** Told of every failed attempt (not of a stop): for the metrics. */
  onAttemptFailed: (target: ModelTarget, error: ChatModelError) => void = () => {},
): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    new Attempts(targets, request, stop, policy, onText, onAttemptFailed, resolve, reject).begin();
  });
}

/**
 * One reply's attempts as one object driven by the model's callbacks, not as a loop in an async
 * function: a reply waiting for its model is then this object and the model's pending promise,
 * not two suspended frames with their promises (BENCHMARKS.md, held streams).
 */
class Attempts {
  private target = 0;
  private attempt = 0;
  private waited = 0;
  /** The attempt's idle timer: set by its first text (until then the model's own request times out). */
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly targets: ModelTarget[],
    private readonly request: Omit<ChatRequest, 'signal' | 'model'>,
    private readonly stop: ReplyStop,
    private readonly policy: AttemptPolicy,
    private readonly onText: (text: string) => void,
    private readonly onAttemptFailed: (target: ModelTarget, error: ChatModelError) => void,
    private readonly resolve: (outcome: StreamOutcome) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  begin(): void {
    const target = this.targets[this.target];
    this.idle = undefined;
    try {
      target.chat.stream(
        { ...this.request, model: target.upstreamModel, signal: this.stop, firstTextTimeoutMs: this.policy.firstTokenMs },
        this.text,
      ).then(this.ended, this.reject);
    } catch (err) {
      this.reject(err);
    }
  }

  // No abort check here: the port sends no text once the request is aborted, and the
  // generation's own append refuses any after a stop.
  private readonly text = (text: string): void => {
    if (this.idle) this.idle.refresh();
    else this.idle = setTimeout(idledOut, this.policy.idleMs, this.stop, this.policy.idleMs);
    this.onText(text);
  };

  private readonly ended = (end: ChatEnd): void => {
    try {
      this.next(end);
    } catch (err) {
      this.reject(err);
    }
  };

  /** After an attempt's end: the outcome, or the wait before a retry, or the next target. */
  private next(end: ChatEnd): void {
    clearTimeout(this.idle);
    const target = this.targets[this.target];
    const last: StreamOutcome = end.type === 'finish'
      ? { ok: true, model: target.name, finishReason: end.finishReason, usage: end.usage }
      : { ok: false, model: target.name, error: end.error, textSent: this.idle !== undefined };
    const { stop, policy } = this;
    // A stop is no model error; the idle timeout (which aborts with a ChatModelError) is one.
    if (!last.ok && (!stop.aborted || stop.reason instanceof ChatModelError)) this.onAttemptFailed(target, last.error);
    if (last.ok || last.textSent || stop.aborted || last.error.aborted) return this.resolve(last);
    if (last.error.isRetryable && this.attempt < policy.maxRetries) {
      const delay = last.error.retryAfterMs ?? backoffMs(this.attempt);
      if (this.waited + delay <= policy.maxRetryWaitMs) {
        this.waited += delay;
        this.attempt++;
        return this.retryAfter(delay, last);
      }
    }
    this.target++;
    this.attempt = 0;
    if (this.target >= this.targets.length) return this.resolve(last);
    this.begin();
  }

  /** Waits `ms` before the next attempt; a stop meanwhile ends the reply with `last`. */
  private retryAfter(ms: number, last: StreamOutcome): void {
    const done = () => {
      clearTimeout(timer);
      this.stop.removeEventListener('abort', done);
      if (this.stop.aborted) this.resolve(last);
      else this.begin();
    };
    const timer = setTimeout(done, ms);
    this.stop.addEventListener('abort', done);
  }
}

/** Silence after text: the reply is aborted, and the attempt ends with this reason. */
function idledOut(stop: ReplyStop, idleMs: number): void {
  stop.abort(new ChatModelError(`The model stopped sending for ${idleMs / 1000} s.`));
}
