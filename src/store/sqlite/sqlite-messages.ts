import type { Message, MessageSource, MessageStatus } from '../../domain/entities.js';
import { dayOf, firstDayOfWindow } from '../quota-window.js';
import type { HistoryMessage, MessageRepo, ReplyOutcome, SendInput } from '../store.js';
import type { GroupCommit } from './group-commit.js';
import { pagedQuery } from './paged-query.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row {
  id: number; account_id: number; conversation_id: number; content: string; machine: number;
  status: MessageStatus; flagged: number; prompt_tokens: number | null; completion_tokens: number | null;
  usage_estimated: number; credits: number | null; created_at: number;
}

type HistoryRow = [number, number, string];

const toMessage = (r: Row): Message => ({
  id: r.id, accountId: r.account_id, conversationId: r.conversation_id, content: r.content,
  machine: r.machine === 1, status: r.status, flagged: r.flagged === 1,
  usage: r.prompt_tokens === null && r.completion_tokens === null
    ? null
    : { promptTokens: r.prompt_tokens ?? 0, completionTokens: r.completion_tokens ?? 0, estimated: r.usage_estimated === 1, ...(r.credits !== null && { credits: r.credits }) },
  createdAt: r.created_at,
});

export function sqliteMessages(db: SqliteDb, commits: GroupCommit): MessageRepo {
  const used = db.prepare(
    'SELECT coalesce(sum(count), 0) FROM message_count_days WHERE account_id = ? AND day >= ?',
  ).pluck();
  const insert = db.prepare(`INSERT INTO messages
    (account_id, conversation_id, reply_to, content, machine, status, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const count = db.prepare(`INSERT INTO message_count_days (account_id, day, count) VALUES (?, ?, 1)
    ON CONFLICT (account_id, day) DO UPDATE SET count = count + 1`);
  const refund = db.prepare(
    'UPDATE message_count_days SET count = count - 1 WHERE account_id = ? AND day = ? AND count > 0',
  );
  const byId = db.prepare('SELECT * FROM messages WHERE account_id = ? AND id = ?');
  const filtered = 'FROM messages WHERE account_id = ? AND (? IS NULL OR conversation_id = ?)';
  const list = pagedQuery(db, '*', filtered, toMessage);
  // Read before every reply, up to hundreds of rows: rows as arrays of the three columns a prompt
  // needs cost half as much as Messages made of every column.
  const history = db.prepare(`SELECT id, machine, content FROM messages
    WHERE conversation_id = ? AND id < ? AND status = 'done' ORDER BY id DESC LIMIT ?`).raw(true);
  const partial = db.prepare(`UPDATE messages SET content = ? WHERE id = ? AND status = 'in_progress'`);
  const finish = db.prepare(`UPDATE messages SET content = ?, status = ?, flagged = ?, prompt_tokens = ?,
    completion_tokens = ?, usage_estimated = ?, credits = ?, finished_at = ? WHERE id = ? AND status = 'in_progress'`);
  const replyTo = db.prepare('SELECT * FROM messages WHERE account_id = ? AND reply_to = ?');
  const flag = db.prepare('UPDATE messages SET flagged = 1 WHERE id = ?');
  const addSource = db.prepare(`INSERT INTO message_sources (message_id, position, document_id, document_name, created_at)
    VALUES (?, ?, ?, ?, ?)`);
  // The page URL comes from the document while it exists; the name was recorded with the reply.
  const sourcesOf = db.prepare(`SELECT s.message_id, s.document_id, s.document_name, s.created_at, d.source_url
    FROM message_sources s LEFT JOIN documents d ON d.id = s.document_id
    WHERE s.message_id IN (SELECT value FROM json_each(?)) ORDER BY s.message_id, s.position`);
  const totals = db.prepare(`SELECT
      count(*) FILTER (WHERE machine = 0) AS messages,
      count(*) FILTER (WHERE machine = 1 AND status = 'done') AS replies,
      count(*) FILTER (WHERE machine = 1 AND status = 'failed') AS failed_replies,
      coalesce(sum(prompt_tokens), 0) AS prompt_tokens,
      coalesce(sum(completion_tokens), 0) AS completion_tokens,
      count(*) FILTER (WHERE usage_estimated = 1) AS estimated_replies
    FROM messages WHERE account_id = ? AND created_at >= ?`);
  const expired = db.prepare(`SELECT r.id, u.account_id, u.created_at FROM messages r
    JOIN messages u ON u.id = r.reply_to
    WHERE r.status = 'in_progress' AND coalesce(r.lease_until, r.created_at + ?) < ?`);
  const failOne = db.prepare(`UPDATE messages SET status = 'failed', content = ?, finished_at = ?
    WHERE id = ? AND status = 'in_progress'`);
  const renew = db.prepare(`UPDATE messages SET lease_until = ? WHERE id = ? AND status = 'in_progress'`);

  // Sends, finished replies and checkpoints are committed in groups (group-commit.ts).
  const sendTx = commits.wrap((s: SendInput) => {
    if (s.messageLimit !== null && (used.get(s.accountId, firstDayOfWindow(s.createdAt)) as number) >= s.messageLimit) {
      return undefined;
    }
    const user = toMessage(insert.get(s.accountId, s.conversationId, null, s.content, 0, 'done', s.createdAt) as Row);
    const reply = toMessage(insert.get(s.accountId, s.conversationId, user.id, '', 1, 'in_progress', s.createdAt) as Row);
    count.run(s.accountId, dayOf(s.createdAt));
    return { user, reply };
  });
  const finishTx = commits.wrap((id: number, o: ReplyOutcome) => {
    const changed = finish.run(
      o.content, o.status, o.flagged ? 1 : 0, o.usage?.promptTokens ?? null, o.usage?.completionTokens ?? null,
      o.usage?.estimated ? 1 : 0, o.usage?.credits ?? null, Date.now(), id,
    ).changes;
    if (changed && o.refund) refund.run(o.refund.accountId, dayOf(o.refund.sentAt));
    if (changed) o.sources?.forEach((s, i) => addSource.run(id, i, s.documentId, s.documentName, Date.now()));
  });
  const partialTx = commits.wrap((parts: { id: number; content: string }[]) => {
    for (const p of parts) partial.run(p.content, p.id);
  });
  // In the turn's write transaction: the check and the failure are one step, even across processes sharing the file.
  const failTx = commits.wrap((errorText: string, now: number, leaseMs: number) => {
    const rows = expired.all(leaseMs, now) as { id: number; account_id: number; created_at: number }[];
    const failed: number[] = [];
    for (const r of rows) {
      if (!failOne.run(errorText, Date.now(), r.id).changes) continue;
      refund.run(r.account_id, dayOf(r.created_at));
      failed.push(r.id);
    }
    return failed;
  });
  const renewTx = commits.wrap((replyIds: number[], until: number) => {
    for (const id of replyIds) renew.run(until, id);
  });

  return {
    send(input) {
      // The group's transaction is IMMEDIATE: it takes the write lock before reading the count, so
      // the check and the insert are one step even across processes sharing the file.
      return sendTx(input);
    },
    async get(accountId, id) {
      const r = byId.get(accountId, id) as Row | undefined;
      return r && toMessage(r);
    },
    async list(accountId, filter, page) {
      const c = filter.conversationId ?? null;
      return list([accountId, c, c], page);
    },
    async history(conversationId, beforeId, limit) {
      const rows = history.all(conversationId, beforeId, limit) as HistoryRow[];
      const out = new Array<HistoryMessage>(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, machine, content] = rows[i];
        out[i] = { id, machine: machine === 1, content };
      }
      return out;
    },
    async savePartial(parts) {
      if (parts.length) await partialTx(parts);
    },
    finishReply(id, outcome) {
      return finishTx(id, outcome);
    },
    async sources(messageIds) {
      const out = new Map<number, MessageSource[]>();
      if (!messageIds.length) return out;
      const rows = sourcesOf.all(JSON.stringify(messageIds)) as {
        message_id: number; document_id: number; document_name: string; created_at: number; source_url: string | null;
      }[];
      for (const r of rows) {
        let list = out.get(r.message_id);
        if (!list) out.set(r.message_id, (list = []));
        list.push({ documentId: r.document_id, documentName: r.document_name, documentUrl: r.source_url, createdAt: r.created_at });
      }
      return out;
    },
    async replyTo(accountId, userMessageId) {
      const r = replyTo.get(accountId, userMessageId) as Row | undefined;
      return r && toMessage(r);
    },
    async usageTotals(accountId, since) {
      const r = totals.get(accountId, since) as Record<string, number>;
      return {
        messages: r.messages, replies: r.replies, failedReplies: r.failed_replies, promptTokens: r.prompt_tokens,
        completionTokens: r.completion_tokens, estimatedReplies: r.estimated_replies,
      };
    },
    async setFlagged(id) {
      flag.run(id);
    },
    async renewLeases(replyIds, until) {
      if (replyIds.length) await renewTx(replyIds, until);
    },
    failExpired(errorText, now, leaseMs) {
      return failTx(errorText, now, leaseMs);
    },
    async countInWindow(accountId, now) {
      return used.get(accountId, firstDayOfWindow(now)) as number;
    },
  };
}
