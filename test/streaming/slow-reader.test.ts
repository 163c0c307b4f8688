import { get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/shared/sse-parser.js';
import { useScriptedChat } from '../support/scripted-chat.js';
import type { ScriptedOpenAi } from '../support/scripted-openai.js';
import { assemble, newConversation, settledReply, startStream } from '../support/sse-reader.js';
import type { RunningParley, Tenant } from '../support/start-parley.js';

/** About 1.2 MB of reply: far more than the socket buffers hold. */
const CHUNKS = Array.from({ length: 400 }, (_, i) => `${String(i).padStart(4, '0')}:${'é😀x'.repeat(750)}\n`);
const REPLY = CHUNKS.join('');

/** Reads a stream with a client that stops reading for `pauseMs` right after the headers. */
function readPaused(url: string, pauseMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.setEncoding('utf8');
      res.pause();
      let raw = '';
      res.on('data', (text: string) => (raw += text));
      res.on('end', () => resolve(raw));
      res.on('error', reject);
      setTimeout(() => res.resume(), pauseMs);
    }).on('error', reject);
  });
}

describe('a reader slower than the model', () => {
  let upstream: ScriptedOpenAi;
  let parley: RunningParley;
  let t: Tenant;

  useScriptedChat({
    env: { LLM_MODEL: 'm', STREAM_KEEPALIVE: '20ms' },
    script: (u) => {
      u.fallback = { chunks: CHUNKS };
    },
  }, (chat) => ({ upstream, parley, t } = chat));

  it('gets every chunk whole and in order, with keep-alives only between events', async () => {
    const conversationId = await newConversation(t);
    const url = await startStream(t, conversationId, 'big');
    const raw = await readPaused(url, 1_000);
    const events = new SseParser().push(raw);
    expect(assemble(events)).toBe(REPLY);
    // Every event starts on a fresh line: a keep-alive never lands inside a frame.
    for (const block of raw.split('\n\n').filter(Boolean)) {
      expect(block, block.slice(0, 80)).toMatch(/^(retry: 1000\ndata: \[START\]|: keep-alive|id: \d+\ndata: \{"chunk":.*\}|event: usage\ndata: .*|id: end\ndata: \[END\])$/);
    }
    expect((await settledReply(parley, t, conversationId)).content).toBe(REPLY);
  }, 60_000);
});
