import pg from 'pg';
import { migrations } from './migrations.js';

/** What the repositories need of a connection pool (kysely's habit: a structural driver, not pg's types). */
export interface PgQueryable {
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface PgClient extends PgQueryable {
  release(): void;
}

export interface PgPool extends PgQueryable {
  connect(): Promise<PgClient>;
  end(): Promise<void>;
}

// BIGINT and NUMERIC (sums) come back as strings by default; Parley's ids, counts and Unix
// milliseconds all fit a JavaScript number.
const INT8 = 20;
const NUMERIC = 1700;
const INT8_ARRAY = 1016;
const types = {
  getTypeParser(oid: number, format?: string): (value: string) => unknown {
    if (oid === INT8 || oid === NUMERIC) return Number;
    const builtin = (pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
    if (oid === INT8_ARRAY) return (v) => (builtin(v) as (string | null)[]).map((x) => (x === null ? null : Number(x)));
    return builtin;
  },
};

export interface PostgresOptions {
  /** Connections the pool may open (pg's default is 10). */
  maxConnections?: number;
}

/** Opens a pool on `url` and applies `set`'s pending migrations (the store's by default) before anything else uses it. */
export async function openPostgres(url: string, options: PostgresOptions = {}, set: MigrationSet = STORE_MIGRATIONS): Promise<PgPool> {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, types }) as unknown as PgPool & pg.Pool;
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migrate(pool, set);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}

/** pg_advisory_lock's key for migrating the store: any constant that nothing else in the database uses. */
const MIGRATION_LOCK = 7_411_320_001;

const STORE_MIGRATIONS: MigrationSet = { table: 'schema_migrations', lock: MIGRATION_LOCK, migrations };

/** A numbered list of schema steps and where its progress is kept (the store's, the retriever's). */
export interface MigrationSet {
  /** The table that records which versions are applied. */
  table: string;
  /** The advisory lock held while migrating: one per set, so that sets migrate independently. */
  lock: number;
  migrations: { version: number; name: string; sql: string }[];
}

/**
 * Applies the missing migrations, each in its own transaction, holding a session-level advisory
 * lock throughout: processes starting together queue here, and those after the first find nothing
 * left to apply.
 */
export async function migrate(pool: PgPool, set: MigrationSet): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [set.lock]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${set.table} (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
      const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${set.table}`);
      const applied = new Set(rows.map((r) => r.version));
      for (const m of set.migrations) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(`INSERT INTO ${set.table} (version, name, applied_at) VALUES ($1, $2, $3)`,
            [m.version, m.name, Date.now()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`PostgreSQL migration ${m.version} (${m.name}) of ${set.table} failed: ${(err as Error).message}`, { cause: err });
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [set.lock]);
    }
  } finally {
    client.release();
  }
}

/** Runs `work` in one transaction on one connection of the pool. */
export async function inTransaction<T>(pool: PgPool, work: (client: PgQueryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
