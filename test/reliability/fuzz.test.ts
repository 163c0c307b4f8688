import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation, sendForStream } from '../support/sse-reader.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { Failures, record, sized } from './support/figures.js';
import { describeVariation, headerVariation, variedNames, type HeaderVariation } from './support/fuzz-headers.js';
import { rawRequest, type RawResponse } from './support/raw-http.js';
import { socketRequest, type HeaderLine } from './support/raw-socket.js';
import { routeTable } from '../support/route-table.js';
import { settle } from './support/settle.js';
import { watchStore, type StoreWatch } from './support/store-snapshot.js';
import { formEnv, type FormEnv } from './support/store-form.js';
import { urlBuildingTarget, type OwnIds } from './support/url-building-targets.js';

/** The statuses README's error table documents (and the successes); anything else is a failure. */
const DOCUMENTED = new Set([200, 204, 302, 400, 401, 402, 403, 404, 410, 413, 414, 415, 422, 429]);
const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? sized(10_000, 20_000));
/** Answers that hand out a URL built from the request: pagination links, stream and upload URLs. */
const HANDS_OUT_URL = /"(?:previous|next|stream_url|url|content_url|document_url)":"/;

/** Bytes no UTF-8 decoder accepts, a lone surrogate's WTF-8, a NUL, an overlong slash. */
const BAD_BYTES = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x00], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]];
const pct = (bytes: number[]) => bytes.map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

describe(`fuzzing every endpoint over HTTP (${RUNS} cases)`, () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let a: Tenant;
  let b: Tenant;
  const own: Record<string, string> = {};
  const other: Record<string, string> = {};
  let commits: StoreWatch;
  let form: FormEnv;

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: ['fuzzed', ' reply'], usage: { prompt_tokens: 3, completion_tokens: 2 } };
    // On the form under test: SQLite in its folder, or a PostgreSQL database of its own and Redis.
    form = await formEnv('fuzz');
    // TRUST_PROXY on, so that junk X-Forwarded-Host/-Proto reach the URLs Parley hands out; a case
    // without them is served as with it off (Host, and the socket's own address and protocol).
    parley = await startParley({ LLM_BASE_URL: upstream.baseUrl, LLM_MODEL: 'm', LOG_LEVEL: 'silent', TRUST_PROXY: 'true', ...form.env });
    a = await parley.tenant();
    b = await parley.tenant();
    for (const [t, ids] of [[a, own], [b, other]] as const) {
      // Two of each kind that lists (bots aside), so that a page of one has links to build.
      ids.conversation2 = await newConversation(t);
      ids.conversation = await newConversation(t);
      ids.folder2 = (await t.api('POST', '/folders', { name: 'f2' })).json.data.id;
      ids.folder = (await t.api('POST', '/folders', { name: 'f' })).json.data.id;
      ids.document2 = (await t.api('POST', '/documents', { name: 'd2', folder_id: ids.folder, content: 'other text' })).json.data.id;
      ids.document = (await t.api('POST', '/documents', { name: 'd', folder_id: ids.folder, content: 'some text' })).json.data.id;
      const sent = await sendForStream(t, ids.conversation, 'hello');
      ids.message = sent.message_id;
      ids.token = new URL(sent.stream_url).pathname.split('/').pop()!;
      ids.upload = new URL((await t.api('POST', '/uploads/signed-url', { file_name: 'a.txt', content_type: 'text/plain' })).json.data.url).pathname.split('/').pop()!;
      ids.bot = t.botId;
    }
    commits = await watchStore(parley.config.databaseUrl);
    await settle(parley, commits);
  }, 60_000);
  afterAll(async () => {
    await commits?.close();
    await parley?.stop();
    await upstream?.stop();
    await form?.cleanup();
  });

  it('answers every case with a documented status, in the error shape, and changes nothing when it refuses', async () => {
    const routes = [...routeTable(parley.app.server), { method: 'GET', path: '/stream/:token' }, { method: 'PUT', path: '/uploads/:token' }];
    expect(routes.length).toBeGreaterThan(20);

    const fieldNames = ['name', 'bot_id', 'conversation_id', 'folder_id', 'content', 'url', 'key', 'file_name', 'content_type',
      'document_ids', 'redirect', 'includes'];
    const text = fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) }, // lone surrogates included
      { weight: 1, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff x', '', ' ', '😀'.repeat(2001), 'x'.repeat(2001)) },
      { weight: 1, arbitrary: fc.constantFrom(...Object.values(own), ...Object.values(other), 'https://example.com/', 'http://127.0.0.1/') },
    );
    const leaf = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-1), fc.constant(2 ** 53));
    const value = fc.oneof({ weight: 5, arbitrary: leaf }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), leaf, { maxKeys: 3 }) });
    const jsonObject = fc.dictionary(fc.oneof(fc.constantFrom(...fieldNames), fc.string({ maxLength: 8 })), value, { maxKeys: 6 });

    const body = fc.oneof(
      { weight: 15, arbitrary: fc.constant(undefined) },
      { weight: 40, arbitrary: jsonObject.map((o) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(o)) })) },
      { weight: 5, arbitrary: fc.jsonValue().map((v) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(v) ?? 'null') })) },
      { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...fieldNames), fc.constantFrom(...BAD_BYTES)).map(([k, bad]) => ({
        type: 'application/json', bytes: Buffer.concat([Buffer.from(`{"${k}":"a`), Buffer.from(bad), Buffer.from('b"}')]) })) },
      { weight: 5, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => ({ type: 'application/json', bytes: Buffer.from('['.repeat(depth) + ']'.repeat(depth)) })) },
      { weight: 5, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((depth) => ({ type: 'application/json', bytes: Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) })) },
      { weight: 5, arbitrary: jsonObject.map((o) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify(o).slice(0, -1)) })) },
      { weight: 5, arbitrary: fc.constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=latin1', 'application/octet-stream', '', ';;;')
        .chain((type) => jsonObject.map((o) => ({ type, bytes: Buffer.from(JSON.stringify(o)) }))) },
      { weight: 5, arbitrary: fc.array(fc.tuple(fc.constantFrom(...fieldNames, 'document_ids[]'), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 4 })
        .map((pairs) => ({ type: 'application/x-www-form-urlencoded', bytes: Buffer.from(pairs.map(([k, v]) => `${k}=${encodeURIComponent(Buffer.from(v).toString())}`).join('&') + '&bad=' + pct([0xff])) })) },
      // 1 MB strings: in a field, and as a whole body.
      { weight: 5, arbitrary: fc.constantFrom(...fieldNames).map((k) => ({ type: 'application/json', bytes: Buffer.from(JSON.stringify({ [k]: 'é'.repeat(512 * 1024) })) })) },
      { weight: 1, arbitrary: fc.constant({ type: 'application/json', bytes: Buffer.alloc(3 * 1024 * 1024, 0x20) }) },
    );
    const id = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...Object.values(own)) },
      { weight: 3, arbitrary: fc.constantFrom(...Object.values(other)) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
      { weight: 1, arbitrary: fc.constantFrom(...BAD_BYTES).map(pct) },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(1100), '0', '-1', '%2e%2e', '..', 'bnVsbA', 'e30', 'W10', 'MQ', '%20') },
      { weight: 2, arbitrary: fc.tuple(fc.constantFrom(own.token, own.upload), fc.nat(300), fc.constantFrom(...'AZaz09-_+/=%.'))
        .map(([t, i, c]) => encodeURIComponent(t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1))) },
    );
    const queryValue = fc.oneof(id, fc.constantFrom('-1', '0', '1', '100', '101', '1e3', '99999999999999999999', 'NaN', '', 'sources,usage', 'document_ids', 'usage,x'),
      fc.constantFrom(...BAD_BYTES).map(pct));
    const anyQuery = fc.array(fc.tuple(fc.constantFrom('page', 'per_page', 'keyword', 'includes', 'conversation_id', 'bot_id', 'folder_id', 'page[]', 'x'), queryValue), { maxLength: 4 })
      .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));
    // Pages of one of lists of two or more: pages with links to the next and the previous.
    const query = fc.oneof({ weight: 4, arbitrary: anyQuery },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom('1', '2', '3'), anyQuery).map(([p, q]) => `?per_page=1&page=${p}${q.replace('?', '&')}`) });
    const headerText = fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./09:;<=>?@AZaz[\\]^_`{|}~\t'), maxLength: 60 });
    const auth = fc.oneof(
      { weight: 8, arbitrary: fc.constant('own') },
      { weight: 1, arbitrary: fc.constantFrom('none', 'Bearer', 'Bearer ', `Basic ${Buffer.from('a:b').toString('base64')}`, 'bearer KEY', 'Bearer KEYx', 'Bearer parley_0000') },
      { weight: 1, arbitrary: headerText.map((h) => `Bearer ${h}`) },
    );
    const method = fc.oneof({ weight: 9, arbitrary: fc.constant('route') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE') });
    const extraHeaders = fc.record({
      'last-event-id': fc.option(fc.oneof(headerText, fc.constantFrom('end', '0', '-1', '999999999', '1e9')), { nil: undefined }),
      'x-request-id': fc.option(fc.oneof(headerText, fc.constant('r'.repeat(5000))), { nil: undefined }),
      accept: fc.option(fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/html'), { nil: undefined }),
      origin: fc.option(fc.constantFrom('https://evil.example', 'null'), { nil: undefined }),
    }, { requiredKeys: [] });
    const ownIds: OwnIds = { conversation: own.conversation, folder: own.folder, document: own.document, message: own.message, token: own.token };
    const requestCase = fc.record({
      route: fc.constantFrom(...routes), id, id2: id, query, body, auth, method, extraHeaders,
      suffix: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('/', '//', '/x', '%00', '/..', '?') }),
      // A share of the cases with junk Host / X-Forwarded-* / … headers, half of those on a request
      // that builds URLs from them (a random one is mostly refused before it does).
      headers: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: headerVariation }),
      target: fc.option(urlBuildingTarget(ownIds), { nil: undefined }),
    });
    const realHost = new URL(parley.url).host;
    // Through node:http when the headers are the case's own; on a socket when Host is varied.
    const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer, varied?: HeaderVariation): Promise<RawResponse> => {
      if (!varied) return rawRequest(parley.url, method, path, headers, body);
      const replaced = new Set(varied.lines.map(([name]) => name));
      const lines: HeaderLine[] = [
        ...(varied.host ?? [realHost]).map((h): HeaderLine => ['host', h]),
        ...Object.entries(headers).filter(([name]) => !replaced.has(name)),
        ...varied.lines,
      ];
      return socketRequest(parley.url, method, path, lines, body, { http10: varied.host?.length === 0 });
    };

    const failures = new Failures();
    let baseline = await settle(parley, commits);
    const checksumBefore = await commits.version();
    let accepted = 0;
    let cases = 0;
    let refused = 0;
    const statuses = new Map<number, number>();
    const byHeader = new Map<string, Map<number, number>>();
    let variedCases = 0;
    let urlsUnderJunk = 0;
    await fc.assert(fc.asyncProperty(requestCase, async (c) => {
      cases++;
      let used = 0;
      const target = c.headers && c.target;
      const path = target ? target.path : c.route.path.replace(/:[a-z]+/g, () => (used++ === 0 ? c.id : c.id2)) + c.suffix + c.query;
      const method = c.headers?.preflight ? 'OPTIONS' : target ? target.method : c.method === 'route' ? c.route.method : c.method;
      const sentBody = target ? target.body : c.body;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(c.extraHeaders)) if (v !== undefined) headers[k] = v;
      if (c.auth === 'own') headers.authorization = `Bearer ${a.key}`;
      else if (c.auth !== 'none') headers.authorization = c.auth.replace('KEY', a.key);
      if (sentBody) {
        if (sentBody.type) headers['content-type'] = sentBody.type;
        headers['content-length'] = String(sentBody.bytes.length);
      }
      const what = `${method} ${path.slice(0, 200)} [${sentBody?.type ?? 'no body'} ${sentBody?.bytes.length ?? 0} B]${c.headers ? ` ${describeVariation(c.headers)}` : ''}`;
      let res;
      try {
        res = await send(method, path, headers, sentBody?.bytes, c.headers);
      } catch (e) {
        failures.add(`${what}: ${(e as Error).message}`);
        baseline = await settle(parley, commits);
        return true;
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (c.headers) {
        variedCases++;
        for (const name of variedNames(c.headers)) {
          const counts = byHeader.get(name) ?? new Map<number, number>();
          byHeader.set(name, counts.set(res.status, (counts.get(res.status) ?? 0) + 1));
        }
        if (res.status < 400 && (HANDS_OUT_URL.test(res.body) || res.headers.location !== undefined)) urlsUnderJunk++;
      }
      failures.check(DOCUMENTED.has(res.status), () => `${what}: undocumented status ${res.status} ${res.body.slice(0, 200)}`);
      failures.check(typeof res.headers['x-request-id'] === 'string', () => `${what}: ${res.status} without x-request-id`);
      if (res.status >= 400) {
        refused++;
        if (method !== 'HEAD') {
          let shaped = false;
          try {
            shaped = typeof JSON.parse(res.body).message === 'string';
          } catch { /* not JSON */ }
          failures.check(shaped, () => `${what}: ${res.status} not in the error shape: ${res.body.slice(0, 200)}`);
        }
        const now = await commits.version();
        failures.check(now === baseline, () => `${what}: refused with ${res.status} but the store changed`);
        baseline = now;
      } else {
        accepted++;
        baseline = await settle(parley, commits);
      }
      return true;
    }), { numRuns: RUNS, seed: process.env.RELIABILITY_SEED ? Number(process.env.RELIABILITY_SEED) : undefined, endOnFailure: true });

    // A run of refusals alone leaves every row as it was, byte for byte.
    if (accepted === 0) failures.check((await commits.version()) === checksumBefore, () => 'the store changed although every request was refused');
    const health = await rawRequest(parley.url, 'GET', '/healthz', {});
    failures.check(health.status === 200, () => `the server is not healthy after the run: ${health.status}`);
    const tally = (counts: Map<number, number>) => [...counts].sort((x, y) => x[0] - y[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    const headerNotes = [...byHeader].sort((x, y) => x[0].localeCompare(y[0])).map(([name, counts]) => `junk ${name}: ${tally(counts)}`);
    record({ suite: 'fuzz', cases, failures: failures.count, notes: [
      `statuses: ${tally(statuses)}`, `refused ${refused}, store unchanged by each`,
      `junk headers in ${variedCases} cases; ${urlsUnderJunk} of their answers hand out URLs built under them`,
      ...headerNotes, ...failures.sample()] });
    expect(failures.sample(10)).toEqual([]);
    expect(cases).toBe(RUNS);
  }, 1_800_000);
});
