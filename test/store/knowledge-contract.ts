import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/store.js';

/**
 * The store contract's second half: the knowledge base's repositories (folders, documents, import
 * jobs, uploads, bot folders, bot administration) and the message methods replies use besides
 * sending. Registered inside runStoreContract, which makes a fresh store per test.
 */
export function knowledgeContract(current: () => Store): void {
  const store = () => current();
  const all = { limit: 1000, offset: 0 };
  const account = (label = 'acme') => store().accounts.create({ name: label, plan: null, messageLimit: null, createdAt: 1_000 });
  const bot = (accountId: number, name = 'Helper', model: string | null = null, fallbackModel: string | null = null) =>
    store().bots.create(accountId, { name, model, fallbackModel, systemPrompt: null, temperature: null, maxReplyTokens: null }, 2_000);
  const textDoc = async (accountId: number, folderId: number, name: string, at = 5_000) => {
    const r = await store().documents.createWithImport(accountId, { folderId, name, source: 'text', sourceUrl: null }, { kind: 'text', content: `${name} text` }, at);
    if (!r.ok) throw new Error(r.reason);
    return r.document;
  };

  describe('folders', () => {
    it('creates, gets, lists by keyword, renames and checks ids, within the account', async () => {
      const a = await account();
      const b = await account('other');
      const f1 = await store().folders.create(a.id, 'Manuals', 10);
      const f2 = await store().folders.create(a.id, '100% cotton', 11);
      const fb = await store().folders.create(b.id, 'Manuals of B', 12);
      expect(f1).toEqual({ id: expect.any(Number), accountId: a.id, name: 'Manuals', createdAt: 10 });
      expect(await store().folders.get(a.id, f1.id)).toEqual(f1);
      expect(await store().folders.get(b.id, f1.id)).toBeUndefined();
      expect((await store().folders.list(a.id, {}, all)).items.map((f) => f.id)).toEqual([f1.id, f2.id]);
      expect((await store().folders.list(a.id, { keyword: 'MANUAL' }, all)).items.map((f) => f.id)).toEqual([f1.id]);
      expect((await store().folders.list(a.id, { keyword: '%' }, all)).items.map((f) => f.id)).toEqual([f2.id]);
      expect(await store().folders.list(a.id, {}, { limit: 1, offset: 1 })).toEqual({ items: [f2], total: 2 });
      expect(await store().folders.list(a.id, {}, { limit: 1, offset: 9 })).toEqual({ items: [], total: 2 });
      expect(await store().folders.rename(a.id, f1.id, 'Guides')).toEqual({ ...f1, name: 'Guides' });
      expect(await store().folders.rename(b.id, f1.id, 'Stolen')).toBeUndefined();
      expect((await store().folders.get(a.id, f1.id))!.name).toBe('Guides');
      expect(await store().folders.existing(a.id, [f2.id, fb.id, f1.id, f1.id + 1000])).toEqual([f1.id, f2.id]);
      expect(await store().folders.existing(a.id, [])).toEqual([]);
    });
  });

  describe('bot folders and bot administration', () => {
    it('sets and lists the folders a bot reads', async () => {
      const a = await account();
      const h = await bot(a.id);
      const f1 = await store().folders.create(a.id, 'one', 1);
      const f2 = await store().folders.create(a.id, 'two', 2);
      expect(await store().botFolders.list(h.id)).toEqual([]);
      await store().botFolders.set(h.id, [f2.id, f1.id, f2.id]);
      expect(await store().botFolders.list(h.id)).toEqual([f1.id, f2.id]);
      await store().botFolders.set(h.id, [f2.id]);
      expect(await store().botFolders.list(h.id)).toEqual([f2.id]);
      await store().botFolders.set(h.id, []);
      expect(await store().botFolders.list(h.id)).toEqual([]);
    });

    it('finds and patches a bot by id alone, leaving unnamed fields as they were', async () => {
      const a = await account();
      const h = await store().bots.create(a.id, {
        name: 'Tutor', model: 'gpt-x', fallbackModel: 'small', systemPrompt: 'Be brief.', temperature: 0.5, maxReplyTokens: 100,
      }, 3);
      expect(await store().botAdmin.find(h.id)).toEqual(h);
      expect(await store().botAdmin.find(h.id + 1000)).toBeUndefined();
      const patched = await store().botAdmin.update(h.id, { model: 'gpt-y', temperature: null });
      expect(patched).toEqual({ ...h, model: 'gpt-y', temperature: null });
      expect(await store().bots.get(a.id, h.id)).toEqual(patched);
      expect(await store().botAdmin.update(h.id + 1000, { name: 'x' })).toBeUndefined();
    });

    it('names every model some bot uses, main or fallback, once', async () => {
      const a = await account();
      await bot(a.id, 'one', 'gpt-x', 'small');
      await bot(a.id, 'two', 'gpt-x');
      await bot(a.id, 'three');
      expect((await store().bots.modelsInUse()).sort()).toEqual(['gpt-x', 'small']);
    });
  });

  describe('documents and import jobs', () => {
    it('stores a syncing document with its job; a worker claims it once and finishes it', async () => {
      const a = await account();
      const f = await store().folders.create(a.id, 'f', 1);
      const d = await textDoc(a.id, f.id, 'Notes', 5_000);
      expect(d).toEqual({
        id: expect.any(Number), accountId: a.id, folderId: f.id, name: 'Notes', source: 'text', sourceUrl: null,
        status: 'syncing', failureReason: null, createdAt: 5_000,
      });
      expect(await store().documents.get(a.id, d.id)).toEqual(d);
      expect(await store().documents.content(a.id, d.id)).toBeNull();

      const counts = await store().importJobs.countByState();
      const job = await store().importJobs.claimNext(6_000);
      const claimed = await store().importJobs.countByState();
      expect([claimed.queued ?? 0, claimed.running]).toEqual([counts.queued - 1, (counts.running ?? 0) + 1]);
      expect(job).toEqual({ id: expect.any(Number), accountId: a.id, documentId: d.id, payload: { kind: 'text', content: 'Notes text' }, attempts: 1 });
      expect(await store().importJobs.claimNext(6_001)).toBeUndefined();
      // A stopped process's running job (a claim without a lease) goes back to the queue and counts its next attempt.
      expect(await store().importJobs.requeueExpired(6_001)).toBe(1);
      expect((await store().importJobs.claimNext(6_002))!.attempts).toBe(2);

      expect(await store().documents.finishImport(d.id, { status: 'synced', content: 'the text', name: 'Renamed' }, 7_000)).toBe(true);
      expect(await store().documents.get(a.id, d.id)).toMatchObject({ status: 'synced', name: 'Renamed', failureReason: null });
      expect(await store().documents.content(a.id, d.id)).toBe('the text');
      expect(await store().importJobs.requeueExpired(1e15)).toBe(0);
      expect(await store().importJobs.claimNext(7_001)).toBeUndefined();

      const other = await textDoc(a.id, f.id, 'Broken');
      await store().importJobs.claimNext(8_000);
      expect(await store().documents.finishImport(other.id, { status: 'failed', reason: 'unreadable' }, 8_001)).toBe(true);
      expect(await store().documents.get(a.id, other.id)).toMatchObject({ status: 'failed', failureReason: 'unreadable', name: 'Broken' });
      expect(await store().documents.finishImport(other.id + 1000, { status: 'failed', reason: 'x' }, 1)).toBe(false);
    });

    it('claims the oldest queued job first', async () => {
      const a = await account();
      const f = await store().folders.create(a.id, 'f', 1);
      const first = await textDoc(a.id, f.id, 'first');
      const second = await textDoc(a.id, f.id, 'second');
      expect((await store().importJobs.claimNext(1))!.documentId).toBe(first.id);
      expect((await store().importJobs.claimNext(1))!.documentId).toBe(second.id);
    });

    it('leases a claimed job to its process: queued again only once the lease runs out unrenewed', async () => {
      const a = await account();
      const f = await store().folders.create(a.id, 'f', 1);
      const live = await textDoc(a.id, f.id, 'live');
      const dead = await textDoc(a.id, f.id, 'dead');
      const liveJob = (await store().importJobs.claimNext(1_000, 2_000))!;
      expect(liveJob.documentId).toBe(live.id);
      expect((await store().importJobs.claimNext(1_000, 2_000))!.documentId).toBe(dead.id);
      await store().importJobs.renewLeases([liveJob.id], 5_000);
      await store().importJobs.renewLeases([], 9_999);
      expect(await store().importJobs.requeueExpired(1_500)).toBe(0);
      expect(await store().importJobs.requeueExpired(2_500)).toBe(1);
      expect(await store().importJobs.claimNext(2_600, 3_600)).toMatchObject({ documentId: dead.id, attempts: 2 });
      expect(await store().importJobs.requeueExpired(4_000)).toBe(1); // the second claim's lease, unrenewed
      expect(await store().importJobs.requeueExpired(4_000)).toBe(0);
      expect(await store().importJobs.requeueExpired(5_001)).toBe(1); // the renewed one, once its renewal ran out
    });

    it('refuses past the pending limit of the given kinds, storing nothing', async () => {
      const a = await account();
      const f = await store().folders.create(a.id, 'f', 1);
      const limit = { kinds: ['webpage' as const], max: 1 };
      const page = (url: string) => store().documents.createWithImport(a.id, { folderId: f.id, name: url, source: 'webpage', sourceUrl: url },
        { kind: 'webpage', url }, 1, limit);
      expect((await page('https://a.example/'))).toMatchObject({ ok: true, document: { sourceUrl: 'https://a.example/' } });
      expect(await page('https://b.example/')).toEqual({ ok: false, reason: 'too_many_pending' });
      // Jobs of other kinds do not count against a limit.
      expect((await store().documents.createWithImport(a.id, { folderId: f.id, name: 't', source: 'text', sourceUrl: null },
        { kind: 'text', content: 'x' }, 1, { kinds: ['text', 'file'], max: 1 })).ok).toBe(true);
      expect((await store().documents.list(a.id, {}, all)).total).toBe(2);
    });

    it('lists by folder, conversation focus and keyword; checks ids against folders', async () => {
      const a = await account();
      const b = await account('other');
      const f1 = await store().folders.create(a.id, 'one', 1);
      const f2 = await store().folders.create(a.id, 'two', 2);
      const d1 = await textDoc(a.id, f1.id, 'Alpha notes');
      const d2 = await textDoc(a.id, f2.id, 'beta_notes');
      const d3 = await textDoc(a.id, f2.id, 'Alphabet');
      const h = await bot(a.id);
      const c = await store().conversations.create(a.id, { name: 'c', botId: h.id, documentIds: [d3.id, d1.id] }, 1);
      const ids = async (filter: Parameters<Store['documents']['list']>[1]) => (await store().documents.list(a.id, filter, all)).items.map((d) => d.id);
      expect(await ids({})).toEqual([d1.id, d2.id, d3.id]);
      expect(await ids({ folderId: f2.id })).toEqual([d2.id, d3.id]);
      expect(await ids({ conversationId: c.id })).toEqual([d1.id, d3.id]);
      expect(await ids({ keyword: 'ALPHA' })).toEqual([d1.id, d3.id]);
      expect(await ids({ keyword: '_' })).toEqual([d2.id]);
      expect(await ids({ folderId: f2.id, keyword: 'alpha' })).toEqual([d3.id]);
      expect((await store().documents.list(b.id, {}, all)).total).toBe(0);
      expect(await store().documents.list(a.id, {}, { limit: 1, offset: 2 })).toEqual({ items: [expect.objectContaining({ id: d3.id })], total: 3 });
      expect(await store().documents.inFolders(a.id, [d3.id, d1.id, d2.id + 1000], [f1.id, f2.id])).toEqual([d1.id, d3.id]);
      expect(await store().documents.inFolders(a.id, [d1.id, d2.id], [f2.id])).toEqual([d2.id]);
      expect(await store().documents.inFolders(b.id, [d1.id], [f1.id])).toEqual([]);
      expect(await store().documents.get(b.id, d1.id)).toBeUndefined();
      expect(await store().documents.content(b.id, d1.id)).toBeUndefined();
    });

    it('deletes a document with its job and its place in conversations, within the account', async () => {
      const a = await account();
      const b = await account('other');
      const f = await store().folders.create(a.id, 'f', 1);
      const d = await textDoc(a.id, f.id, 'Doomed');
      const h = await bot(a.id);
      const c = await store().conversations.create(a.id, { name: 'c', botId: h.id, documentIds: [d.id] }, 1);
      expect(await store().documents.delete(b.id, d.id)).toBe(false);
      expect(await store().documents.delete(a.id, d.id)).toBe(true);
      expect(await store().documents.delete(a.id, d.id)).toBe(false);
      expect(await store().documents.get(a.id, d.id)).toBeUndefined();
      expect((await store().conversations.get(a.id, c.id, { withDocumentIds: true }))!.documentIds).toEqual([]);
      expect(await store().importJobs.claimNext(1)).toBeUndefined();
    });
  });

  describe('uploads', () => {
    const upload = (accountId: number, key: string, expiresAt = 10_000) => store().uploads.create({
      key, accountId, fileName: 'a.pdf', contentType: 'application/pdf', createdAt: 1_000, expiresAt,
    });

    it('gives one PUT per upload, records its size, and shows it only to its account', async () => {
      const a = await account();
      const b = await account('other');
      await upload(a.id, 'k1');
      const u = await store().uploads.get(a.id, 'k1');
      expect(u).toEqual({
        key: 'k1', accountId: a.id, fileName: 'a.pdf', contentType: 'application/pdf', createdAt: 1_000, expiresAt: 10_000,
        putAt: null, size: null, usedAt: null,
      });
      expect(await store().uploads.get(b.id, 'k1')).toBeUndefined();
      expect(await store().uploads.claimPut('k1', 2_000, 0)).toEqual({ ...u, putAt: 2_000 });
      expect(await store().uploads.claimPut('k1', 2_001, 0)).toBeUndefined();
      expect(await store().uploads.claimPut('nothing', 2_001, 0)).toBeUndefined();
      await store().uploads.completePut('k1', 12_345);
      expect((await store().uploads.get(a.id, 'k1'))!.size).toBe(12_345);
      // A completed PUT is never claimed again, however old.
      expect(await store().uploads.claimPut('k1', 99_000, 98_000)).toBeUndefined();
    });

    it('lets a PUT be claimed again once the one before was released or went stale unfinished', async () => {
      const a = await account();
      await upload(a.id, 'k2');
      expect(await store().uploads.claimPut('k2', 2_000, 0)).toMatchObject({ putAt: 2_000 });
      // Still within its time: taken.
      expect(await store().uploads.claimPut('k2', 2_500, 1_999)).toBeUndefined();
      // Older than the bound (its process died mid-body): claimed anew.
      expect(await store().uploads.claimPut('k2', 5_000, 2_001)).toMatchObject({ putAt: 5_000 });
      // Released by the PUT that failed: claimed at once; a stale release (another claim's time) does nothing.
      await store().uploads.releasePut('k2', 4_000);
      expect(await store().uploads.claimPut('k2', 5_100, 0)).toBeUndefined();
      await store().uploads.releasePut('k2', 5_000);
      expect(await store().uploads.claimPut('k2', 5_200, 0)).toMatchObject({ putAt: 5_200 });
    });

    it('makes one document of an upload, then lists it as abandoned once no job holds it', async () => {
      const a = await account();
      const f = await store().folders.create(a.id, 'f', 1);
      await upload(a.id, 'used');
      await upload(a.id, 'expired', 5_000);
      await upload(a.id, 'fresh', 50_000);
      const file = { kind: 'file' as const, key: 'used', fileName: 'a.pdf', contentType: 'application/pdf' };
      const doc = { folderId: f.id, name: 'a.pdf', source: 'file' as const, sourceUrl: null };
      const made = await store().documents.createWithImport(a.id, doc, file, 6_000);
      expect(made.ok).toBe(true);
      expect(await store().documents.createWithImport(a.id, doc, file, 6_001)).toEqual({ ok: false, reason: 'upload_used' });
      expect((await store().uploads.get(a.id, 'used'))!.usedAt).toBe(6_000);
      const claimed = await store().importJobs.claimNext(6_002);
      expect(claimed!.payload).toEqual(file);

      // Held by its running job: only the expired, never-used upload is abandoned.
      expect(await store().uploads.abandoned(20_000, 10)).toEqual(['expired']);
      await store().documents.finishImport(made.ok ? made.document.id : 0, { status: 'synced', content: 'x' }, 7_000);
      expect((await store().uploads.abandoned(20_000, 10)).sort()).toEqual(['expired', 'used']);
      expect(await store().uploads.abandoned(20_000, 1)).toHaveLength(1);
      expect(await store().uploads.abandoned(5_500, 10)).toEqual(['expired']);
      await store().uploads.forget(['expired', 'used']);
      expect(await store().uploads.get(a.id, 'used')).toBeUndefined();
      expect(await store().uploads.abandoned(20_000, 10)).toEqual([]);
      expect((await store().uploads.get(a.id, 'fresh'))!.key).toBe('fresh');
      await store().uploads.forget([]);
    });
  });

  describe('messages beyond sending', () => {
    async function exchange() {
      const a = await account();
      const h = await bot(a.id);
      const c = await store().conversations.create(a.id, { name: 'c', botId: h.id }, 1);
      const sent = (await store().messages.send({ accountId: a.id, conversationId: c.id, content: 'q', createdAt: Date.now(), messageLimit: null }))!;
      return { a, c, sent };
    }

    it('records sources in order and shows them with the page URL while the document exists', async () => {
      const { a, sent } = await exchange();
      const f = await store().folders.create(a.id, 'f', 1);
      const page = await store().documents.createWithImport(a.id, { folderId: f.id, name: 'Page', source: 'webpage', sourceUrl: 'https://p.example/' },
        { kind: 'webpage', url: 'https://p.example/' }, 1);
      const pageId = page.ok ? page.document.id : 0;
      await store().messages.finishReply(sent.reply.id, {
        content: 'a', status: 'done', usage: null, flagged: false,
        sources: [{ documentId: pageId, documentName: 'Page' }, { documentId: pageId + 1000, documentName: 'Gone doc' }],
      });
      const sources = await store().messages.sources([sent.reply.id, sent.user.id]);
      expect([...sources.keys()]).toEqual([sent.reply.id]);
      expect(sources.get(sent.reply.id)).toEqual([
        { documentId: pageId, documentName: 'Page', documentUrl: 'https://p.example/', createdAt: expect.any(Number) },
        { documentId: pageId + 1000, documentName: 'Gone doc', documentUrl: null, createdAt: expect.any(Number) },
      ]);
      expect((await store().messages.sources([])).size).toBe(0);
    });

    it('finds the reply to a message, flags it, and adds up usage', async () => {
      const { a, sent } = await exchange();
      const other = await account('other');
      expect((await store().messages.replyTo(a.id, sent.user.id))!.id).toBe(sent.reply.id);
      expect(await store().messages.replyTo(other.id, sent.user.id)).toBeUndefined();
      await store().messages.setFlagged(sent.reply.id);
      expect((await store().messages.get(a.id, sent.reply.id))!.flagged).toBe(true);
      await store().messages.finishReply(sent.reply.id, {
        content: 'a', status: 'done', usage: { promptTokens: 10, completionTokens: 4, estimated: true }, flagged: true,
      });
      expect((await store().messages.get(a.id, sent.reply.id))!.usage).toEqual({ promptTokens: 10, completionTokens: 4, estimated: true });
      expect(await store().messages.history(sent.user.conversationId, sent.reply.id + 1, 10)).toEqual([
        { id: sent.reply.id, machine: true, content: 'a' }, { id: sent.user.id, machine: false, content: 'q' },
      ]);
      expect(await store().messages.usageTotals(a.id, 0)).toEqual({
        messages: 1, replies: 1, failedReplies: 0, promptTokens: 10, completionTokens: 4, estimatedReplies: 1,
      });
      expect(await store().messages.usageTotals(a.id, Date.now() + 60_000)).toEqual({
        messages: 0, replies: 0, failedReplies: 0, promptTokens: 0, completionTokens: 0, estimatedReplies: 0,
      });
    });
  });
}
