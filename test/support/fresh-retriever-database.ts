import { RETRIEVER_MIGRATIONS } from '../../src/retriever/postgres/retriever-migrations.js';
import { openPostgres, type PgPool } from '../../src/store/postgres/postgres-database.js';
import { createTestDatabase } from './test-services.js';

export interface RetrieverDatabase {
  /** A pool on the new database, the retriever's migrations applied. */
  pool: PgPool;
  /** Removes every passage, so that the next retriever on `pool` starts empty. */
  empty(): Promise<void>;
  /** Ends the pool and drops the database. */
  close(): Promise<void>;
}

/** A database of its own on the test PostgreSQL server (named after `label`) holding the retriever's tables, empty. */
export async function freshRetrieverDatabase(label: string): Promise<RetrieverDatabase> {
  const database = await createTestDatabase(label);
  let pool: PgPool;
  try {
    pool = await openPostgres(database.url, {}, RETRIEVER_MIGRATIONS);
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    pool,
    empty: async () => {
      await pool.query('TRUNCATE retriever_passages');
    },
    close: async () => {
      try {
        await pool.end();
      } finally {
        await database.drop();
      }
    },
  };
}
