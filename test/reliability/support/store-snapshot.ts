import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * A checksum of every row of every table of an embedded store, read through a second, read-only
 * connection (as another process would see it), so the suites can tell whether a request changed anything.
 */
export function storeChecksum(dbFile: string): string {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const hash = createHash('sha256');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    for (const table of tables) {
      hash.update(`\0${table}\0`);
      for (const row of db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).raw().iterate()) {
        hash.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v)));
      }
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

export const dbFileOf = (databaseUrl: string) => databaseUrl.replace(/^sqlite:/, '');

/**
 * Tells cheaply whether anyone committed to an embedded store: SQLite's data_version, read on a
 * connection of its own, moves with every commit made by another connection, even one that
 * rewrites a value with itself, so "unchanged" here is stricter than equal checksums.
 */
export class CommitWatch {
  private readonly db: Database.Database;
  private readonly stmt: Database.Statement;
  constructor(dbFile: string) {
    this.db = new Database(dbFile, { readonly: true, fileMustExist: true });
    this.stmt = this.db.prepare('PRAGMA data_version').pluck();
  }
  version(): number {
    return this.stmt.get() as number;
  }
  close(): void {
    this.db.close();
  }
}

/** Tells whether a request changed a store: SQLite's commit counter, or a checksum of PostgreSQL's rows. */
export interface StoreWatch {
  version(): Promise<string | number>;
  close(): Promise<void>;
}

/**
 * A watch on the store at `databaseUrl`. PostgreSQL has no per-database commit counter that only
 * this database moves, so there "version" is a checksum of every row of the tables requests can
 * change (`api_keys` aside: its `last_used_at` is bookkeeping), read on a connection of its own.
 */
export async function watchStore(databaseUrl: string): Promise<StoreWatch> {
  if (databaseUrl.startsWith('sqlite:')) {
    const watch = new CommitWatch(dbFileOf(databaseUrl));
    return { version: async () => watch.version(), close: async () => watch.close() };
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> 'api_keys' ORDER BY tablename`);
  const sql = rows.map((r) => `(SELECT coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "${r.name}" t)`).join(' || ');
  return {
    version: async () => (await client.query<{ v: string }>(`SELECT md5(${sql || "''"}) AS v`)).rows[0].v,
    close: () => client.end(),
  };
}
