import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createApiKey } from '../../src/domain/api-keys.js';
import type { Account, Bot } from '../../src/domain/entities.js';
import { encodeId } from '../../src/transport/public-ids.js';
import { databasesByDataDir, scaledServices, scaledTestForm } from './test-services.js';

/**
 * PARLEY_TEST_FORM=postgres+redis runs every server these tests start on PostgreSQL (a database
 * of its own on the test server) and Redis (a key prefix of its own), unless the test names its
 * own DATABASE_URL: the scaled-out form, under the same tests as the embedded one. A server
 * started again on the data folder of an earlier one (PARLEY_DATA_DIR) gets that one's database.
 */
async function scaledForm(env: Record<string, string>): Promise<{ env: Record<string, string>; drop(): Promise<void> } | undefined> {
  if (!scaledTestForm || env.DATABASE_URL !== undefined) return undefined;
  const reused = env.PARLEY_DATA_DIR ? databasesByDataDir.get(env.PARLEY_DATA_DIR) : undefined;
  const services = await scaledServices('suite', reused);
  // Uploads in the database too: what processes on several machines need (see open-blob-store.ts).
  return { env: { ...services.env, BLOB_STORE: env.BLOB_STORE ?? 'postgres' }, drop: services.drop };
}

export interface Tenant {
  account: Account;
  bot: Bot;
  key: string;
  /** The bot's public id. */
  botId: string;
  /** Calls the API as this tenant: `api('GET', '/bots')`. */
  api(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

export interface RunningParley {
  app: App;
  config: Config;
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  /** Makes an account (with the given 30-day limit), a bot and a key. */
  tenant(options?: { messageLimit?: number | null; botModel?: string; systemPrompt?: string }): Promise<Tenant>;
  stop(): Promise<void>;
}

/** Raw HTTP against a running server; the body is sent as JSON unless it is already a string. */
export async function request(
  url: string, method: string, body?: unknown, headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * Boots a whole Parley (real SQLite file in a fresh temp folder, real HTTP on a free port).
 * `env` is read like the process environment, so tests configure it exactly as a user would.
 */
export async function startParley(env: Record<string, string> = {}): Promise<RunningParley> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-test-'));
  const scaled = await scaledForm(env);
  if (scaled) databasesByDataDir.set(dataDir, scaled.env.DATABASE_URL);
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', PARLEY_DATA_DIR: dataDir, SHUTDOWN_GRACE: '2s', ...scaled?.env, ...env,
  }, dataDir);
  const app = await createApp(config);
  const address = await app.listen();
  const url = address.replace('localhost', '127.0.0.1');
  return {
    app, config, url, dataDir,
    async tenant(options = {}) {
      const now = Date.now();
      const account = await app.store.accounts.create({
        name: `tenant-${now}`, plan: null, messageLimit: options.messageLimit ?? null, createdAt: now,
      });
      const bot = await app.store.bots.create(account.id, {
        name: 'Test bot', model: options.botModel ?? null, systemPrompt: options.systemPrompt ?? null,
        temperature: null, maxReplyTokens: null,
      }, now);
      const { key } = await createApiKey(app.store, account.id, 'test');
      return {
        account, bot, key, botId: encodeId('bot', bot.id),
        api: (method, u, body, headers = {}) =>
          request(`${url}/api/v1${u}`, method, body, { authorization: `Bearer ${key}`, ...headers }),
      };
    },
    async stop() {
      await app.close();
      await scaled?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
