import type { Cancellation } from '../chat-model/chat-model.js';

/**
 * A reply's stop: aborted once, with a reason, as an AbortController's signal is, and read the
 * same way by what must end with it (the request to the model, a wait between retries). Not an
 * AbortSignal: that is an EventTarget with two hash maps and a hidden class of its own, about a
 * kilobyte for every reply in progress (BENCHMARKS.md, held streams), where a reply has one
 * listener at a time. Listeners are called once, in the order added; none is kept after the abort.
 */
export class ReplyStop implements Cancellation {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  /** As AbortSignal: a listener added after the abort is never called. */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.listeners?.indexOf(listener) ?? -1;
    if (at >= 0) this.listeners!.splice(at, 1);
  }
}
