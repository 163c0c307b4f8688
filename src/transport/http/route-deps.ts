import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { KnowledgeServices } from '../../domain/knowledge-services.js';
import type { ReplyGenerations } from '../../domain/reply-generations.js';
import type { StreamTokens } from '../../domain/stream-tokens.js';
import type { PrometheusMetrics } from '../../metrics/prometheus-metrics.js';
import type { Store } from '../../store/store.js';
import type { StreamBus } from '../../stream-bus/stream-bus.js';
import type { SseHub } from './sse-hub.js';

/** What the HTTP routes are built from. */
export interface RouteDeps {
  config: Config;
  store: Store;
  bus: StreamBus;
  generations: ReplyGenerations;
  tokens: StreamTokens;
  hub: SseHub;
  log: Logger;
  /** Shown as a bot's model when the bot names none. */
  defaultModel: string | null;
  /** Retrieval, uploads and the import queue. */
  knowledge: KnowledgeServices;
  metrics: PrometheusMetrics;
}
