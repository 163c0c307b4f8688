import { createSqliteStore } from '/work/main/dist/store/sqlite/sqlite-store.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/m3', { recursive: true, force: true });
const s = createSqliteStore('/tmp/m3/p.db');
const db = s.db;
const now = Date.now();
const acc = await s.accounts.create({ name: 'a', plan: null, messageLimit: null, createdAt: now });
const bot = await s.bots.create(acc.id, { name: 'b', model: null }, now);
const convs = [];
for (let i = 0; i < 64; i++) convs.push((await s.conversations.create(acc.id, { name: 'c', botId: bot.id }, now)).id);
const ins = db.prepare(`INSERT INTO messages (account_id, conversation_id, reply_to, content, machine, status, created_at) VALUES (?, ?, NULL, ?, ?, 'done', ?)`);
db.transaction(() => { for (let r = 0; r < 40; r++) for (const c of convs) ins.run(acc.id, c, 'x'.repeat(100) + r, r % 2, now); })();
const solo = (await s.conversations.create(acc.id, { name: 'c', botId: bot.id }, now)).id;
db.transaction(() => { for (let r = 0; r < 40; r++) ins.run(acc.id, solo, 'x'.repeat(100) + r, r % 2, now); })();
const time = async (name, n, f) => { for (let i = 0; i < 200; i++) await f(i); const t = performance.now(); for (let i = 0; i < n; i++) await f(i); console.log(name, ((performance.now() - t) * 1000 / n).toFixed(1), 'µs'); };
await time('history interleaved 40', 5000, (i) => s.messages.history(convs[i % 64], 1e9, 200));
await time('history contiguous 40', 5000, () => s.messages.history(solo, 1e9, 200));
db.exec(`CREATE INDEX cover ON messages(conversation_id, id, status, machine, content, account_id, flagged, prompt_tokens, completion_tokens, usage_estimated, created_at)`);
const s2 = createSqliteStore('/tmp/m3/p.db');
await time('covering interleaved 40', 5000, (i) => s2.messages.history(convs[i % 64], 1e9, 200));
const raw = s2.db.prepare(`SELECT id, machine, content FROM messages WHERE conversation_id = ? AND id < ? AND status = 'done' ORDER BY id DESC LIMIT ?`).raw(true);
await time('raw 3 cols, covering', 5000, (i) => raw.all(convs[i % 64], 1e9, 200));
console.log(s2.db.prepare(`EXPLAIN QUERY PLAN SELECT id, account_id, content, machine, flagged, prompt_tokens, completion_tokens,
    usage_estimated, created_at FROM messages WHERE conversation_id = ? AND id < ? AND status = 'done'
    ORDER BY id DESC LIMIT ?`).all(1,1,1));
