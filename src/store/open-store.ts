import type { Store } from './store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import { sqlitePathOf } from './sqlite/sqlite-database.js';

/** Picks the store adapter from DATABASE_URL's scheme. */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return createSqliteStore(sqlitePathOf(databaseUrl));
  throw new Error(`DATABASE_URL: no store adapter for ${JSON.stringify(databaseUrl.split(':')[0])}`);
}
