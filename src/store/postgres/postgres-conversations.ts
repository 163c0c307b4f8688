import type { Conversation } from '../../domain/entities.js';
import type { ConversationRepo } from '../store.js';
import { containsPattern } from '../contains-pattern.js';
import { inTransaction, type PgPool, type PgQueryable } from './postgres-database.js';
import { toBot, type BotRow } from '../bot-row.js';
import { postgresPage } from './postgres-page.js';

interface Row { id: number; account_id: number; bot_id: number; name: string; created_at: number }

const toConversation = (r: Row): Conversation => ({
  id: r.id, accountId: r.account_id, botId: r.bot_id, name: r.name, createdAt: r.created_at,
});

const setDocuments = async (db: PgQueryable, conversationId: number, ids: number[]) => {
  await db.query('DELETE FROM conversation_documents WHERE conversation_id = $1', [conversationId]);
  if (ids.length) {
    await db.query(`INSERT INTO conversation_documents (conversation_id, document_id)
      SELECT $1, d FROM unnest($2::bigint[]) AS d ON CONFLICT DO NOTHING`, [conversationId, ids]);
  }
};

export function postgresConversations(pool: PgPool): ConversationRepo {
  const withDocuments = async (list: Conversation[]): Promise<Conversation[]> => {
    const byConversation = new Map<number, number[]>(list.map((c) => [c.id, []]));
    const { rows } = await pool.query<{ conversation_id: number; document_id: number }>(
      `SELECT conversation_id, document_id FROM conversation_documents WHERE conversation_id = ANY($1::bigint[])
       ORDER BY conversation_id, document_id`, [list.map((c) => c.id)],
    );
    for (const r of rows) byConversation.get(r.conversation_id)!.push(r.document_id);
    return list.map((c) => ({ ...c, documentIds: byConversation.get(c.id)! }));
  };

  return {
    async create(accountId, input, createdAt) {
      const c = await inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<Row>(
          'INSERT INTO conversations (account_id, bot_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING *',
          [accountId, input.botId, input.name, createdAt],
        );
        if (input.documentIds?.length) await setDocuments(tx, rows[0].id, input.documentIds);
        return toConversation(rows[0]);
      });
      return { ...c, documentIds: [...new Set(input.documentIds ?? [])].sort((a, b) => a - b) };
    },
    async get(accountId, id, opts) {
      const { rows } = await pool.query<Row>('SELECT * FROM conversations WHERE account_id = $1 AND id = $2', [accountId, id]);
      if (!rows[0]) return undefined;
      const c = toConversation(rows[0]);
      return opts?.withDocumentIds ? (await withDocuments([c]))[0] : c;
    },
    async withBot(accountId, id) {
      const { rows } = await pool.query<BotRow & { c_id: number; c_bot_id: number; c_name: string; c_created_at: number; folder_ids: number[] }>(
        `SELECT c.id AS c_id, c.bot_id AS c_bot_id, c.name AS c_name, c.created_at AS c_created_at,
           ARRAY(SELECT folder_id FROM bot_folders WHERE bot_id = b.id ORDER BY folder_id) AS folder_ids, b.*
         FROM conversations c JOIN bots b ON b.id = c.bot_id AND b.account_id = c.account_id
         WHERE c.account_id = $1 AND c.id = $2`, [accountId, id],
      );
      const r = rows[0];
      if (!r) return undefined;
      return {
        conversation: toConversation({ id: r.c_id, account_id: accountId, bot_id: r.c_bot_id, name: r.c_name, created_at: r.c_created_at }),
        bot: toBot(r),
        folderIds: r.folder_ids,
      };
    },
    async list(accountId, filter, page) {
      const result = await postgresPage(pool, {
        select: '*',
        from: `FROM conversations WHERE account_id = $1 AND ($2::bigint IS NULL OR bot_id = $2)
          AND name ILIKE $3 ESCAPE '\\'`,
      }, [accountId, filter.botId ?? null, containsPattern(filter.keyword ?? '')], page, toConversation);
      return filter.withDocumentIds ? { ...result, items: await withDocuments(result.items) } : result;
    },
    async update(accountId, id, input) {
      const c = await inTransaction(pool, async (tx) => {
        const { rows } = await tx.query<Row>(
          'UPDATE conversations SET name = $1, bot_id = $2 WHERE account_id = $3 AND id = $4 RETURNING *',
          [input.name, input.botId, accountId, id],
        );
        if (rows[0] && input.documentIds) await setDocuments(tx, id, input.documentIds);
        return rows[0] && toConversation(rows[0]);
      });
      return c && (await withDocuments([c]))[0];
    },
    async delete(accountId, id) {
      const { rowCount } = await pool.query('DELETE FROM conversations WHERE account_id = $1 AND id = $2', [accountId, id]);
      return (rowCount ?? 0) > 0;
    },
  };
}
