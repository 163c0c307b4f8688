import type { Store } from '../store.js';
import { postgresAccounts } from './postgres-accounts.js';
import { postgresApiKeys } from './postgres-api-keys.js';
import { postgresBotAdmin } from './postgres-bot-admin.js';
import { postgresBotFolders } from './postgres-bot-folders.js';
import { postgresBots } from './postgres-bots.js';
import { postgresConversations } from './postgres-conversations.js';
import { openPostgres, type PgPool, type PostgresOptions } from './postgres-database.js';
import { postgresDocuments } from './postgres-documents.js';
import { postgresFolders } from './postgres-folders.js';
import { postgresImportJobs } from './postgres-import-jobs.js';
import { postgresMessages } from './postgres-messages.js';
import { postgresUploads } from './postgres-uploads.js';

export interface PostgresStore extends Store {
  /** The connection pool, for tools (tests, benchmarks) that need raw SQL. */
  readonly pool: PgPool;
}

/** The scale-out store: one PostgreSQL database that many Parley processes share, migrated when opened. */
export async function createPostgresStore(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
  const pool = await openPostgres(url, options);
  const bots = postgresBots(pool);
  let closed = false;
  return {
    pool,
    accounts: postgresAccounts(pool),
    apiKeys: postgresApiKeys(pool),
    bots,
    conversations: postgresConversations(pool),
    messages: postgresMessages(pool),
    folders: postgresFolders(pool),
    documents: postgresDocuments(pool),
    importJobs: postgresImportJobs(pool),
    uploads: postgresUploads(pool),
    botFolders: postgresBotFolders(pool),
    botAdmin: postgresBotAdmin(pool, bots),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
