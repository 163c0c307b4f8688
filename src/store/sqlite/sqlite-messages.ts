import type { Message, MessageStatus } from '../../domain/entities.js';
import { dayOf, firstDayOfWindow } from '../quota-window.js';
import type { MessageRepo, ReplyOutcome, SendInput } from '../store.js';
import type { SqliteDb } from './sqlite-database.js';

interface Row {
  id: number; account_id: number; conversation_id: number; content: string; machine: number;
  status: MessageStatus; flagged: number; prompt_tokens: number | null; completion_tokens: number | null;
  created_at: number;
}

const toMessage = (r: Row): Message => ({
  id: r.id, accountId: r.account_id, conversationId: r.conversation_id, content: r.content,
  machine: r.machine === 1, status: r.status, flagged: r.flagged === 1,
  usage: r.prompt_tokens === null && r.completion_tokens === null
    ? null
    : { promptTokens: r.prompt_tokens ?? 0, completionTokens: r.completion_tokens ?? 0 },
  createdAt: r.created_at,
});

export function sqliteMessages(db: SqliteDb): MessageRepo {
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
  const page = db.prepare(`SELECT * ${filtered} ORDER BY id LIMIT ? OFFSET ?`);
  const total = db.prepare(`SELECT count(*) ${filtered}`).pluck();
  const history = db.prepare(`SELECT * FROM messages WHERE conversation_id = ? AND id < ? AND status = 'done'
    ORDER BY id DESC LIMIT ?`);
  const partial = db.prepare(`UPDATE messages SET content = ? WHERE id = ? AND status = 'in_progress'`);
  const finish = db.prepare(`UPDATE messages SET content = ?, status = ?, flagged = ?, prompt_tokens = ?,
    completion_tokens = ?, finished_at = ? WHERE id = ? AND status = 'in_progress'`);
  const stranded = db.prepare(`SELECT r.id, u.account_id, u.created_at FROM messages r
    JOIN messages u ON u.id = r.reply_to WHERE r.status = 'in_progress'`);
  const failStranded = db.prepare(`UPDATE messages SET status = 'failed', content = ?, finished_at = ?
    WHERE status = 'in_progress'`);

  const sendTx = db.transaction((s: SendInput) => {
    if (s.messageLimit !== null && (used.get(s.accountId, firstDayOfWindow(s.createdAt)) as number) >= s.messageLimit) {
      return undefined;
    }
    const user = toMessage(insert.get(s.accountId, s.conversationId, null, s.content, 0, 'done', s.createdAt) as Row);
    const reply = toMessage(insert.get(s.accountId, s.conversationId, user.id, '', 1, 'in_progress', s.createdAt) as Row);
    count.run(s.accountId, dayOf(s.createdAt));
    return { user, reply };
  });
  const finishTx = db.transaction((id: number, o: ReplyOutcome) => {
    const changed = finish.run(
      o.content, o.status, o.flagged ? 1 : 0, o.usage?.promptTokens ?? null, o.usage?.completionTokens ?? null,
      Date.now(), id,
    ).changes;
    if (changed && o.refund) refund.run(o.refund.accountId, dayOf(o.refund.sentAt));
  });
  const partialTx = db.transaction((parts: { id: number; content: string }[]) => {
    for (const p of parts) partial.run(p.content, p.id);
  });
  const failTx = db.transaction((errorText: string) => {
    const rows = stranded.all() as { id: number; account_id: number; created_at: number }[];
    for (const r of rows) refund.run(r.account_id, dayOf(r.created_at));
    return failStranded.run(errorText, Date.now()).changes;
  });

  return {
    async send(input) {
      // IMMEDIATE takes the write lock before reading the count, so the check and the insert
      // are one step even across processes sharing the file.
      return sendTx.immediate(input);
    },
    async get(accountId, id) {
      const r = byId.get(accountId, id) as Row | undefined;
      return r && toMessage(r);
    },
    async list(accountId, filter, { limit, offset }) {
      const c = filter.conversationId ?? null;
      return {
        items: (page.all(accountId, c, c, limit, offset) as Row[]).map(toMessage),
        total: total.get(accountId, c, c) as number,
      };
    },
    async history(conversationId, beforeId, limit) {
      return (history.all(conversationId, beforeId, limit) as Row[]).map(toMessage);
    },
    async savePartial(parts) {
      if (parts.length) partialTx(parts);
    },
    async finishReply(id, outcome) {
      finishTx.immediate(id, outcome);
    },
    async failInProgress(errorText) {
      return failTx.immediate(errorText);
    },
    async countInWindow(accountId, now) {
      return used.get(accountId, firstDayOfWindow(now)) as number;
    },
  };
}
