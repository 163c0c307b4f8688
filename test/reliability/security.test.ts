import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/transport/public-ids.js';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { readSse, newConversation, sendForStream } from '../support/sse-reader.js';
import { formEnv, type FormEnv } from './support/store-form.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { Failures, record, sized, sleep } from './support/figures.js';
import { routeTable } from '../support/route-table.js';
import { settle } from './support/settle.js';
import { watchStore } from './support/store-snapshot.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** How many other characters each position of a token is changed to (16 in a full run). */
const ALTERNATES = sized(4, 16);

/** Every token that differs from `token` in exactly one character: each position, `n` other values. */
function oneCharChanges(token: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < token.length; i++) {
    const at = B64URL.indexOf(token[i]);
    for (let k = 1; k <= n && k < B64URL.length; k++) {
      const c = B64URL[(Math.max(at, 0) + k * 17) % B64URL.length];
      if (c !== token[i]) out.push(token.slice(0, i) + c + token.slice(i + 1));
    }
    out.push(token.slice(0, i) + token.slice(i + 1)); // a byte less
  }
  return out;
}

describe('security: isolation matrix, altered capability URLs, replay past expiry, rate limits', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let a: Tenant;
  let b: Tenant;
  const ids: Record<'conversation' | 'message' | 'folder' | 'document', { a: string; b: string }> = {} as never;
  const failures = new Failures();
  // Each test fails on its own findings; the report counts them all.
  beforeEach(() => {
    failures.list.length = 0;
  });
  let total = 0;
  afterEach(() => {
    total += failures.count;
  });
  let cases = 0;

  const forms: FormEnv[] = [];
  /** A Parley on the form under test, with `env`. */
  const startOnForm = async (label: string, env: Record<string, string>) => {
    const form = await formEnv(label);
    forms.push(form);
    return startParley({ ...form.env, ...env });
  };

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    parley = await startOnForm('security', { LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm' });
    a = await parley.tenant();
    b = await parley.tenant();
    const made = { a: {} as Record<string, string>, b: {} as Record<string, string> };
    for (const [t, m] of [[a, made.a], [b, made.b]] as const) {
      m.conversation = await newConversation(t);
      m.message = (await sendForStream(t, m.conversation, 'hi')).reply_id;
      m.folder = (await t.api('POST', '/folders', { name: 'f' })).json.data.id;
      m.document = (await t.api('POST', '/documents', { name: 'd', folder_id: m.folder, content: 'B secret text' })).json.data.id;
    }
    for (const kind of ['conversation', 'message', 'folder', 'document'] as const) ids[kind] = { a: made.a[kind], b: made.b[kind] };
  }, 60_000);
  afterAll(async () => {
    record({ suite: 'security', cases, failures: total });
    await parley?.stop();
    await upstream?.stop();
    for (const form of forms) await form.cleanup();
  });

  it('answers every route, called with another account\'s id, exactly as for an unknown id, and changes nothing', async () => {
    const commits = await watchStore(parley.config.databaseUrl);
    // The setup's replies and imports finish in the background; what they write is not the routes' doing.
    await settle(parley, commits);
    const missing = (kind: 'conversation' | 'message' | 'folder' | 'document') => encodeId(kind, 987_654_321);
    const kindOf = (path: string) => (/\/api\/v1\/(conversation|message|folder|document)s\/:id/.exec(path)?.[1]) as keyof typeof ids | undefined;
    /** A body valid in every other respect, so that only the id can be why it is refused. */
    const bodyFor = (method: string, kind: string) =>
      method !== 'POST' ? undefined : kind === 'conversation' ? { name: 'taken', bot_id: a.botId } : kind === 'folder' ? { name: 'taken' } : {};
    const routes = routeTable(parley.app.server).filter((r) => kindOf(r.path));
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const route of routes) {
      const kind = kindOf(route.path)!;
      const before = await commits.version();
      const call = (id: string) => request(`${parley.url}${route.path.replace(':id', id)}`, route.method, bodyFor(route.method, kind), { authorization: `Bearer ${a.key}` });
      const forB = await call(ids[kind].b);
      const forNobody = await call(missing(kind));
      cases += 2;
      failures.check(forB.status === 404 && forNobody.status === 404, () => `${route.method} ${route.path}: ${forB.status} for B's id, ${forNobody.status} for an unknown one`);
      failures.check(JSON.stringify(forB.json) === JSON.stringify(forNobody.json), () => `${route.method} ${route.path}: ${forB.text} vs ${forNobody.text}`);
      failures.check(!/secret/.test(forB.text), () => `${route.method} ${route.path} shows B's data`);
      failures.check((await commits.version()) === before, () => `${route.method} ${route.path} with B's id changed the store`);
    }
    // Ids of another account in a query or a body: like unknown ones too.
    const missingBody = (field: string, id: string) => ({ name: 'x', bot_id: a.botId, content: 'x', folder_id: ids.folder.a, conversation_id: ids.conversation.a, [field]: id });
    const indirect: [string, string, (id: string) => [string, unknown]][] = [
      ['GET', 'conversation', (id) => [`/messages?conversation_id=${id}`, undefined]],
      ['GET', 'conversation', (id) => [`/documents?conversation_id=${id}`, undefined]],
      ['GET', 'folder', (id) => [`/documents?folder_id=${id}`, undefined]],
      ['POST', 'conversation', (id) => ['/messages', missingBody('conversation_id', id)]],
      ['POST', 'conversation', (id) => ['/messages/stream', missingBody('conversation_id', id)]],
      ['POST', 'folder', (id) => ['/documents', missingBody('folder_id', id)]],
      ['POST', 'document', (id) => ['/conversations', { name: 'x', bot_id: a.botId, document_ids: [id] }]],
    ];
    for (const [method, kind, make] of indirect) {
      const before = await commits.version();
      const [pathB, bodyB] = make(ids[kind as keyof typeof ids].b);
      const [pathN, bodyN] = make(missing(kind as 'conversation' | 'folder' | 'document'));
      const forB = await a.api(method, pathB, bodyB);
      const forNobody = await a.api(method, pathN, bodyN);
      cases += 2;
      failures.check(forB.status === forNobody.status && JSON.stringify(forB.json) === JSON.stringify(forNobody.json),
        () => `${method} ${pathB}: ${forB.status} ${forB.text.slice(0, 100)} vs ${forNobody.status} ${forNobody.text.slice(0, 100)}`);
      failures.check(!/secret/.test(forB.text), () => `${method} ${pathB} shows B's data`);
      if (forB.status >= 400) failures.check((await commits.version()) === before, () => `${method} ${pathB} with B's id changed the store`);
    }
    await commits.close();
    expect(failures.sample(20)).toEqual([]);
  });

  it('refuses every one-character change of a stream token, and the token itself still works', async () => {
    const conversation = await newConversation(a);
    const { stream_url: url } = await sendForStream(a, conversation, 'token');
    const token = new URL(url).pathname.split('/').pop()!;
    for (const altered of oneCharChanges(token, ALTERNATES)) {
      const r = await request(`${parley.url}/stream/${altered}`, 'GET');
      cases++;
      failures.check(r.status === 404, () => `stream token altered to ${altered}: ${r.status} ${r.text.slice(0, 80)}`);
    }
    const real = await readSse(url);
    failures.check(real.status === 200 && real.events.at(-1)?.data === '[END]', () => `the real stream token: ${real.status}`);
    expect(failures.sample(20)).toEqual([]);
  }, 600_000);

  it('refuses every one-character change of an upload URL without using it up, then takes the real one once', async () => {
    const signed = (await a.api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' })).json.data;
    const token = new URL(signed.url).pathname.split('/').pop()!;
    const put = (t: string) => request(`${parley.url}/uploads/${t}`, 'PUT', 'file text', { 'content-type': 'text/plain' });
    for (const altered of oneCharChanges(token, ALTERNATES)) {
      const r = await put(altered);
      cases++;
      failures.check(r.status === 403 || r.status === 404, () => `upload token altered to ${altered}: ${r.status} ${r.text.slice(0, 80)}`);
    }
    const real = await put(token);
    failures.check(real.status === 200, () => `the real upload URL after the altered ones: ${real.status} ${real.text}`);
    const again = await put(token);
    failures.check(again.status === 403, () => `the upload URL a second time: ${again.status}`);
    cases += 2;
    expect(failures.sample(20)).toEqual([]);
  }, 600_000);

  it('refuses a stream URL and an upload URL replayed past their expiry', async () => {
    const short = await startOnForm('expiry', { LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', STREAM_URL_TTL: '1s', UPLOAD_URL_TTL: '1s' });
    try {
      await replayPastExpiry(short, await short.tenant());
    } finally {
      await short.stop();
    }
    expect(failures.sample(20)).toEqual([]);
  });

  it('holds each key to RATE_LIMIT: 429 with Retry-After on every route past the burst, other keys untouched', async () => {
    const limited = await startOnForm('rate', { LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', RATE_LIMIT: '20/1m' });
    try {
      const [x, y] = [await limited.tenant(), await limited.tenant()];
      const conversation = await newConversation(x);
      const calls: [string, string, unknown?][] = [
        ['GET', '/bots'], ['GET', '/conversations'], ['POST', '/conversations', { name: 'n', bot_id: x.botId }],
        ['POST', '/messages', { content: 'hi', conversation_id: conversation }], ['GET', `/messages?conversation_id=${conversation}`],
        ['POST', '/messages/stream', { content: 'hi', conversation_id: conversation, redirect: false }], ['GET', '/folders'],
        ['POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' }],
      ];
      let ok = 0;
      let refused = 0;
      // Concurrent, so that the burst is spent at once: 19 are left after newConversation's request.
      const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => x.api(...(calls[i % calls.length] as [string, string, unknown?]))));
      for (const r of answers) {
        if (r.status === 429) {
          refused++;
          const after = Number(r.headers.get('retry-after'));
          failures.check(Number.isInteger(after) && after >= 1 && after <= 60, () => `429 with Retry-After ${r.headers.get('retry-after')}`);
          failures.check(typeof r.json?.message === 'string' && Object.keys(r.json).length === 1, () => `429 body ${r.text}`);
        } else if (r.status < 300) ok++;
        else failures.add(`a call within the limit answered ${r.status} ${r.text.slice(0, 120)}`);
      }
      // 19 left of the burst, and one more a 3 s refill, should the calls take that long on a slow machine.
      failures.check(ok >= 19 && ok <= 20 && ok + refused === 60, () => `RATE_LIMIT 20/1m let ${ok} of 60 calls through (19 expected), refused ${refused}`);
      const other = await y.api('GET', '/bots');
      failures.check(other.status === 200, () => `another key, while the first is held: ${other.status}`);
      cases += 61;
    } finally {
      await limited.stop();
    }
    expect(failures.sample(20)).toEqual([]);
  });

  async function replayPastExpiry(parley: RunningParley, a: Tenant) {
    const conversation = await newConversation(a);
    const { stream_url: url } = await sendForStream(a, conversation, 'expiry');
    const signed = (await a.api('POST', '/uploads/signed-url', { file_name: 'b.txt', content_type: 'text/plain' })).json.data;
    const fresh = await readSse(url);
    failures.check(fresh.status === 200, () => `a fresh stream URL: ${fresh.status}`);
    await sleep(1_300);
    const late = await request(url, 'GET');
    failures.check(late.status === 410, () => `a stream URL past its expiry: ${late.status}`);
    const lateResume = await request(url, 'GET', undefined, { 'last-event-id': '0' });
    failures.check(lateResume.status === 410, () => `a stream URL past its expiry, resumed: ${lateResume.status}`);
    const latePut = await request(signed.url.replace(/^https?:\/\/[^/]+/, parley.url), 'PUT', 'x', { 'content-type': 'text/plain' });
    failures.check(latePut.status === 403 && /expired/.test(latePut.json?.message ?? ''), () => `an upload URL past its expiry: ${latePut.status} ${latePut.text}`);
    cases += 4;
  }
});
