/** Numbered schema steps, applied in order at start. Never edit one that has shipped: add the next. */
export const migrations: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'accounts, keys, bots, conversations, messages',
    sql: `
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        plan TEXT,
        message_limit INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE api_keys (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT,
        prefix TEXT NOT NULL UNIQUE,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX api_keys_account ON api_keys(account_id);
      CREATE TABLE bots (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        model TEXT,
        system_prompt TEXT,
        temperature REAL,
        max_reply_tokens INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX bots_account ON bots(account_id, id);
      CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX conversations_account ON conversations(account_id, id);
      CREATE INDEX conversations_bot ON conversations(bot_id, id);
      CREATE TABLE conversation_documents (
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        document_id INTEGER NOT NULL,
        PRIMARY KEY (conversation_id, document_id)
      ) WITHOUT ROWID;
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        reply_to INTEGER,
        content TEXT NOT NULL,
        machine INTEGER NOT NULL,
        status TEXT NOT NULL,
        flagged INTEGER NOT NULL DEFAULT 0,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX messages_conversation ON messages(conversation_id, id);
      CREATE INDEX messages_account ON messages(account_id, id);
      CREATE INDEX messages_in_progress ON messages(status) WHERE status = 'in_progress';
      CREATE TABLE message_count_days (
        account_id INTEGER NOT NULL,
        day INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (account_id, day)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'fallback models, estimated usage, reply sources',
    sql: `
      ALTER TABLE bots ADD COLUMN fallback_model TEXT;
      ALTER TABLE messages ADD COLUMN usage_estimated INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE message_sources (
        message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        document_id INTEGER NOT NULL,
        document_name TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, position)
      ) WITHOUT ROWID;
    `,
  },
];
