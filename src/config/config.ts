import { existsSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { bool, duration, httpUrl, int, oneOf, str, type Parser } from './env-parsers.js';

/** Parley's whole configuration, read once from the environment (and `.env`) at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  /** Absent means: generate one and keep it in the data folder (see secret.ts). */
  secret: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  publicUrl: string | undefined;
  streamPublicUrl: string | undefined;
  streamUrlTtlMs: number;
  keepAliveMs: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  llm: {
    baseUrl: string | undefined;
    apiKey: string | undefined;
    model: string | undefined;
    timeoutMs: number;
  };
  historyBudgetTokens: number;
  shutdownGraceMs: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, expectation: string, raw: string) {
    super(`${variable} ${expectation} (got ${JSON.stringify(raw)})`);
  }
}

type Env = Record<string, string | undefined>;

function read<T>(env: Env, name: string, parse: Parser<T>, fallback: T): T;
function read<T>(env: Env, name: string, parse: Parser<T>): T | undefined;
function read<T>(env: Env, name: string, parse: Parser<T>, fallback?: T): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return parse(raw);
  } catch (err) {
    throw new ConfigError(name, (err as Error).message, raw);
  }
}

const secretParser: Parser<string> = (raw) => {
  if (raw.length < 32) throw new Error('expects a string of at least 32 characters');
  return raw;
};

const databaseUrlParser: Parser<string> = (raw) => {
  if (!/^sqlite:.+/.test(raw)) {
    throw new Error('expects sqlite:<path> (for example sqlite:./data/parley.db or sqlite:/var/lib/parley/parley.db)');
  }
  return raw;
};

/** Reads `.env` (when present; real environment variables win) and validates every variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const envFile = path.join(cwd, '.env');
  if (env === process.env && existsSync(envFile)) dotenv.config({ path: envFile, quiet: true } as never);

  const dataDir = path.resolve(cwd, read(env, 'PARLEY_DATA_DIR', str, './data'));
  return {
    port: read(env, 'PORT', int(0, 65535), 8080),
    host: read(env, 'HOST', str, '127.0.0.1'),
    dataDir,
    databaseUrl: read(env, 'DATABASE_URL', databaseUrlParser, `sqlite:${path.join(dataDir, 'parley.db')}`),
    secret: read(env, 'PARLEY_SECRET', secretParser),
    logLevel: read(env, 'LOG_LEVEL', oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), 'info'),
    publicUrl: read(env, 'PUBLIC_URL', httpUrl),
    streamPublicUrl: read(env, 'STREAM_PUBLIC_URL', httpUrl),
    streamUrlTtlMs: read(env, 'STREAM_URL_TTL', duration(1000), 3_600_000),
    keepAliveMs: read(env, 'STREAM_KEEPALIVE', duration(10, 3_600_000), 15_000),
    bodyLimitBytes: read(env, 'BODY_LIMIT_BYTES', int(1024, 256 * 1024 * 1024), 2 * 1024 * 1024),
    trustProxy: read(env, 'TRUST_PROXY', bool, false),
    llm: {
      baseUrl: read(env, 'LLM_BASE_URL', httpUrl),
      apiKey: read(env, 'LLM_API_KEY', str),
      model: read(env, 'LLM_MODEL', str),
      timeoutMs: read(env, 'LLM_TIMEOUT', duration(100), 120_000),
    },
    historyBudgetTokens: read(env, 'HISTORY_BUDGET_TOKENS', int(0, 10_000_000), 6000),
    shutdownGraceMs: read(env, 'SHUTDOWN_GRACE', duration(0, 600_000), 10_000),
  };
}
