import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { ChatModel } from './chat-model/chat-model.js';
import { openAiCompatibleModel } from './chat-model/openai/openai-chat-model.js';
import { unconfiguredModel } from './chat-model/unconfigured/unconfigured-chat-model.js';
import type { Config } from './config/config.js';
import { resolveSecret } from './config/secret.js';
import { ReplyGenerations } from './domain/reply-generations.js';
import { StreamTokens } from './domain/stream-token.js';
import { openStore } from './store/open-store.js';
import type { Store } from './store/store.js';
import { memoryStreamBus } from './stream-bus/memory/memory-stream-bus.js';
import type { StreamBus } from './stream-bus/stream-bus.js';
import { buildServer } from './transport/http/server.js';
import { SseHub } from './transport/http/sse-hub.js';

export const INTERRUPTED_MESSAGE = 'The reply was interrupted because the server stopped while generating it.';

export interface App {
  server: FastifyInstance;
  store: Store;
  bus: StreamBus;
  generations: ReplyGenerations;
  /** Listens on `config.port` (0: a free port) and returns the address. */
  listen(): Promise<string>;
  /** Stops taking requests, lets replies finish (up to the grace period), then closes everything. */
  close(): Promise<void>;
}

export function chatModelFor(config: Config): ChatModel {
  const { baseUrl, apiKey, model } = config.llm;
  return baseUrl ? openAiCompatibleModel({ baseUrl, apiKey, defaultModel: model }) : unconfiguredModel();
}

/** Wires the adapters the configuration names into the domain and the HTTP server. */
export async function createApp(config: Config, overrides: { model?: ChatModel; store?: Store } = {}): Promise<App> {
  const store = overrides.store ?? openStore(config.databaseUrl);
  const bus = memoryStreamBus();
  const model = overrides.model ?? chatModelFor(config);
  const secret = resolveSecret(config.secret, config.dataDir);
  const log = pino({ level: config.logLevel });
  const hub = new SseHub(config.keepAliveMs);
  const generations = new ReplyGenerations(
    { store, bus, model, log },
    { timeoutMs: config.llm.timeoutMs, historyBudgetTokens: config.historyBudgetTokens, checkpointMs: 1000 },
  );
  const server = buildServer({
    config, store, bus, generations, hub, log, tokens: new StreamTokens(secret), defaultModel: config.llm.model ?? null,
  });

  // Replies a previous process left half-made can never finish now.
  const stranded = await store.messages.failInProgress(INTERRUPTED_MESSAGE);
  if (stranded) server.log.warn({ count: stranded }, 'marked replies left in progress by a stopped process as failed');
  if (!config.llm.baseUrl) server.log.warn('no language model is configured (LLM_BASE_URL): every reply will fail until one is');

  let closed = false;
  return {
    server, store, bus, generations,
    async listen() {
      return server.listen({ port: config.port, host: config.host });
    },
    async close() {
      if (closed) return;
      closed = true;
      const serverClosed = server.close();
      await generations.shutdown(config.shutdownGraceMs);
      hub.closeAll();
      await serverClosed;
      await bus.close();
      await store.close();
    },
  };
}

