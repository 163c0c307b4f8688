import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { bool, duration, httpUrl, int, num, oneOf, read, str, type Env, type Parser } from './env-parsers.js';
import { readHttpTimeouts, type HttpTimeouts } from './http-timeouts.js';
import { readRateLimit } from './rate-limit-config.js';
import type { RateLimit } from '../domain/rate-limiter.js';
import { readKnowledgeConfig, type KnowledgeConfig } from './knowledge-config.js';
import { namesPostgres, parseDatabaseUrl, withoutPassword } from './database-url.js';
import { ConfigError } from './config-error.js';
import { parseRedisUrl, redisUrlWithoutPassword } from './redis-url.js';
import { MIN_SECRET_LENGTH } from './resolve-secret.js';
import { SERVER_ROLES, type ServerRole } from './server-role.js';

/** The largest page a list gives (`per_page`, `PER_PAGE`). */
export const MAX_PER_PAGE = 100;

// Where they were first declared, so that importers need not know the split.
export { ConfigError } from './config-error.js';
export type { Env } from './env-parsers.js';

/** Parley's whole configuration, read once from the environment (and `.env`) at start. */
export interface Config {
  port: number;
  host: string;
  /** PARLEY_ROLE, or `parley serve --role`: which of the server's duties this process takes (see server-role.ts). */
  role: ServerRole;
  dataDir: string;
  databaseUrl: string;
  /** BLOB_STORE: where uploaded files are kept until imported (see open-blob-store.ts). */
  blobStore: 'local' | 'postgres';
  /** The stream bus on Redis; absent: the in-process bus (one process). */
  redisUrl: string | undefined;
  /** Before every Redis key and channel, so that several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** Absent means: generate one and keep it in the data folder (see resolve-secret.ts). */
  secret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string | undefined;
  streamPublicUrl: string | undefined;
  streamUrlTtlMs: number;
  keepAliveMs: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  /** HTTP_*_TIMEOUT: bounds on each phase of a request. */
  http: HttpTimeouts;
  /** RATE_LIMIT: requests each API key may make per window (in each process); undefined for no limit. */
  rateLimit: RateLimit | undefined;
  /** The single provider set by LLM_* variables (PARLEY_MODELS can add more). */
  llm: {
    provider: 'openai' | 'anthropic';
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string | undefined;
    contextTokens: number;
    maxReplyTokens: number;
    /** Credits one reply costs, shown in `usage.credits` (a model in PARLEY_MODELS can say otherwise). */
    creditsPerReply: number;
  };
  /** Path of a JSON file naming providers and models (see model-catalog.ts). */
  modelsFile: string | undefined;
  /** Bounds on one reply's generation. */
  timeouts: { firstTokenMs: number; idleMs: number; totalMs: number };
  retries: { max: number; maxWaitMs: number };
  moderation: { baseUrl: string | undefined; apiKey: string | undefined; model: string | undefined };
  shutdownGraceMs: number;
  /**
   * How long work in progress (a reply, an import) stays its process's without a renewal: then
   * any process takes it as its process's death (fails the reply, queues the import again).
   */
  leaseMs: number;
  /** How long a verified API key is trusted before the store is asked again (0: every request). */
  authCacheMs: number;
  /** Folders, documents, imports and retrieval (see knowledge-config.ts). */
  knowledge: KnowledgeConfig;
  /** When set, `GET /metrics` wants `Authorization: Bearer <metricsToken>`. */
  metricsToken: string | undefined;
  /** How lists are read when a request does not say (see pagination.ts). */
  lists: {
    /** The hosted service lists newest first; `oldest` is Parley's own option. */
    order: 'newest' | 'oldest';
    /** A page's size when `per_page` is not given; undefined: each list's published default. */
    perPage: number | undefined;
  };
}

/** DATABASE_URL, whose password never appears in the error that refuses it. */
function readDatabaseUrl(env: Env, fallback: string): string {
  const raw = env.DATABASE_URL;
  if (raw === undefined || raw === '') return fallback;
  try {
    return parseDatabaseUrl(raw);
  } catch (err) {
    throw new ConfigError('DATABASE_URL', (err as Error).message, withoutPassword(raw));
  }
}

/** BLOB_STORE; `postgres` keeps the files in DATABASE_URL's database, so it must be one. */
function readBlobStore(env: Env, databaseUrl: string): Config['blobStore'] {
  const kind = read(env, 'BLOB_STORE', oneOf('local', 'postgres'), 'local');
  if (kind === 'postgres' && !namesPostgres(databaseUrl)) {
    throw new ConfigError('BLOB_STORE', 'postgres keeps uploads in the PostgreSQL database, so DATABASE_URL must be a postgres:// URL', kind);
  }
  return kind;
}

/** REDIS_URL, whose password never appears in the error that refuses it. */
function readRedisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === '') return undefined;
  try {
    return parseRedisUrl(raw);
  } catch (err) {
    throw new ConfigError('REDIS_URL', (err as Error).message, redisUrlWithoutPassword(raw));
  }
}

const keyPrefixParser: Parser<string> = (raw) => {
  if (!/^[\x21-\x7e]{1,64}$/.test(raw)) throw new Error('expects 1 to 64 printable characters without spaces');
  return raw;
};

/** PARLEY_SECRET, whose value never appears in the error that refuses it (its length does). */
function readSecret(env: Env): string | undefined {
  const raw = env.PARLEY_SECRET;
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('PARLEY_SECRET', `expects a string of at least ${MIN_SECRET_LENGTH} characters (got ${raw.length})`, null);
  }
  return raw;
}

/** Reads `.env` (when present; real environment variables win) and validates every variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  if (env === process.env && existsSync(envFile)) dotenv.config({ path: envFile, quiet: true } as never);

  const dataDir = path.resolve(cwd, read(env, 'PARLEY_DATA_DIR', str, './data'));
  const databaseUrl = readDatabaseUrl(env, `sqlite:${path.join(dataDir, 'parley.db')}`);
  return {
    port: read(env, 'PORT', int(0, 65535), 8080),
    role: read(env, 'PARLEY_ROLE', oneOf(...SERVER_ROLES), 'all'),
    host: read(env, 'HOST', str, '127.0.0.1'),
    dataDir,
    databaseUrl,
    blobStore: readBlobStore(env, databaseUrl),
    redisUrl: readRedisUrl(env),
    redisKeyPrefix: read(env, 'REDIS_KEY_PREFIX', keyPrefixParser, 'parley:'),
    secret: readSecret(env),
    logLevel: read(env, 'LOG_LEVEL', oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), 'info'),
    publicUrl: read(env, 'PUBLIC_URL', httpUrl),
    streamPublicUrl: read(env, 'STREAM_PUBLIC_URL', httpUrl),
    streamUrlTtlMs: read(env, 'STREAM_URL_TTL', duration(1000), 3_600_000),
    keepAliveMs: read(env, 'STREAM_KEEPALIVE', duration(10, 3_600_000), 15_000),
    bodyLimitBytes: read(env, 'BODY_LIMIT_BYTES', int(1024, 256 * 1024 * 1024), 2 * 1024 * 1024),
    trustProxy: read(env, 'TRUST_PROXY', bool, false),
    http: readHttpTimeouts(env),
    rateLimit: readRateLimit(env),
    llm: {
      provider: read(env, 'LLM_PROVIDER', oneOf('openai', 'anthropic'), 'openai'),
      baseUrl: read(env, 'LLM_BASE_URL', httpUrl),
      apiKey: read(env, 'LLM_API_KEY', str),
      model: read(env, 'LLM_MODEL', str),
      contextTokens: read(env, 'LLM_CONTEXT_TOKENS', int(256, 100_000_000), 8192),
      maxReplyTokens: read(env, 'LLM_MAX_REPLY_TOKENS', int(1, 10_000_000), 1024),
      creditsPerReply: read(env, 'LLM_CREDITS_PER_REPLY', num(0, 1_000_000), 1),
    },
    modelsFile: read(env, 'PARLEY_MODELS', (raw) => path.resolve(cwd, raw)),
    timeouts: {
      firstTokenMs: read(env, 'LLM_FIRST_TOKEN_TIMEOUT', duration(10), 30_000),
      idleMs: read(env, 'LLM_IDLE_TIMEOUT', duration(10), 30_000),
      totalMs: read(env, 'LLM_TIMEOUT', duration(10), 120_000),
    },
    retries: {
      max: read(env, 'LLM_MAX_RETRIES', int(0, 20), 3),
      maxWaitMs: read(env, 'LLM_RETRY_MAX_WAIT', duration(0), 20_000),
    },
    moderation: {
      baseUrl: read(env, 'MODERATION_BASE_URL', httpUrl),
      apiKey: read(env, 'MODERATION_API_KEY', str),
      model: read(env, 'MODERATION_MODEL', str),
    },
    shutdownGraceMs: read(env, 'SHUTDOWN_GRACE', duration(0, 600_000), 10_000),
    leaseMs: read(env, 'WORK_LEASE', duration(300, 3_600_000), 15_000),
    authCacheMs: read(env, 'AUTH_CACHE_TTL', duration(0, 60_000), 1_000),
    knowledge: readKnowledgeConfig(env),
    metricsToken: read(env, 'METRICS_TOKEN', (raw) => {
      if (raw.length < 16 || /\s/.test(raw)) throw new Error('expects a token of at least 16 characters without spaces');
      return raw;
    }),
    lists: {
      order: read(env, 'LIST_ORDER', oneOf('newest', 'oldest'), 'newest'),
      perPage: read(env, 'PER_PAGE', int(1, MAX_PER_PAGE)),
    },
  };
}
