import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedOpenAi } from '../support/scripted-openai.js';
import { newConversation } from '../support/sse-reader.js';
import { request, startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { redisAvailable, servicesRequired, TEST_REDIS_URL, testKeyPrefix } from '../support/test-services.js';

const NGINX = '/usr/sbin/nginx';
const nginxInstalled = existsSync(NGINX);
if (!nginxInstalled && !servicesRequired()) console.warn(`nginx tests skipped: no nginx at ${NGINX} (apt-get install -y nginx-light)`);
const available = await redisAvailable();

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Two Parley processes behind a real nginx with the configuration the README shows
 * (docs/deploy/nginx.conf), each request going to either: the reference's EventSource snippet reads
 * replies through it as they are written, whichever process generates them.
 */
describe.runIf(available && (nginxInstalled || servicesRequired()))('two Parleys behind nginx', () => {
  let upstream: ScriptedOpenAi;
  let a: RunningParley;
  let b: RunningParley;
  let t: Tenant;
  let nginx: ChildProcess;
  let dir: string;
  let front: string;
  const words = Array.from({ length: 20 }, (_, i) => `w${i} `);

  beforeAll(async () => {
    upstream = await new ScriptedOpenAi().start();
    upstream.fallback = { chunks: words, intervalMs: 60 };
    const port = await freePort();
    front = `http://127.0.0.1:${port}`;
    const env = {
      LLM_MODEL: 'm', LLM_BASE_URL: upstream.baseUrl, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: testKeyPrefix('nginx'),
      PUBLIC_URL: front, TRUST_PROXY: 'true',
    };
    a = await startParley(env);
    b = await startParley({ ...env, PARLEY_DATA_DIR: a.dataDir });
    t = await a.tenant();

    dir = mkdtempSync(path.join(tmpdir(), 'parley-nginx-'));
    mkdirSync(path.join(dir, 'temp'));
    const conf = readFileSync(new URL('../../docs/deploy/nginx.conf', import.meta.url), 'utf8')
      .replace('/run/parley-nginx.pid', path.join(dir, 'nginx.pid'))
      .replace('/var/log/nginx/parley-error.log', path.join(dir, 'error.log'))
      .replace('server 127.0.0.1:8081;', `server ${new URL(a.url).host};`)
      .replace('server 127.0.0.1:8082;', `server ${new URL(b.url).host};`)
      .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`)
      .replace('access_log off;', ['access_log off;', ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
        .map((k) => `  ${k}_temp_path ${path.join(dir, 'temp', k)};`)].join('\n'));
    writeFileSync(path.join(dir, 'nginx.conf'), conf);
    const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf')], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`nginx refused the configuration: ${check.stderr}`);
    nginx = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
    for (let i = 0; (await request(`${front}/healthz`, 'GET').catch(() => ({ status: 0 }))).status !== 200; i++) {
      if (i > 100) throw new Error(`nginx did not answer: ${readFileSync(path.join(dir, 'error.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    nginx?.kill('SIGQUIT');
    await b?.app.close();
    await a?.stop();
    await upstream?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('streams replies through nginx as they are written, whichever process took the send', async () => {
    const api = (method: string, p: string, body?: unknown) => request(`${front}/api/v1${p}`, method, body, { authorization: `Bearer ${t.key}` });
    const conversation = await newConversation({ ...t, api });
    for (let round = 0; round < 4; round++) {
      const sent = await api('POST', '/messages/stream', { content: `round ${round}`, conversation_id: conversation, redirect: false });
      expect(sent.status).toBe(200);
      expect(sent.json.data.stream_url.startsWith(`${front}/stream/`)).toBe(true);
      // The reference's snippet, timing the first chunk against the reply's whole length.
      const started = Date.now();
      const { message, firstAt } = await new Promise<{ message: string; firstAt: number }>((resolve, reject) => {
        let message = '';
        let firstAt = 0;
        const evtSource = new EventSource(sent.json.data.stream_url);
        const timer = setTimeout(() => reject(new Error('no [END] through nginx')), 15_000);
        evtSource.onmessage = (event) => {
          if (event.data === '[END]') {
            evtSource.close();
            clearTimeout(timer);
            resolve({ message, firstAt });
          } else if (event.data !== '[START]') {
            firstAt ||= Date.now() - started;
            message += JSON.parse(event.data).chunk;
          }
        };
      });
      expect(message).toBe(words.join(''));
      // 20 pieces 60 ms apart: a buffering proxy would hand them all over at the end.
      expect(firstAt).toBeLessThan(700);
    }
    // Both processes took part: each answered some of the requests nginx spread over them.
    const served = async (p: RunningParley) => (await request(`${p.url}/metrics`, 'GET')).text.match(/^parley_http_requests_total\{[^}]*\} (\d+)/gm)?.length ?? 0;
    expect(await served(a)).toBeGreaterThan(0);
    expect(await served(b)).toBeGreaterThan(0);
  });
});
