import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';
import { knowledgeContract } from './knowledge-contract.js';

const DAY = 86_400_000;

/**
 * The behaviour every Store adapter must have, all eleven repositories (the knowledge base's in
 * knowledge-contract.ts). `makeStore` gives a fresh, migrated, empty store
 * for each test; the suite closes it afterwards.
 */
export function runStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    const account = (messageLimit: number | null = null, label = 'acme') =>
      store.accounts.create({ name: label, plan: messageLimit === null ? null : 'custom', messageLimit, createdAt: 1_000 });
    const bot = (accountId: number, botName = 'Helper') =>
      store.bots.create(accountId, { name: botName, model: null, systemPrompt: null, temperature: null, maxReplyTokens: null }, 2_000);
    const all = { limit: 1000, offset: 0 };

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('accounts', () => {
      it('creates, gets, lists and counts accounts', async () => {
        const a = await store.accounts.create({ name: 'A', plan: 'free', messageLimit: 100, createdAt: 1_234 });
        const b = await store.accounts.create({ name: 'B', plan: null, messageLimit: null, createdAt: 5_678 });
        expect(a).toEqual({ id: expect.any(Number), name: 'A', plan: 'free', messageLimit: 100, createdAt: 1_234 });
        expect(b.id).toBeGreaterThan(a.id);
        expect(await store.accounts.get(a.id)).toEqual(a);
        expect(await store.accounts.get(b.id + 1000)).toBeUndefined();
        expect(await store.accounts.list()).toEqual([a, b]);
        expect(await store.accounts.count()).toBe(2);
      });
    });

    describe('API keys', () => {
      it('finds a key by its prefix', async () => {
        const a = await account();
        const k = await store.apiKeys.create({ accountId: a.id, name: 'ci', prefix: 'AbCdEfGhIj', hash: 'f'.repeat(64), createdAt: 3_000 });
        expect(k).toEqual({
          id: expect.any(Number), accountId: a.id, name: 'ci', prefix: 'AbCdEfGhIj', hash: 'f'.repeat(64),
          createdAt: 3_000, lastUsedAt: null, revokedAt: null,
        });
        expect(await store.apiKeys.findByPrefix('AbCdEfGhIj')).toEqual(k);
        expect(await store.apiKeys.findByPrefix('abcdefghij')).toBeUndefined();
        expect(await store.apiKeys.findByPrefix('nothing')).toBeUndefined();
      });

      it('refuses a second key with the same prefix', async () => {
        const a = await account();
        await store.apiKeys.create({ accountId: a.id, name: null, prefix: 'SamePrefix', hash: 'a'.repeat(64), createdAt: 1 });
        await expect(store.apiKeys.create({ accountId: a.id, name: null, prefix: 'SamePrefix', hash: 'b'.repeat(64), createdAt: 2 }))
          .rejects.toThrow();
      });

      it('touches, revokes once, and lists by account', async () => {
        const a = await account();
        const b = await account(null, 'other');
        const k1 = await store.apiKeys.create({ accountId: a.id, name: null, prefix: 'Prefix0001', hash: 'a'.repeat(64), createdAt: 1 });
        const k2 = await store.apiKeys.create({ accountId: a.id, name: 'two', prefix: 'Prefix0002', hash: 'b'.repeat(64), createdAt: 2 });
        await store.apiKeys.create({ accountId: b.id, name: null, prefix: 'Prefix0003', hash: 'c'.repeat(64), createdAt: 3 });

        await store.apiKeys.touch(k1.id, 10_000);
        expect((await store.apiKeys.findByPrefix('Prefix0001'))!.lastUsedAt).toBe(10_000);

        const revoked = await store.apiKeys.revoke(k2.id, 20_000);
        expect(revoked).toMatchObject({ id: k2.id, revokedAt: 20_000 });
        // Revoking again keeps the first time.
        expect((await store.apiKeys.revoke(k2.id, 30_000))!.revokedAt).toBe(20_000);
        expect((await store.apiKeys.findByPrefix('Prefix0002'))!.revokedAt).toBe(20_000);
        expect(await store.apiKeys.revoke(k2.id + 1000, 1)).toBeUndefined();

        const listed = await store.apiKeys.listByAccount(a.id);
        expect(listed.map((k) => k.id)).toEqual([k1.id, k2.id]);
        expect(listed[0].lastUsedAt).toBe(10_000);
        expect(await store.apiKeys.listByAccount(b.id + 1000)).toEqual([]);
      });
    });

    describe('bots', () => {
      it('stores a bot with its settings, visible only to its account', async () => {
        const a = await account();
        const b = await account(null, 'other');
        const created = await store.bots.create(a.id, {
          name: 'Tutor', model: 'gpt-x', systemPrompt: 'Be brief.', temperature: 0.3, maxReplyTokens: 512,
        }, 4_000);
        expect(created).toMatchObject({
          id: expect.any(Number), accountId: a.id, name: 'Tutor', model: 'gpt-x', systemPrompt: 'Be brief.',
          temperature: 0.3, maxReplyTokens: 512, createdAt: 4_000,
        });
        expect(await store.bots.get(a.id, created.id)).toEqual(created);
        expect(await store.bots.get(b.id, created.id)).toBeUndefined();
        expect(await store.bots.get(a.id, created.id + 1000)).toBeUndefined();
      });

      it('lists by keyword (case-insensitive, % and _ literal) and pages', async () => {
        const a = await account();
        const b = await account(null, 'other');
        for (const n of ['Alpha', 'beta', '50% off', 'snake_case', 'Alphabet', 'snakeXcase']) await bot(a.id, n);
        await bot(b.id, 'Alpha of B');

        const names = async (keyword: string | undefined, page = all) =>
          (await store.bots.list(a.id, { keyword }, page)).items.map((x) => x.name);
        expect(await names(undefined)).toEqual(['Alpha', 'beta', '50% off', 'snake_case', 'Alphabet', 'snakeXcase']);
        expect(await names('ALPHA')).toEqual(['Alpha', 'Alphabet']);
        expect(await names('%')).toEqual(['50% off']);
        expect(await names('_')).toEqual(['snake_case']);
        expect(await names('e_c')).toEqual(['snake_case']);
        expect(await names('zzz')).toEqual([]);
        const page = await store.bots.list(a.id, {}, { limit: 2, offset: 2 });
        expect(page.items.map((x) => x.name)).toEqual(['50% off', 'snake_case']);
        expect(page.total).toBe(6);
        expect(await store.bots.list(a.id, { keyword: 'alpha' }, { limit: 1, offset: 5 })).toEqual({ items: [], total: 2 });
        const newest = await store.bots.list(a.id, {}, { limit: 2, offset: 1, newestFirst: true });
        expect(newest.items.map((x) => x.name)).toEqual(['Alphabet', 'snake_case']);
        expect(newest.total).toBe(6);
      });
    });

    describe('conversations', () => {
      it('creates with document ids (deduplicated), shown only when asked for', async () => {
        const a = await account();
        const h = await bot(a.id);
        const c = await store.conversations.create(a.id, { name: 'Chat', botId: h.id, documentIds: [5, 3, 5] }, 7_000);
        expect(c).toMatchObject({ id: expect.any(Number), accountId: a.id, botId: h.id, name: 'Chat', createdAt: 7_000 });
        const plain = await store.conversations.get(a.id, c.id);
        expect(plain).toEqual({ id: c.id, accountId: a.id, botId: h.id, name: 'Chat', createdAt: 7_000 });
        expect((await store.conversations.get(a.id, c.id, { withDocumentIds: true }))!.documentIds).toEqual([3, 5]);
        const none = await store.conversations.create(a.id, { name: 'Bare', botId: h.id }, 7_001);
        expect((await store.conversations.get(a.id, none.id, { withDocumentIds: true }))!.documentIds).toEqual([]);
      });

      it('reads a conversation with its bot in one step, within the account', async () => {
        const a = await account();
        const other = await account(null, 'other');
        const h = await bot(a.id);
        const c = await store.conversations.create(a.id, { name: 'Chat', botId: h.id }, 7_000);
        expect(await store.conversations.withBot(a.id, c.id)).toEqual({
          conversation: await store.conversations.get(a.id, c.id), bot: await store.bots.get(a.id, h.id), folderIds: [],
        });
        const f2 = await store.folders.create(a.id, 'second', 2);
        const f1 = await store.folders.create(a.id, 'first', 1);
        await store.botFolders.set(h.id, [f2.id, f1.id]);
        expect((await store.conversations.withBot(a.id, c.id))!.folderIds).toEqual([f1.id, f2.id].sort((x, y) => x - y));
        expect(await store.conversations.withBot(other.id, c.id)).toBeUndefined();
        expect(await store.conversations.withBot(a.id, c.id + 1000)).toBeUndefined();
      });

      it('lists by bot and keyword, with document ids on request, and pages', async () => {
        const a = await account();
        const b = await account(null, 'other');
        const h1 = await bot(a.id);
        const h2 = await bot(a.id, 'Second');
        const hb = await bot(b.id);
        const c1 = await store.conversations.create(a.id, { name: 'Paris trip', botId: h1.id, documentIds: [9] }, 1);
        const c2 = await store.conversations.create(a.id, { name: 'Budget', botId: h2.id }, 2);
        const c3 = await store.conversations.create(a.id, { name: 'paris again', botId: h2.id, documentIds: [1, 2] }, 3);
        await store.conversations.create(b.id, { name: 'Paris of B', botId: hb.id }, 4);

        const ids = async (filter: Parameters<Store['conversations']['list']>[1], page = all) =>
          (await store.conversations.list(a.id, filter, page)).items.map((c) => c.id);
        expect(await ids({})).toEqual([c1.id, c2.id, c3.id]);
        expect(await ids({ botId: h2.id })).toEqual([c2.id, c3.id]);
        expect(await ids({ keyword: 'PARIS' })).toEqual([c1.id, c3.id]);
        expect(await ids({ keyword: 'paris', botId: h2.id })).toEqual([c3.id]);
        expect(await ids({ botId: hb.id })).toEqual([]);
        const page = await store.conversations.list(a.id, {}, { limit: 2, offset: 1 });
        expect(page.items.map((c) => c.id)).toEqual([c2.id, c3.id]);
        expect(page.total).toBe(3);
        expect(page.items[0].documentIds).toBeUndefined();
        const withDocs = await store.conversations.list(a.id, { withDocumentIds: true }, all);
        expect(withDocs.items.map((c) => c.documentIds)).toEqual([[9], [], [1, 2]]);
      });

      it('updates name, bot and (when given) document ids, within the account', async () => {
        const a = await account();
        const b = await account(null, 'other');
        const h1 = await bot(a.id);
        const h2 = await bot(a.id, 'Second');
        const c = await store.conversations.create(a.id, { name: 'Old', botId: h1.id, documentIds: [1] }, 1);

        const kept = await store.conversations.update(a.id, c.id, { name: 'New', botId: h2.id });
        expect(kept).toMatchObject({ id: c.id, name: 'New', botId: h2.id, createdAt: 1, documentIds: [1] });
        const replaced = await store.conversations.update(a.id, c.id, { name: 'New', botId: h2.id, documentIds: [4, 2] });
        expect(replaced!.documentIds).toEqual([2, 4]);
        expect((await store.conversations.get(a.id, c.id, { withDocumentIds: true }))!.documentIds).toEqual([2, 4]);
        await store.conversations.update(a.id, c.id, { name: 'New', botId: h2.id, documentIds: [] });
        expect((await store.conversations.get(a.id, c.id, { withDocumentIds: true }))!.documentIds).toEqual([]);

        expect(await store.conversations.update(b.id, c.id, { name: 'Stolen', botId: h1.id })).toBeUndefined();
        expect(await store.conversations.update(a.id, c.id + 1000, { name: 'x', botId: h1.id })).toBeUndefined();
        expect((await store.conversations.get(a.id, c.id))!.name).toBe('New');
        expect(await store.conversations.get(b.id, c.id)).toBeUndefined();
      });

      it('deletes a conversation with its messages and document ids, within the account', async () => {
        const a = await account();
        const b = await account(null, 'other');
        const h = await bot(a.id);
        const c = await store.conversations.create(a.id, { name: 'Doomed', botId: h.id, documentIds: [1] }, 1);
        const keep = await store.conversations.create(a.id, { name: 'Kept', botId: h.id }, 1);
        const sent = await store.messages.send({ accountId: a.id, conversationId: c.id, content: 'q', createdAt: Date.now(), messageLimit: null });
        const other = await store.messages.send({ accountId: a.id, conversationId: keep.id, content: 'q', createdAt: Date.now(), messageLimit: null });

        expect(await store.conversations.delete(b.id, c.id)).toBe(false);
        expect(await store.conversations.get(a.id, c.id)).toBeDefined();
        expect(await store.conversations.delete(a.id, c.id)).toBe(true);
        expect(await store.conversations.delete(a.id, c.id)).toBe(false);
        expect(await store.conversations.get(a.id, c.id)).toBeUndefined();
        expect(await store.messages.get(a.id, sent!.user.id)).toBeUndefined();
        expect(await store.messages.get(a.id, sent!.reply.id)).toBeUndefined();
        expect((await store.messages.list(a.id, {}, all)).items.map((m) => m.id)).toEqual([other!.user.id, other!.reply.id]);
        expect((await store.conversations.list(a.id, { withDocumentIds: true }, all)).items.map((x) => x.documentIds)).toEqual([[]]);
      });
    });

    describe('messages', () => {
      async function conversation(messageLimit: number | null = null) {
        const a = await account(messageLimit);
        const h = await bot(a.id);
        const c = await store.conversations.create(a.id, { name: 'Chat', botId: h.id }, 1);
        const send = (content: string, createdAt = Date.now()) =>
          store.messages.send({ accountId: a.id, conversationId: c.id, content, createdAt, messageLimit });
        return { a, c, send };
      }

      it('stores the user message and an empty in-progress reply, and counts it', async () => {
        const { a, c, send } = await conversation();
        const now = Date.now();
        const sent = (await send('Hello?', now))!;
        expect(sent.user).toEqual({
          id: expect.any(Number), accountId: a.id, conversationId: c.id, content: 'Hello?', machine: false,
          status: 'done', flagged: false, usage: null, createdAt: now,
        });
        expect(sent.reply).toMatchObject({ conversationId: c.id, content: '', machine: true, status: 'in_progress', flagged: false });
        expect(sent.reply.id).toBeGreaterThan(sent.user.id);
        expect(await store.messages.get(a.id, sent.user.id)).toEqual(sent.user);
        expect(await store.messages.countInWindow(a.id, now)).toBe(1);
      });

      it('refuses to send past the limit in the rolling 30-day window, storing nothing', async () => {
        const { a, c, send } = await conversation(2);
        const now = Date.now();
        // Sent 31 days ago: outside the window, so it does not count.
        expect(await send('old', now - 31 * DAY)).toBeDefined();
        expect(await store.messages.countInWindow(a.id, now)).toBe(0);
        expect(await send('one', now - 29 * DAY)).toBeDefined();
        expect(await send('two', now)).toBeDefined();
        expect(await store.messages.countInWindow(a.id, now)).toBe(2);
        expect(await send('three', now)).toBeUndefined();
        const listed = await store.messages.list(a.id, { conversationId: c.id }, all);
        expect(listed.total).toBe(6);
        expect(listed.items.filter((m) => !m.machine).map((m) => m.content)).toEqual(['old', 'one', 'two']);
        expect(await store.messages.countInWindow(a.id, now)).toBe(2);
        // A day later the message sent 29 days ago has left the window.
        expect(await store.messages.countInWindow(a.id, now + DAY)).toBe(1);
      });

      it('counts each account on its own', async () => {
        const first = await conversation(1);
        const second = await conversation(1);
        expect(await first.send('a')).toBeDefined();
        expect(await second.send('b')).toBeDefined();
        expect(await first.send('c')).toBeUndefined();
        expect(await store.messages.countInWindow(second.a.id, Date.now())).toBe(1);
      });

      it('finishes a reply once, with usage, and refunds when asked', async () => {
        const { a, send } = await conversation(1);
        const sent = (await send('q'))!;
        await store.messages.savePartial([{ id: sent.reply.id, content: 'Hal' }]);
        expect((await store.messages.get(a.id, sent.reply.id))!.content).toBe('Hal');
        await store.messages.finishReply(sent.reply.id, {
          content: 'Hallo', status: 'done', usage: { promptTokens: 7, completionTokens: 2 }, flagged: true,
        });
        const done = await store.messages.get(a.id, sent.reply.id);
        expect(done).toMatchObject({ content: 'Hallo', status: 'done', flagged: true, usage: { promptTokens: 7, completionTokens: 2 } });
        // A finished reply is final: later partials and finishes change nothing.
        await store.messages.savePartial([{ id: sent.reply.id, content: 'X' }]);
        await store.messages.finishReply(sent.reply.id, { content: 'again', status: 'failed', usage: null, flagged: false });
        expect(await store.messages.get(a.id, sent.reply.id)).toEqual(done);
        expect(await send('over')).toBeUndefined();

        // A refunded failure gives the message back to the quota.
        const { a: a2, send: send2 } = await conversation(1);
        const failed = (await send2('q'))!;
        await store.messages.finishReply(failed.reply.id, {
          content: 'upstream down', status: 'failed', usage: null, flagged: false,
          refund: { accountId: a2.id, sentAt: failed.user.createdAt },
        });
        expect(await store.messages.get(a2.id, failed.reply.id)).toMatchObject({ status: 'failed', content: 'upstream down' });
        expect(await store.messages.countInWindow(a2.id, Date.now())).toBe(0);
        // Refunding a reply that is already finished does not refund twice.
        await store.messages.finishReply(failed.reply.id, {
          content: 'x', status: 'failed', usage: null, flagged: false, refund: { accountId: a2.id, sentAt: failed.user.createdAt },
        });
        expect(await send2('retry')).toBeDefined();
        expect(await store.messages.countInWindow(a2.id, Date.now())).toBe(1);
      });

      it('gives history newest first, before a message, without failed or unfinished replies', async () => {
        const { c, send } = await conversation();
        const finish = (id: number, content: string, status: 'done' | 'failed') =>
          store.messages.finishReply(id, { content, status, usage: null, flagged: false });
        const s1 = (await send('q1'))!;
        await finish(s1.reply.id, 'a1', 'done');
        const s2 = (await send('q2'))!;
        await finish(s2.reply.id, 'boom', 'failed');
        const s3 = (await send('q3'))!; // left in progress
        const s4 = (await send('q4'))!;

        const contents = async (beforeId: number, limit = 100) =>
          (await store.messages.history(c.id, beforeId, limit)).map((m) => m.content);
        expect(await contents(s4.reply.id)).toEqual(['q4', 'q3', 'q2', 'a1', 'q1']);
        expect(await contents(s4.user.id)).toEqual(['q3', 'q2', 'a1', 'q1']);
        expect(await contents(s4.user.id, 2)).toEqual(['q3', 'q2']);
        expect(await contents(s1.user.id)).toEqual([]);
        expect(s3.reply.status).toBe('in_progress');
      });

      it('fails, refunding them, the replies in progress whose lease ran out, and only those', async () => {
        const lease = 10_000;
        const { a, send } = await conversation(5);
        const s1 = (await send('q1'))!; // never renewed: its lease runs from its creation
        const s2 = (await send('q2'))!;
        await store.messages.finishReply(s2.reply.id, { content: 'fine', status: 'done', usage: null, flagged: false });
        const s3 = (await send('q3'))!; // renewed by its (live) process
        const s4 = (await send('q4'))!; // renewed, then its process died
        const now = Date.now();
        await store.messages.renewLeases([s3.reply.id, s2.reply.id], now + 3 * lease);
        await store.messages.renewLeases([s4.reply.id], now + lease / 2);
        await store.messages.renewLeases([], now);
        expect(await store.messages.countInWindow(a.id, now)).toBe(4);

        // Within every lease: nothing fails.
        expect(await store.messages.failExpired('interrupted', now + lease / 4, lease)).toEqual([]);
        expect((await store.messages.failExpired('interrupted', now + lease * 1.5, lease)).sort((x, y) => x - y))
          .toEqual([s1.reply.id, s4.reply.id]);
        for (const s of [s1, s4]) {
          expect(await store.messages.get(a.id, s.reply.id)).toMatchObject({ status: 'failed', content: 'interrupted' });
        }
        expect((await store.messages.get(a.id, s2.reply.id))!.status).toBe('done');
        expect((await store.messages.get(a.id, s3.reply.id))!.status).toBe('in_progress');
        expect(await store.messages.countInWindow(a.id, now)).toBe(2);
        expect(await store.messages.failExpired('again', now + lease * 1.5, lease)).toEqual([]);
        // A failed reply is not renewed back to life, and its owner's late outcome changes nothing.
        await store.messages.renewLeases([s1.reply.id], now + 10 * lease);
        await store.messages.finishReply(s1.reply.id, { content: 'late', status: 'done', usage: null, flagged: false });
        expect(await store.messages.get(a.id, s1.reply.id)).toMatchObject({ status: 'failed', content: 'interrupted' });
        expect(await store.messages.countInWindow(a.id, now)).toBe(2);
      });

      it('fails each expired reply once when several processes look at the same moment', async () => {
        const { send } = await conversation();
        const sent = await Promise.all([1, 2, 3, 4, 5].map((i) => send(`q${i}`)));
        const later = Date.now() + 60_000;
        const found = await Promise.all([1, 2, 3].map(() => store.messages.failExpired('gone', later, 1_000)));
        expect(found.flat().sort((x, y) => x - y)).toEqual(sent.map((s) => s!.reply.id).sort((x, y) => x - y));
      });

      it('lists and gets messages only within the account', async () => {
        const first = await conversation();
        const second = await conversation();
        const s1 = (await first.send('mine'))!;
        const s2 = (await second.send('theirs'))!;
        expect(await store.messages.get(second.a.id, s1.user.id)).toBeUndefined();
        expect(await store.messages.get(first.a.id, s2.reply.id)).toBeUndefined();
        expect((await store.messages.list(first.a.id, {}, all)).items.map((m) => m.id)).toEqual([s1.user.id, s1.reply.id]);
        expect(await store.messages.list(first.a.id, { conversationId: second.c.id }, all)).toEqual({ items: [], total: 0 });
        const page = await store.messages.list(first.a.id, { conversationId: first.c.id }, { limit: 1, offset: 1 });
        expect(page).toEqual({ items: [expect.objectContaining({ id: s1.reply.id })], total: 2 });
        const newest = await store.messages.list(first.a.id, { conversationId: first.c.id }, { ...all, newestFirst: true });
        expect(newest.items.map((m) => m.id)).toEqual([s1.reply.id, s1.user.id]);
      });
    });

    knowledgeContract(() => store);
  });
}
