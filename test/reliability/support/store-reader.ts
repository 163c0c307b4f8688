import Database from 'better-sqlite3';
import pg from 'pg';
import { dbFileOf } from './store-snapshot.js';

/** Reads a store from outside the server, as another process would: for the crash suite's checks after each kill. */
export interface StoreReader {
  /** One value of a query written with `?` placeholders (the same SQL on both stores). */
  value(sql: string, ...args: unknown[]): Promise<unknown>;
  row(sql: string, ...args: unknown[]): Promise<Record<string, unknown> | undefined>;
  /** `ok` when the database checks out (SQLite's integrity_check; PostgreSQL keeps its own). */
  integrity(): Promise<string>;
  close(): Promise<void>;
}

/** A reader of the store at `databaseUrl`, on a connection of its own (a new one per check for SQLite, which may be mid-recovery). */
export async function openStoreReader(databaseUrl: string): Promise<StoreReader> {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = dbFileOf(databaseUrl);
    const once = <T>(work: (db: Database.Database) => T): T => {
      const db = new Database(file, { readonly: true });
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    return {
      value: async (sql, ...args) => once((db) => db.prepare(sql).pluck().get(...args)),
      row: async (sql, ...args) => once((db) => db.prepare(sql).get(...args) as Record<string, unknown> | undefined),
      integrity: async () => once((db) => db.prepare('PRAGMA integrity_check').pluck().get() as string),
      close: async () => {},
    };
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const numbered = (sql: string) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  };
  const row = async (sql: string, ...args: unknown[]) => (await client.query(numbered(sql), args)).rows[0] as Record<string, unknown> | undefined;
  return {
    async value(sql, ...args) {
      const r = await row(sql, ...args);
      const v = r && Object.values(r)[0];
      // count() and sum() come back as strings from pg.
      return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
    },
    row,
    integrity: async () => ((await row('SELECT 1 AS ok')) ? 'ok' : 'no answer'),
    close: () => client.end(),
  };
}
