import Database from 'better-sqlite3';

/** Conversations the seeded messages spread over. */
const CONVERSATIONS = 1000;

/**
 * Adds `count` finished messages to `accountId` with SQL (not through the API), spread over
 * conversations of their own, alternately the user's and the bot's, as the schema of
 * src/store/sqlite/migrations.ts has them. Parley must be stopped while this runs.
 */
export function seedMessages(dbFile: string, accountId: number, botId: number, count: number): void {
  if (count <= 0) return;
  const db = new Database(dbFile);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const now = Date.now();
    db.transaction(() => {
      let first = db.prepare('SELECT min(id) FROM conversations WHERE name = ? AND account_id = ?').pluck().get('seeded 0', accountId) as number | null;
      if (first === null) {
        const insert = db.prepare('INSERT INTO conversations (account_id, bot_id, name, created_at) VALUES (?, ?, ?, ?)');
        for (let i = 0; i < CONVERSATIONS; i++) {
          const id = Number(insert.run(accountId, botId, `seeded ${i}`, now).lastInsertRowid);
          if (i === 0) first = id;
        }
      }
      db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
        INSERT INTO messages (account_id, conversation_id, reply_to, content, machine, status, created_at, finished_at)
        SELECT ?, ? + (i % ${CONVERSATIONS}), NULL, 'A seeded message of earlier history, number ' || i, i % 2, 'done', ? - i, ? - i
        FROM n`).run(count, accountId, first, now, now);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function countMessages(dbFile: string, accountId: number): number {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM messages WHERE account_id = ?').pluck().get(accountId) as number;
  } finally {
    db.close();
  }
}
