import type { MigrationSet } from '../../store/postgres/postgres-database.js';

/**
 * The PostgreSQL blob store's own schema, kept apart from the store's (its own version table and
 * lock), so that either can be used without the other. Never edit one that has shipped: add the next.
 */
export const BLOB_MIGRATIONS: MigrationSet = {
  table: 'blob_migrations',
  lock: 7_411_320_003,
  migrations: [
    {
      version: 1,
      name: 'blobs as 1 MB chunks, written under an id that a key names once the put has finished',
      sql: `
        CREATE SEQUENCE blob_ids;
        CREATE TABLE blob_chunks (
          blob_id BIGINT NOT NULL,
          ordinal INTEGER NOT NULL,
          data BYTEA NOT NULL,
          PRIMARY KEY (blob_id, ordinal)
        );
        -- Uploads are mostly compressed already (PDF, DOCX): trying to compress them again is wasted work.
        ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
        -- Puts in progress, or cut off by a crash: the next put or delete of their key removes them.
        CREATE TABLE blob_pending (
          blob_id BIGINT PRIMARY KEY,
          key TEXT NOT NULL,
          started_at BIGINT NOT NULL
        );
        CREATE INDEX blob_pending_key ON blob_pending (key);
        CREATE TABLE blobs (
          key TEXT PRIMARY KEY,
          blob_id BIGINT NOT NULL UNIQUE,
          size BIGINT NOT NULL,
          -- Every chunk but the last has this many bytes: a read finds any offset's chunk from it.
          chunk_bytes INTEGER NOT NULL,
          stored_at BIGINT NOT NULL
        );
      `,
    },
  ],
};
