import type { Message, MessageSource, MessageStatus } from '../../domain/entities.js';
import { DAY_MS, dayOf, firstDayOfWindow } from '../quota-window.js';
import type { HistoryMessage, MessageRepo } from '../store.js';
import type { PgPool } from './postgres-database.js';
import { postgresPage } from './postgres-page.js';

interface Row {
  id: number; account_id: number; conversation_id: number; content: string; machine: boolean;
  status: MessageStatus; flagged: boolean; prompt_tokens: number | null; completion_tokens: number | null;
  usage_estimated: boolean; credits: number | null; created_at: number;
}

const toMessage = (r: Row): Message => ({
  id: r.id, accountId: r.account_id, conversationId: r.conversation_id, content: r.content,
  machine: r.machine, status: r.status, flagged: r.flagged,
  usage: r.prompt_tokens === null && r.completion_tokens === null
    ? null
    : { promptTokens: r.prompt_tokens ?? 0, completionTokens: r.completion_tokens ?? 0, estimated: r.usage_estimated, ...(r.credits !== null && { credits: r.credits }) },
  createdAt: r.created_at,
});

/** The send and finish paths are one round trip each: every send and every reply crosses them. */
export function postgresMessages(pool: PgPool): MessageRepo {
  return {
    async send(s) {
      // parley_send (migrations.ts) checks the quota under the account's row lock and inserts both messages.
      const { rows } = await pool.query<Row>('SELECT * FROM parley_send($1, $2, $3, $4, $5, $6, $7)', [
        s.accountId, s.conversationId, s.content, s.createdAt, s.messageLimit, dayOf(s.createdAt), firstDayOfWindow(s.createdAt),
      ]);
      if (rows.length < 2) return undefined;
      const [user, reply] = rows[0].machine ? [rows[1], rows[0]] : [rows[0], rows[1]];
      return { user: toMessage(user), reply: toMessage(reply) };
    },
    async get(accountId, id) {
      const { rows } = await pool.query<Row>('SELECT * FROM messages WHERE account_id = $1 AND id = $2', [accountId, id]);
      return rows[0] && toMessage(rows[0]);
    },
    async list(accountId, filter, page) {
      return postgresPage(pool, {
        select: '*',
        from: 'FROM messages WHERE account_id = $1 AND ($2::bigint IS NULL OR conversation_id = $2)',
      }, [accountId, filter.conversationId ?? null], page, toMessage);
    },
    async history(conversationId, beforeId, limit) {
      const { rows } = await pool.query<HistoryMessage>(`SELECT id, machine, content FROM messages
        WHERE conversation_id = $1 AND id < $2 AND status = 'done' ORDER BY id DESC LIMIT $3`, [conversationId, beforeId, limit]);
      return rows;
    },
    async savePartial(parts) {
      if (!parts.length) return;
      await pool.query(`UPDATE messages m SET content = p.content
        FROM unnest($1::bigint[], $2::text[]) AS p(id, content)
        WHERE m.id = p.id AND m.status = 'in_progress'`, [parts.map((p) => p.id), parts.map((p) => p.content)]);
    },
    async finishReply(id, o) {
      const now = Date.now();
      const sources = o.sources ?? [];
      // One statement: the refund and the sources happen only when this call finished the reply.
      await pool.query(`WITH done AS (
          UPDATE messages SET content = $2, status = $3, flagged = $4, prompt_tokens = $5, completion_tokens = $6,
            usage_estimated = $7, finished_at = $8, credits = $13
          WHERE id = $1 AND status = 'in_progress' RETURNING id),
        refunded AS (
          UPDATE message_count_days SET count = count - 1
          WHERE $9::bigint IS NOT NULL AND account_id = $9 AND day = $10 AND count > 0 AND EXISTS (SELECT 1 FROM done))
        INSERT INTO message_sources (message_id, position, document_id, document_name, created_at)
          SELECT d.id, s.ord - 1, s.document_id, s.document_name, $8
          FROM done d, unnest($11::bigint[], $12::text[]) WITH ORDINALITY AS s(document_id, document_name, ord)`, [
        id, o.content, o.status, o.flagged, o.usage?.promptTokens ?? null, o.usage?.completionTokens ?? null,
        o.usage?.estimated ?? false, now, o.refund?.accountId ?? null, o.refund ? dayOf(o.refund.sentAt) : null,
        sources.map((s) => s.documentId), sources.map((s) => s.documentName), o.usage?.credits ?? null,
      ]);
    },
    async sources(messageIds) {
      const out = new Map<number, MessageSource[]>();
      if (!messageIds.length) return out;
      // The page URL comes from the document while it exists; the name was recorded with the reply.
      const { rows } = await pool.query<{
        message_id: number; document_id: number; document_name: string; created_at: number; source_url: string | null;
      }>(`SELECT s.message_id, s.document_id, s.document_name, s.created_at, d.source_url
        FROM message_sources s LEFT JOIN documents d ON d.id = s.document_id
        WHERE s.message_id = ANY($1::bigint[]) ORDER BY s.message_id, s.position`, [messageIds]);
      for (const r of rows) {
        let list = out.get(r.message_id);
        if (!list) out.set(r.message_id, (list = []));
        list.push({ documentId: r.document_id, documentName: r.document_name, documentUrl: r.source_url, createdAt: r.created_at });
      }
      return out;
    },
    async replyTo(accountId, userMessageId) {
      const { rows } = await pool.query<Row>('SELECT * FROM messages WHERE account_id = $1 AND reply_to = $2', [accountId, userMessageId]);
      return rows[0] && toMessage(rows[0]);
    },
    async setFlagged(id) {
      await pool.query('UPDATE messages SET flagged = true WHERE id = $1', [id]);
    },
    async renewLeases(replyIds, until) {
      if (!replyIds.length) return;
      await pool.query(`UPDATE messages SET lease_until = $2 WHERE id = ANY($1::bigint[]) AND status = 'in_progress'`, [replyIds, until]);
    },
    async failExpired(errorText, now, leaseMs) {
      // One statement: the replies fail and their messages go back to the quota, day by day. Rows
      // another process is failing at the same moment are skipped, not waited for and failed twice.
      const { rows } = await pool.query<{ id: number }>(`WITH expired AS (
          SELECT r.id FROM messages r
          WHERE r.status = 'in_progress' AND coalesce(r.lease_until, r.created_at + $4) < $3
          FOR UPDATE SKIP LOCKED),
        failed AS (
          UPDATE messages r SET status = 'failed', content = $1, finished_at = $2
          FROM expired e, messages u WHERE r.id = e.id AND u.id = r.reply_to AND r.status = 'in_progress'
          RETURNING r.id, u.account_id, u.created_at),
        per_day AS (SELECT account_id, floor(created_at / $5::float8)::bigint AS day, count(*) AS n
          FROM failed GROUP BY 1, 2),
        refunded AS (UPDATE message_count_days c SET count = greatest(c.count - p.n, 0)
          FROM per_day p WHERE c.account_id = p.account_id AND c.day = p.day)
        SELECT id FROM failed`, [errorText, Date.now(), now, leaseMs, DAY_MS]);
      return rows.map((r) => Number(r.id));
    },
    async usageTotals(accountId, since) {
      const { rows } = await pool.query<Record<string, number>>(`SELECT
          count(*) FILTER (WHERE NOT machine) AS messages,
          count(*) FILTER (WHERE machine AND status = 'done') AS replies,
          count(*) FILTER (WHERE machine AND status = 'failed') AS failed_replies,
          coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
          coalesce(sum(completion_tokens), 0) AS completion_tokens,
          count(*) FILTER (WHERE usage_estimated) AS estimated_replies
        FROM messages WHERE account_id = $1 AND created_at >= $2`, [accountId, since]);
      const r = rows[0];
      return {
        messages: r.messages, replies: r.replies, failedReplies: r.failed_replies, promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens, estimatedReplies: r.estimated_replies,
      };
    },
    async countInWindow(accountId, now) {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT coalesce(sum(count), 0) AS n FROM message_count_days WHERE account_id = $1 AND day >= $2',
        [accountId, firstDayOfWindow(now)],
      );
      return rows[0].n;
    },
  };
}
