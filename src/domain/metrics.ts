/** How a reply ended, as the metrics count it. */
export type ReplyOutcome = 'done' | 'failed' | 'stopped';

/**
 * What the domain tells the metrics (a port: the Prometheus adapter is in src/metrics). Each call
 * is a counter step or an observation, cheap enough for the send path.
 */
export interface Metrics {
  /** A reply's first chunk reached the bus, `ms` after its generation began. */
  firstChunk(ms: number): void;
  /** A reply ended after `ms`. */
  replyEnded(outcome: ReplyOutcome, ms: number): void;
  /** A model attempt failed (each retry counts), by the provider's configured name. */
  modelError(provider: string): void;
  /** A send was refused because the account's 30-day message limit was reached. */
  quotaRefused(): void;
}

export const noMetrics: Metrics = { firstChunk() {}, replyEnded() {}, modelError() {}, quotaRefused() {} };
