import { namesPostgres } from '../config/database-url.js';
import type { Store } from './store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import { sqlitePathOf } from './sqlite/sqlite-database.js';
import { createPostgresStore } from './postgres/postgres-store.js';

/**
 * Picks the store adapter from DATABASE_URL's scheme and opens it, migrated; `server` for the
 * long-running server's store.
 */
export async function openStore(databaseUrl: string, opts: { server?: boolean } = {}): Promise<Store> {
  if (databaseUrl.startsWith('sqlite:')) {
    return createSqliteStore(sqlitePathOf(databaseUrl), { backgroundCheckpoints: opts.server });
  }
  if (namesPostgres(databaseUrl)) return createPostgresStore(databaseUrl);
  throw new Error(`DATABASE_URL: no store adapter for ${JSON.stringify(databaseUrl.split(':')[0])}`);
}
