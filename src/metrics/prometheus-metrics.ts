import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Metrics } from '../domain/metrics.js';

export interface MetricsSources {
  /** Streams held open right now (readers of stream URLs). */
  openStreams(): number;
  /** Import jobs by state, read from the store when scraped. */
  importJobs(): Promise<Record<string, number>>;
}

export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** One answered HTTP request: `route` is the route's pattern (`/api/v1/conversations/:id`), never a raw URL. */
  request(method: string, route: string, status: number, seconds: number): void;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Parley's metrics in a registry of its own (so two servers in one process do not share them),
 * with Node's default process metrics beside them, all prefixed `parley_`.
 */
export function prometheusMetrics(sources: MetricsSources): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  const requests = new Counter({
    name: 'parley_http_requests_total', help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const, registers: [registry],
  });
  const requestSeconds = new Histogram({
    name: 'parley_http_request_duration_seconds', help: 'Time to answer an HTTP request (a stream: until it closed).',
    labelNames: ['route'] as const, buckets: SECONDS, registers: [registry],
  });
  const firstChunk = new Histogram({
    name: 'parley_reply_first_chunk_seconds', help: "Time from a reply's start to its first chunk.",
    buckets: SECONDS, registers: [registry],
  });
  const replySeconds = new Histogram({
    name: 'parley_reply_duration_seconds', help: 'Time a reply took, from its start to its end.',
    labelNames: ['outcome'] as const, buckets: SECONDS, registers: [registry],
  });
  const replies = new Counter({
    name: 'parley_replies_total', help: 'Replies ended, by outcome (done, failed, stopped).',
    labelNames: ['outcome'] as const, registers: [registry],
  });
  const modelErrors = new Counter({
    name: 'parley_model_errors_total', help: 'Failed model attempts (retries included), by provider.',
    labelNames: ['provider'] as const, registers: [registry],
  });
  const quota = new Counter({
    name: 'parley_quota_refusals_total', help: "Sends refused because the account's message limit was reached.",
    registers: [registry],
  });
  new Gauge({
    name: 'parley_open_streams', help: 'Stream URL connections open now.', registers: [registry],
    collect() {
      this.set(sources.openStreams());
    },
  });
  new Gauge({
    name: 'parley_import_jobs', help: 'Import jobs in the store, by state (queued, running).',
    labelNames: ['state'] as const, registers: [registry],
    async collect() {
      const counts = await sources.importJobs();
      this.reset();
      for (const state of ['queued', 'running']) this.set({ state }, counts[state] ?? 0);
    },
  });
  // Every outcome shows from the start, at 0, so that rate() works before the first failure.
  for (const outcome of ['done', 'failed', 'stopped']) replies.inc({ outcome }, 0);

  // Every request counts here: each label set's children are looked up once, not hashed per request.
  const children = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  return {
    registry,
    request(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let c = children.get(key);
      if (!c) {
        c = { count: requests.labels({ route, method, status: String(status) }), time: requestSeconds.labels({ route }) };
        children.set(key, c);
      }
      c.count.inc();
      c.time.observe(seconds);
    },
    firstChunk: (ms) => firstChunk.observe(ms / 1000),
    replyEnded(outcome, ms) {
      replies.inc({ outcome });
      replySeconds.observe({ outcome }, ms / 1000);
    },
    modelError: (provider) => modelErrors.inc({ provider }),
    quotaRefused: () => quota.inc(),
  };
}
