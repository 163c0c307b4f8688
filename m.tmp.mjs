import { createSqliteStore } from '/work/main/dist/store/sqlite/sqlite-store.js';
import { rmSync } from 'node:fs';
rmSync('/tmp/m4', { recursive: true, force: true });
const s = createSqliteStore('/tmp/m4/p.db');
if (process.argv[2] === 'noauto') s.db.pragma('wal_autocheckpoint = 0');
const now = Date.now();
const acc = await s.accounts.create({ name: 'a', plan: null, messageLimit: null, createdAt: now });
const bot = await s.bots.create(acc.id, { name: 'b', model: null }, now);
const conv = await s.conversations.create(acc.id, { name: 'c', botId: bot.id }, now);
const times = [];
for (let i = 0; i < 20000; i++) {
  const t = performance.now();
  const x = await s.messages.send({ accountId: acc.id, conversationId: conv.id, content: 'hello there '.repeat(8), createdAt: Date.now(), messageLimit: null });
  await s.messages.finishReply(x.reply.id, { content: 'reply '.repeat(40), status: 'done', usage: null, flagged: false });
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.floor(p * (times.length - 1))].toFixed(3);
console.log('p50', q(0.5), 'p99', q(0.99), 'p99.9', q(0.999), 'max', q(1), 'ms; >2ms:', times.filter((t) => t > 2).length);
