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
  {
    version: 3,
    name: 'knowledge base: folders, documents, bot folders, uploads, import jobs',
    sql: `
      CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX folders_account ON folders(account_id, id);
      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        source TEXT NOT NULL,
        source_url TEXT,
        status TEXT NOT NULL,
        failure_reason TEXT,
        content TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX documents_account ON documents(account_id, id);
      CREATE INDEX documents_folder ON documents(folder_id, id);
      CREATE TABLE bot_folders (
        bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        PRIMARY KEY (bot_id, folder_id)
      ) WITHOUT ROWID;
      CREATE INDEX bot_folders_folder ON bot_folders(folder_id);
      CREATE TABLE uploads (
        key TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        file_name TEXT NOT NULL,
        content_type TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        put_at INTEGER,
        size INTEGER,
        used_at INTEGER
      );
      CREATE TABLE import_jobs (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued',
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        started_at INTEGER
      );
      CREATE INDEX import_jobs_state ON import_jobs(state, id);
      CREATE INDEX import_jobs_account ON import_jobs(account_id);
    `,
  },
  {
    version: 4,
    name: 'retrieval: passages with a full-text index',
    sql: `
      CREATE TABLE passages (
        id INTEGER PRIMARY KEY,
        account_id INTEGER NOT NULL,
        folder_id INTEGER NOT NULL,
        document_id INTEGER NOT NULL,
        document_name TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        embedding BLOB
      );
      CREATE INDEX passages_document ON passages(document_id);
      CREATE INDEX passages_folder ON passages(account_id, folder_id);
      CREATE VIRTUAL TABLE passages_fts USING fts5(
        text, content='passages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
    `,
  },
  {
    version: 5,
    name: 'retrieval: term statistics; indexes for deleting documents',
    sql: `
      CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, row);
      CREATE INDEX conversation_documents_document ON conversation_documents(document_id);
      CREATE INDEX import_jobs_document ON import_jobs(document_id);
    `,
  },
  {
    version: 6,
    name: 'retrieval: passages know their section; document names and section titles indexed apart, to weigh more',
    sql: `
      ALTER TABLE passages ADD COLUMN section TEXT NOT NULL DEFAULT '[]';
      DROP TABLE passages_vocab;
      DROP TRIGGER passages_ai;
      DROP TRIGGER passages_ad;
      DROP TABLE passages_fts;
      CREATE VIRTUAL TABLE passages_fts USING fts5(
        document_name, section, text,
        content='passages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, document_name, section, text) VALUES (new.id, new.document_name, new.section, new.text);
      END;
      CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, document_name, section, text)
          VALUES ('delete', old.id, old.document_name, old.section, old.text);
      END;
      INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
      CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, row);
    `,
  },
  {
    version: 7,
    name: 'leases on replies in progress: the process generating a reply renews it; an expired one is failed',
    sql: `ALTER TABLE messages ADD COLUMN lease_until INTEGER;`,
  },
  {
    version: 8,
    name: 'bot descriptions, credits per reply',
    sql: `
      ALTER TABLE bots ADD COLUMN description TEXT;
      ALTER TABLE messages ADD COLUMN credits REAL;
    `,
  },
  {
    version: 9,
    name: 'retrieval: the words of camelCase identifiers indexed beside each passage',
    sql: `
      ALTER TABLE passages ADD COLUMN identifier_words TEXT NOT NULL DEFAULT '';
      DROP TABLE passages_vocab;
      DROP TRIGGER passages_ai;
      DROP TRIGGER passages_ad;
      DROP TABLE passages_fts;
      CREATE VIRTUAL TABLE passages_fts USING fts5(
        document_name, section, text, identifier_words,
        content='passages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
        INSERT INTO passages_fts(rowid, document_name, section, text, identifier_words)
          VALUES (new.id, new.document_name, new.section, new.text, new.identifier_words);
      END;
      CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
        INSERT INTO passages_fts(passages_fts, rowid, document_name, section, text, identifier_words)
          VALUES ('delete', old.id, old.document_name, old.section, old.text, old.identifier_words);
      END;
      INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
      CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, row);
    `,
  },
  {
    version: 10,
    name: 'leases on running imports: their process renews them; an expired one is queued again',
    sql: `ALTER TABLE import_jobs ADD COLUMN lease_until INTEGER;`,
  },
];
