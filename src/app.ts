import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { requestLogValue } from './transport/http/request-log.js';
import { publicIdSerializers } from './transport/public-id-serializers.js';
import { loadModelCatalog, type ModelCatalog } from './chat-model/model-catalog.js';
import type { Config } from './config/config.js';
import { dutiesOf } from './config/server-role.js';
import { resolveSecret } from './config/resolve-secret.js';
import type { BlobStore } from './blob-store/blob-store.js';
import { openBlobStore } from './blob-store/open-blob-store.js';
import { ExpiredReplies } from './domain/expired-replies.js';
import { ImportWorker } from './domain/imports/import-worker.js';
import type { KnowledgeServices } from './domain/knowledge-services.js';
import { ReplyGenerations } from './domain/reply-generations.js';
import { UploadUrls } from './domain/upload-urls.js';
import { openRetriever } from './retriever/open-retriever.js';
import type { Retriever } from './retriever/retriever.js';
import { StreamTokens } from './domain/stream-tokens.js';
import { loadTokenizer } from './domain/token-count.js';
import { openAiModerator } from './moderation/openai-moderator.js';
import { prometheusMetrics } from './metrics/prometheus-metrics.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { openStreamBus } from './stream-bus/open-stream-bus.js';
import type { StreamBus } from './stream-bus/stream-bus.js';
import { buildServer } from './transport/http/server.js';
import { SseHub } from './transport/http/sse-hub.js';

// Where tests have always found it.
export { INTERRUPTED_MESSAGE } from './domain/expired-replies.js';

export interface App {
  server: FastifyInstance;
  store: Store;
  bus: StreamBus;
  generations: ReplyGenerations;
  models: ModelCatalog;
  retriever: Retriever;
  imports: ImportWorker;
  blobs: BlobStore;
  /** Listens on `config.port` (0: a free port) and returns the address. */
  listen(): Promise<string>;
  /** Stops taking requests, lets replies finish (up to the grace period), then closes everything. */
  close(): Promise<void>;
}

/** Wires the adapters the configuration names into the domain and the HTTP server. */
export async function createApp(
  config: Config, overrides: { models?: ModelCatalog; store?: Store; retriever?: Retriever } = {},
): Promise<App> {
  const models = overrides.models ?? loadModelCatalog(config);
  const store = overrides.store ?? await openStore(config.databaseUrl, { server: true });
  const { moderation } = config;
  const moderator = moderation.baseUrl
    ? openAiModerator({ baseUrl: moderation.baseUrl, apiKey: moderation.apiKey, model: moderation.model })
    : undefined;
  const secret = resolveSecret(config.secret, config.dataDir);
  // Request lines name capability URLs without their tokens (see request-log.ts).
  const log = pino({ level: config.logLevel, serializers: { ...publicIdSerializers, req: requestLogValue } });
  const bus = await openStreamBus(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    // A reply's stream outlives the longest reply, and no more when its process dies before ending it.
    maxLifeMs: config.timeouts.totalMs + 300_000,
    onError: (err) => log.error({ err }, 'stream bus'),
  });
  const hub = new SseHub(config.keepAliveMs);
  const metrics = prometheusMetrics({ openStreams: () => hub.size, importJobs: () => store.importJobs.countByState() });
  const retriever = overrides.retriever ?? await openRetriever(config.databaseUrl, store, config.knowledge, log);
  const blobs = await openBlobStore(config);
  const { knowledge: k } = config;
  const duties = dutiesOf(config.role);
  const imports = new ImportWorker({ store, retriever, blobs, log }, {
    concurrency: k.importConcurrency,
    timeoutMs: k.importTimeoutMs,
    leaseMs: config.leaseMs,
    webpage: { maxBytes: k.webpage.maxBytes, timeoutMs: k.webpage.timeoutMs, maxRedirects: k.webpage.maxRedirects, allow: k.webpage.allow },
  });
  const knowledge: KnowledgeServices = {
    // A process without the import worker leaves the jobs it queues to the worker's polling.
    retriever, blobs, wakeImports: duties.imports ? () => imports.wake() : () => {}, uploadUrls: new UploadUrls(secret), settings: k,
  };
  const generations = new ReplyGenerations(
    { store, bus, models, log, moderator, retriever, metrics },
    {
      firstTokenMs: config.timeouts.firstTokenMs,
      idleMs: config.timeouts.idleMs,
      totalTimeoutMs: config.timeouts.totalMs,
      maxRetries: config.retries.max,
      maxRetryWaitMs: config.retries.maxWaitMs,
      checkpointMs: 1000,
      groundingPassages: config.knowledge.retrievalPassages,
      leaseMs: config.leaseMs,
    },
  );
  const expired = new ExpiredReplies({ store, bus, log, generations }, config.leaseMs);
  await loadTokenizer();
  const server = buildServer({
    config, store, bus, generations, hub, log, tokens: new StreamTokens(secret), defaultModel: models.defaultName ?? null,
    knowledge, metrics,
  });

  // Replies whose process died can never finish now; those of live processes (they renew their leases) are theirs.
  await expired.start();
  if (models.defaultName === undefined) {
    server.log.warn('no language model is configured (LLM_BASE_URL or PARLEY_MODELS): bots answer by quoting their knowledge base');
  }
  for (const name of await store.bots.modelsInUse()) {
    if (models.accepts(name)) continue;
    // With no model at all, every bot answers in extractive mode; otherwise an unknown model fails its replies.
    if (models.defaultName === undefined) server.log.warn({ model: name }, 'bots name a model but none is configured: they answer in extractive mode');
    else server.log.warn({ model: name }, 'bots use a model that is not configured: their replies will fail');
  }

  if (duties.imports) await imports.start();

  let closed = false;
  return {
    server, store, bus, generations, models, retriever, imports, blobs,
    async listen() {
      return server.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      const serverClosed = server.close();
      await generations.shutdown(config.shutdownGraceMs);
      hub.closeAll();
      // Streams that ended during the grace period left idle keep-alive connections behind, which
      // the server would otherwise wait on until their clients drop them.
      await new Promise((resolve) => setImmediate(resolve));
      server.server.closeIdleConnections();
      await serverClosed;
      await imports.stop();
      await expired.stop();
      await bus.close();
      await retriever.close?.();
      await blobs.close();
      await store.close();
    },
  };
}

