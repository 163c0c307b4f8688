import type { Store } from '../store.js';
import { sqliteAccounts } from './sqlite-accounts.js';
import { sqliteApiKeys } from './sqlite-api-keys.js';
import { sqliteBots } from './sqlite-bots.js';
import { sqliteConversations } from './sqlite-conversations.js';
import { openSqlite, type SqliteDb } from './sqlite-database.js';
import { sqliteMessages } from './sqlite-messages.js';
import { GroupCommit } from './group-commit.js';
import { checkpointInBackground } from './checkpoint-in-background.js';
import { sqliteBotAdmin } from './sqlite-bot-admin.js';
import { sqliteBotFolders } from './sqlite-bot-folders.js';
import { sqliteDocuments } from './sqlite-documents.js';
import { sqliteFolders } from './sqlite-folders.js';
import { sqliteImportJobs } from './sqlite-import-jobs.js';
import { sqliteUploads } from './sqlite-uploads.js';

export interface SqliteStore extends Store {
  /** The open database, for tools (benchmarks, seeding) that need raw SQL. */
  readonly db: SqliteDb;
}

export interface SqliteStoreOptions {
  /** Checkpoint the WAL in a worker thread rather than inside commits (the server; not brief CLI commands). */
  backgroundCheckpoints?: boolean;
}

/** The embedded store: one SQLite file (WAL), migrated when opened. */
export function createSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteStore {
  const db = openSqlite(file);
  const stopCheckpoints = options.backgroundCheckpoints && file !== ':memory:' ? checkpointInBackground(db, file) : undefined;
  const ping = db.prepare('SELECT 1');
  const bots = sqliteBots(db);
  const commits = new GroupCommit(db);
  return {
    db,
    accounts: sqliteAccounts(db),
    apiKeys: sqliteApiKeys(db),
    bots,
    conversations: sqliteConversations(db),
    messages: sqliteMessages(db, commits),
    folders: sqliteFolders(db),
    documents: sqliteDocuments(db),
    importJobs: sqliteImportJobs(db),
    uploads: sqliteUploads(db),
    botFolders: sqliteBotFolders(db),
    botAdmin: sqliteBotAdmin(db, bots),
    async ping() {
      ping.get();
    },
    async close() {
      if (!db.open) return;
      commits.flush();
      await stopCheckpoints?.();
      db.close();
    },
  };
}
