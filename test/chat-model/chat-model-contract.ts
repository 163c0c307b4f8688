import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEnd, ChatModel, ChatRequest } from '../../src/chat-model/chat-model.js';

/** A reply's stream as a list: its text pieces, then its end. */
export type ChatStreamPart = { type: 'text-delta'; text: string } | ChatEnd;

/** Situations every provider's scripted server can stage, under a provider-neutral name. */
export type Scenario =
  | { kind: 'text'; chunks: string[]; promptTokens: number; completionTokens: number }
  | { kind: 'status'; status: number; message: string; retryAfterSeconds?: number }
  | { kind: 'broken'; chunksBefore: string[] }
  | { kind: 'slow'; chunks: string[]; intervalMs: number }
  | { kind: 'hang'; chunksBefore: string[] }
  | { kind: 'refusal' };

export interface ContractTarget {
  /** The adapter under test, pointed at the server. */
  model: ChatModel;
  /** For a real provider: the model name to ask for. */
  modelName?: string;
  /** Present for a scripted server: the cases that need a provoked failure run only then. */
  scripted?: {
    /** Stages `scenario` for requests whose last user message is `content`. */
    stage(content: string, scenario: Scenario): void;
    /** How many requests the server has received. */
    requestCount(): number;
    /** Resolves once the server saw the client close the last request. */
    lastClosed(): Promise<void>;
  };
}

/**
 * Streams a whole reply into its parts, seeing each as it comes. The contract says the promise
 * never rejects, and that no text comes after it resolves: a few milliseconds are left for any
 * that would, so that the parts would then not end with the end.
 */
export async function collect(
  model: ChatModel, request: ChatRequest, onPart?: (part: ChatStreamPart) => void,
): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  const add = (p: ChatStreamPart) => {
    parts.push(p);
    onPart?.(p);
  };
  add(await model.stream(request, (text) => add({ type: 'text-delta', text })));
  await new Promise((r) => setTimeout(r, 5));
  return parts;
}

export const textOf = (parts: ChatStreamPart[]) => parts.map((p) => (p.type === 'text-delta' ? p.text : '')).join('');

/** Every stream is text deltas (never empty) and then exactly one `finish` or `error` part. */
export function expectWellFormed(parts: ChatStreamPart[]): ChatStreamPart {
  expect(parts.length).toBeGreaterThan(0);
  const last = parts[parts.length - 1];
  expect(['finish', 'error']).toContain(last.type);
  expect(parts.slice(0, -1).every((p) => p.type === 'text-delta' && p.text.length > 0)).toBe(true);
  return last;
}

/**
 * The ChatModel contract, run against every adapter: against a scripted server speaking the
 * provider's wire format, and against the real service when its URL and key are given (then only
 * the cases a real provider can show without being made to fail).
 */
export function runChatModelContract(name: string, setup: () => Promise<ContractTarget>, teardown: () => Promise<void>) {
  describe(`ChatModel contract: ${name}`, () => {
    let t: ContractTarget;
    beforeAll(async () => {
      t = await setup();
    }, 30_000);
    afterAll(teardown);

    const ask = (content: string, signal = new AbortController().signal, extra: Partial<ChatRequest> = {}): ChatRequest => ({
      model: t.modelName,
      messages: [{ role: 'system', content: 'You are a terse test assistant.' }, { role: 'user', content }],
      maxTokens: 64,
      signal,
      ...extra,
    });
    /** A case that needs the server to misbehave on cue. */
    const scriptedIt = (title: string, fn: (s: NonNullable<ContractTarget['scripted']>) => Promise<void>) =>
      it(title, async (ctx) => {
        if (!t.scripted) return ctx.skip();
        await fn(t.scripted);
      });

    it('streams text deltas and ends with one finish part, with usage', async () => {
      const chunks = ['Hel', 'lo', ' "there"', '\n😀 é中'];
      t.scripted?.stage('Say hello.', { kind: 'text', chunks, promptTokens: 7, completionTokens: 3 });
      const parts = await collect(t.model, ask('Say hello.'));
      const last = expectWellFormed(parts);
      if (last.type !== 'finish') throw new Error(`expected a finish, got ${JSON.stringify(last)}`);
      expect(['stop', 'length']).toContain(last.finishReason);
      expect(textOf(parts).length).toBeGreaterThan(0);
      if (t.scripted) {
        expect(textOf(parts)).toBe(chunks.join(''));
        expect(last.usage).toEqual({ promptTokens: 7, completionTokens: 3 });
        expect(last.finishReason).toBe('stop');
      }
    });

    it('stops soon after an abort mid-reply, closing the upstream request', async () => {
      t.scripted?.stage('Count slowly.', { kind: 'slow', chunks: Array.from({ length: 200 }, (_, i) => `${i} `), intervalMs: 20 });
      const controller = new AbortController();
      const parts = await collect(t.model, ask('Count slowly.', controller.signal, { maxTokens: 400 }),
        (p) => p.type === 'text-delta' && controller.abort(new Error('stopped by the test')),
      );
      const last = expectWellFormed(parts);
      if (last.type !== 'error') throw new Error('expected the abort to end the stream with an error part');
      expect(last.error.aborted).toBe(true);
      expect(last.error.message).toBe('stopped by the test');
      if (t.scripted) {
        expect(textOf(parts).length).toBeLessThan(50);
        await t.scripted.lastClosed();
      }
    });

    it('answers an already-aborted request with an error part, sending nothing', async () => {
      const before = t.scripted?.requestCount();
      const controller = new AbortController();
      controller.abort(new Error('aborted before the start'));
      const last = expectWellFormed(await collect(t.model, ask('never sent', controller.signal)));
      expect(last.type).toBe('error');
      if (t.scripted) expect(t.scripted.requestCount()).toBe(before);
    });

    scriptedIt('reports an error status with its code, the provider’s message, and whether to retry', async (s) => {
      for (const [status, retryable] of [[429, true], [500, true], [503, true], [400, false], [404, false]] as const) {
        s.stage(`status ${status}`, { kind: 'status', status, message: `scripted failure ${status}`, retryAfterSeconds: status === 429 ? 3 : undefined });
        const parts = await collect(t.model, ask(`status ${status}`));
        expect(parts).toHaveLength(1);
        const [part] = parts;
        if (part.type !== 'error') throw new Error('expected an error');
        expect(part.error.statusCode).toBe(status);
        expect(part.error.isRetryable).toBe(retryable);
        expect(part.error.message).toMatch(new RegExp(`^The model service answered ${status}: .*scripted failure ${status}`));
        if (status === 429) expect(part.error.retryAfterMs).toBe(3000);
      }
    });

    scriptedIt('ends a stream that breaks midway with a retryable error after the text it had', async (s) => {
      s.stage('break', { kind: 'broken', chunksBefore: ['one ', 'two '] });
      const parts = await collect(t.model, ask('break'));
      const last = expectWellFormed(parts);
      expect(textOf(parts)).toBe('one two ');
      if (last.type !== 'error') throw new Error('expected an error');
      expect(last.error.isRetryable).toBe(true);
    });

    scriptedIt('ends a hung stream with the abort reason when the caller gives up', async (s) => {
      s.stage('hang', { kind: 'hang', chunksBefore: ['a'] });
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(new Error('The model did not answer in time.')), 300);
      const parts = await collect(t.model, ask('hang', controller.signal));
      clearTimeout(timer);
      const last = expectWellFormed(parts);
      expect(textOf(parts)).toBe('a');
      if (last.type !== 'error') throw new Error('expected an error');
      expect(last.error.message).toBe('The model did not answer in time.');
      await s.lastClosed();
    });

    scriptedIt('gives up on a model that sends no text within firstTextTimeoutMs, closing its request', async (s) => {
      s.stage('silent', { kind: 'hang', chunksBefore: [] });
      const started = Date.now();
      const parts = await collect(t.model, ask('silent', new AbortController().signal, { firstTextTimeoutMs: 300 }));
      const last = expectWellFormed(parts);
      if (last.type !== 'error') throw new Error('expected an error');
      expect(parts).toHaveLength(1);
      expect(last.error.message).toBe('The model sent nothing within 0.3 s.');
      expect(last.error.aborted).toBe(false);
      expect(last.error.isRetryable).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      await s.lastClosed();
    });

    scriptedIt('does not time out once text has come, however long the rest takes', async (s) => {
      s.stage('slow but started', { kind: 'slow', chunks: ['a', 'b', 'c', 'd', 'e'], intervalMs: 100 });
      const parts = await collect(t.model, ask('slow but started', new AbortController().signal, { firstTextTimeoutMs: 250 }));
      expect(expectWellFormed(parts).type).toBe('finish');
      expect(textOf(parts)).toBe('abcde');
    });

    scriptedIt('maps a policy refusal to the content-filter finish reason', async (s) => {
      s.stage('refuse', { kind: 'refusal' });
      const last = expectWellFormed(await collect(t.model, ask('refuse')));
      expect(last).toMatchObject({ type: 'finish', finishReason: 'content-filter' });
    });
  });
}
