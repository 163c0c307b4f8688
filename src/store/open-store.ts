import type { Store } from './store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import { sqlitePathOf } from './sqlite/sqlite-database.js';

/** Picks the store adapter from DATABASE_URL's scheme; `server` for the long-running server's store. */
export function openStore(databaseUrl: string, opts: { server?: boolean } = {}): Store {
  if (databaseUrl.startsWith('sqlite:')) {
    return createSqliteStore(sqlitePathOf(databaseUrl), { backgroundCheckpoints: opts.server });
  }
  throw new Error(`DATABASE_URL: no store adapter for ${JSON.stringify(databaseUrl.split(':')[0])}`);
}
