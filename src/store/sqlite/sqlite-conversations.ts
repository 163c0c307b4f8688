import type { Conversation } from '../../domain/entities.js';
import type { ConversationRepo } from '../store.js';
import { pagedQuery } from './paged-query.js';
import type { SqliteDb } from './sqlite-database.js';
import { containsPattern } from '../contains-pattern.js';
import { toBot, type BotRow } from '../bot-row.js';

interface Row { id: number; account_id: number; bot_id: number; name: string; created_at: number }

const toConversation = (r: Row): Conversation => ({
  id: r.id, accountId: r.account_id, botId: r.bot_id, name: r.name, createdAt: r.created_at,
});

export function sqliteConversations(db: SqliteDb): ConversationRepo {
  const insert = db.prepare(
    'INSERT INTO conversations (account_id, bot_id, name, created_at) VALUES (?, ?, ?, ?) RETURNING *',
  );
  const byId = db.prepare('SELECT * FROM conversations WHERE account_id = ? AND id = ?');
  const withBot = db.prepare(`SELECT c.id AS c_id, c.bot_id AS c_bot_id, c.name AS c_name, c.created_at AS c_created_at,
      (SELECT json_group_array(folder_id) FROM (SELECT folder_id FROM bot_folders WHERE bot_id = b.id ORDER BY folder_id)) AS folder_ids, b.*
    FROM conversations c JOIN bots b ON b.id = c.bot_id AND b.account_id = c.account_id
    WHERE c.account_id = ? AND c.id = ?`);
  const filtered = `FROM conversations WHERE account_id = ? AND (? IS NULL OR bot_id = ?)
    AND name LIKE ? ESCAPE '\\'`;
  const list = pagedQuery(db, '*', filtered, toConversation);
  const update = db.prepare(
    'UPDATE conversations SET name = ?, bot_id = ? WHERE account_id = ? AND id = ? RETURNING *',
  );
  const remove = db.prepare('DELETE FROM conversations WHERE account_id = ? AND id = ?');
  const docsOf = db.prepare(`SELECT conversation_id, document_id FROM conversation_documents
    WHERE conversation_id IN (SELECT value FROM json_each(?)) ORDER BY conversation_id, document_id`);
  const clearDocs = db.prepare('DELETE FROM conversation_documents WHERE conversation_id = ?');
  const addDoc = db.prepare(
    'INSERT OR IGNORE INTO conversation_documents (conversation_id, document_id) VALUES (?, ?)',
  );

  const setDocuments = (conversationId: number, ids: number[]) => {
    clearDocs.run(conversationId);
    for (const d of ids) addDoc.run(conversationId, d);
  };

  const withDocuments = (list: Conversation[]): Conversation[] => {
    const byConversation = new Map<number, number[]>(list.map((c) => [c.id, []]));
    const rows = docsOf.all(JSON.stringify(list.map((c) => c.id))) as { conversation_id: number; document_id: number }[];
    for (const r of rows) byConversation.get(r.conversation_id)!.push(r.document_id);
    return list.map((c) => ({ ...c, documentIds: byConversation.get(c.id)! }));
  };

  const createTx = db.transaction((accountId: number, botId: number, name: string, createdAt: number, docs: number[]) => {
    const c = toConversation(insert.get(accountId, botId, name, createdAt) as Row);
    setDocuments(c.id, docs);
    return c;
  });
  const updateTx = db.transaction((accountId: number, id: number, name: string, botId: number, docs?: number[]) => {
    const r = update.get(name, botId, accountId, id) as Row | undefined;
    if (r && docs) setDocuments(id, docs);
    return r && toConversation(r);
  });

  return {
    async create(accountId, input, createdAt) {
      const c = createTx(accountId, input.botId, input.name, createdAt, input.documentIds ?? []);
      return { ...c, documentIds: [...new Set(input.documentIds ?? [])].sort((a, b) => a - b) };
    },
    async get(accountId, id, opts) {
      const r = byId.get(accountId, id) as Row | undefined;
      if (!r) return undefined;
      const c = toConversation(r);
      return opts?.withDocumentIds ? withDocuments([c])[0] : c;
    },
    async withBot(accountId, id) {
      const r = withBot.get(accountId, id) as (BotRow & { c_id: number; c_bot_id: number; c_name: string; c_created_at: number; folder_ids: string }) | undefined;
      if (!r) return undefined;
      return {
        conversation: toConversation({ id: r.c_id, account_id: accountId, bot_id: r.c_bot_id, name: r.c_name, created_at: r.c_created_at }),
        bot: toBot(r),
        folderIds: JSON.parse(r.folder_ids) as number[],
      };
    },
    async list(accountId, filter, page) {
      const bot = filter.botId ?? null;
      const { items, total } = list([accountId, bot, bot, containsPattern(filter.keyword ?? '')], page);
      return { items: filter.withDocumentIds ? withDocuments(items) : items, total };
    },
    async update(accountId, id, input) {
      const c = updateTx(accountId, id, input.name, input.botId, input.documentIds);
      return c && withDocuments([c])[0];
    },
    async delete(accountId, id) {
      return remove.run(accountId, id).changes > 0;
    },
  };
}
