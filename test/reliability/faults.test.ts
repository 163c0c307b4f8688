import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseParser } from '../../src/shared/sse-parser.js';
import { decodeId } from '../../src/transport/public-ids.js';
import { newConversation } from '../support/sse-reader.js';
import { formEnv, type FormEnv } from './support/store-form.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { Failures, record, sized, sleep } from './support/figures.js';
import { FAULTS, FaultyOpenAi, rng, type Fault } from './support/faulty-openai.js';
import { rawRequest } from './support/raw-http.js';

const REPLIES = Number(process.env.RELIABILITY_FAULT_REPLIES ?? sized(160, 600));
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 8;

/** Resources of this process by kind (timers, sockets, ...), as Node counts them. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * Connections open to the store's PostgreSQL database (none on SQLite): the store's and the
 * retriever's pools. A pool that grew during the run keeps its extra connections until their idle
 * timeout (10 s), each a socket and a timer, which are the pool's, not a leak.
 */
async function databaseConnections(parley: RunningParley): Promise<number> {
  const { pool } = parley.app.store as { pool?: { query(sql: string): Promise<{ rows: { n: number }[] }> } };
  if (!pool) return 0;
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()');
  return rows[0].n;
}

describe(`fault injection on the model (${REPLIES} replies, seed ${SEED})`, () => {
  let upstream: FaultyOpenAi;
  let parley: RunningParley;
  let t: Tenant;
  const random = rng(SEED);
  let asked = 0;

  let form: FormEnv | undefined;

  beforeAll(async () => {
    upstream = await new FaultyOpenAi().start();
    form = await formEnv('faults');
    parley = await startParley({
      ...form.env, LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LLM_FIRST_TOKEN_TIMEOUT: '400ms', LLM_IDLE_TIMEOUT: '400ms',
      LLM_TIMEOUT: '8s', LLM_MAX_RETRIES: '1', LLM_RETRY_MAX_WAIT: '50ms', LLM_CONTEXT_TOKENS: '4096',
    });
    t = await parley.tenant();
  }, 60_000);
  afterAll(async () => {
    await parley?.stop();
    await upstream?.stop();
    await form?.cleanup();
  });

  /** One reply, blocking or streamed; the failures it showed. */
  async function oneReply(conversation: string, stream: boolean, failures: Failures): Promise<string | undefined> {
    const auth = { authorization: `Bearer ${t.key}`, 'content-type': 'application/json', connection: 'close' };
    const body = Buffer.from(JSON.stringify({ content: `question ${++asked}`, conversation_id: conversation, redirect: false }));
    if (!stream) {
      const r = await rawRequest(parley.url, 'POST', '/api/v1/messages', auth, body, 30_000).catch((e: Error) => e);
      if (r instanceof Error) return void failures.add(`POST /messages: ${r.message}`);
      failures.check(r.status === 200 || r.status === 500, () => `POST /messages: ${r.status} ${r.body.slice(0, 200)}`);
      const reply = r.status === 200 ? JSON.parse(r.body).data : undefined;
      if (r.status === 200) failures.check(typeof reply?.content === 'string', () => `POST /messages 200 without content: ${r.body.slice(0, 200)}`);
      return reply?.id;
    }
    const started = await rawRequest(parley.url, 'POST', '/api/v1/messages/stream', auth, body, 10_000).catch((e: Error) => e);
    if (started instanceof Error) return void failures.add(`POST /messages/stream: ${started.message}`);
    if (started.status !== 200) return void failures.add(`POST /messages/stream: ${started.status} ${started.body.slice(0, 200)}`);
    const data = JSON.parse(started.body).data as { stream_url: string; reply_id: string };
    const read = await rawRequest(parley.url, 'GET', new URL(data.stream_url).pathname, { connection: 'close' }, undefined, 30_000).catch((e: Error) => e);
    if (read instanceof Error) return void failures.add(`stream ${data.reply_id}: ${read.message}`);
    const events = new SseParser().push(read.body + '\n\n');
    failures.check(events.at(-1)?.data === '[END]', () => `stream ${data.reply_id} did not end with [END]: ${read.body.slice(-200)}`);
    failures.check(events[0]?.data === '[START]', () => `stream ${data.reply_id} did not start with [START]`);
    const text = events.filter((e) => e.event === 'message' && e.data !== '[START]' && e.data !== '[END]').map((e) => JSON.parse(e.data).chunk).join('');
    const failed = events.some((e) => e.event === 'failure');
    const stored = await parley.app.store.messages.get(t.account.id, decodeId('message', data.reply_id)!);
    if (stored?.status === 'done' && !failed) failures.check(stored.content === text, () => `stream ${data.reply_id}: streamed text differs from the stored reply`);
    return data.reply_id;
  }

  it('ends every reply and every stream, leaves nothing in progress, and gives back its memory, timers and sockets', async () => {
    const failures = new Failures();
    // Warm-up without faults, so the baselines include what a running server keeps (pools, caches, compiled code).
    upstream.next = () => ({ fault: 'none', at: 0, length: 5 });
    const conversations = await Promise.all(Array.from({ length: CONCURRENCY }, () => newConversation(t)));
    for (let i = 0; i < 10; i++) await oneReply(conversations[i % CONCURRENCY], i % 2 === 0, failures);
    upstream.dropConnections();
    await sleep(300);
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const resourcesBefore = resources();
    const connectionsBefore = await databaseConnections(parley);

    upstream.injected.clear();
    upstream.next = () => ({
      fault: FAULTS[Math.floor(random() * FAULTS.length)] as Fault, at: Math.floor(random() * 40), length: 1 + Math.floor(random() * 40),
    });
    const replyIds: string[] = [];
    let done = 0;
    await Promise.all(conversations.map(async (conversation) => {
      while (done < REPLIES) {
        done++;
        const id = await oneReply(conversation, random() < 0.5, failures);
        if (id) replyIds.push(id);
      }
    }));

    for (let i = 0; i < 200 && parley.app.generations.activeCount > 0; i++) await sleep(50);
    failures.check(parley.app.generations.activeCount === 0, () => `${parley.app.generations.activeCount} replies still being generated after the run`);
    // Every reply of the run, those POST /messages answered 500 for included: ended, stored complete or failed.
    let replies = 0;
    for (const conversation of conversations) {
      const { items } = await parley.app.store.messages.list(t.account.id, { conversationId: decodeId('conversation', conversation)! }, { limit: 10_000, offset: 0 });
      items.forEach((m, i) => {
        if (!m.machine) return;
        replies++;
        const question = items[i - 1]?.content ?? '';
        failures.check(m.status !== 'in_progress', () => `the reply to "${question}" (fault ${upstream.faultOf.get(question)}) is ${m.status} after the run`);
      });
    }
    failures.check(replies === done + 10, () => `${done + 10} messages sent, ${replies} replies stored`);

    upstream.dropConnections();
    await sleep(500);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const resourcesAfter = resources();
    const grown = (heapAfter - heapBefore) / 1024 / 1024;
    failures.check(grown < 16, () => `the heap grew by ${grown.toFixed(1)} MB over the run`);
    const poolGrowth = Math.max(0, await databaseConnections(parley) - connectionsBefore);
    for (const kind of ['Timeout', 'TCPSocketWrap', 'TCPWrap', 'Immediate']) {
      const before = resourcesBefore.get(kind) ?? 0;
      const after = resourcesAfter.get(kind) ?? 0;
      const pools = kind === 'Timeout' || kind === 'TCPSocketWrap' ? poolGrowth : 0;
      failures.check(after <= before + pools, () => `${after - before} more ${kind} after the run than before (${before} → ${after}` +
        `${pools ? `, of which the database pools' ${pools} new idle connections may hold ${pools}` : ''})`);
    }
    const faults = [...upstream.injected].filter(([f]) => f !== 'none').reduce((n, [, c]) => n + c, 0);
    record({
      suite: 'faults', cases: done, faults, failures: failures.count,
      notes: [`seed ${SEED}; ${upstream.injected.size} kinds of fault; heap ${grown >= 0 ? '+' : ''}${grown.toFixed(1)} MB after the run; ${poolGrowth} more database connections; resources before ${JSON.stringify(Object.fromEntries(resourcesBefore))}, after ${JSON.stringify(Object.fromEntries(resourcesAfter))}`, ...failures.sample()],
    });
    expect(failures.sample(20)).toEqual([]);
  }, 1_200_000);
});
