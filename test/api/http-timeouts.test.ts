import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, readSse, startStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

/** Opens a raw connection, writes `head`, and resolves with what came back and when the server closed it. */
function slowClient(url: string, head: string): Promise<{ answer: string; closedAfterMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(Number(port), hostname, () => socket.write(head));
    let answer = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      reject(new Error(`still open after 15 s; got ${JSON.stringify(answer.slice(0, 200))}`));
    }, 15_000);
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
  });
}

describe('HTTP timeouts bound every phase of a request', () => {
  let parley: RunningParley;
  let t: Tenant;
  let upstream: ScriptedOpenAi;
  let conv: string;
  useScriptedChat({
    env: { HTTP_REQUEST_TIMEOUT: '1s', HTTP_HEADERS_TIMEOUT: '1s', HTTP_KEEPALIVE_TIMEOUT: '1s' },
  }, (chat) => ({ parley, t, upstream, conversationId: conv } = chat));

  it('an authenticated POST that announces 100 bytes and sends one is answered 408 and closed', async () => {
    const { answer, closedAfterMs } = await slowClient(parley.url, [
      'POST /api/v1/conversations HTTP/1.1', `Host: 127.0.0.1`, `Authorization: Bearer ${t.key}`,
      'Content-Type: application/json', 'Content-Length: 100', '', '{',
    ].join('\r\n'));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(5000);
  });

  it('headers sent a piece at a time are cut off too', async () => {
    const { answer, closedAfterMs } = await slowClient(parley.url, 'GET /api/v1/bots HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
    expect(closedAfterMs).toBeLessThan(5000);
  });

  it('an event stream longer than the request timeout is not cut', async () => {
    upstream.scripts.set('slow reply', { chunks: ['one ', 'two ', 'three ', 'four'], intervalMs: 700 });
    const url = await startStream(t, conv, 'slow reply');
    const started = performance.now();
    const read = await readSse(url, { timeoutMs: 10_000 });
    expect(performance.now() - started).toBeGreaterThan(1500);
    expect(read.ended).toBe(true);
    expect(assemble(read.events)).toBe('one two three four');
  });
});
