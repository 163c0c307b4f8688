import { describe, expect, it } from 'vitest';
import { ReplyBuffer } from '../reply-buffer.js';
import { applyEntry, ENDED, TEXT, TEXT_END } from './redis-entries.js';

const endingAfter = (...entries: string[][]) => {
  const buffer = new ReplyBuffer();
  for (const e of entries) applyEntry(buffer, e);
  return buffer.read(0);
};

describe('Redis stream entries', () => {
  it('reads an ending as written', () => {
    const read = endingAfter([TEXT, 'ab', TEXT_END, '2'], [ENDED, JSON.stringify({ outcome: 'failed', reason: 'boom' })]);
    expect(read).toEqual({ chunks: [{ text: 'ab', end: 2 }], ending: { outcome: 'failed', reason: 'boom' } });
  });

  it('reads an ending written before endings had an outcome (a rolling upgrade)', () => {
    expect(endingAfter([ENDED, JSON.stringify({ error: 'boom' })]).ending).toEqual({ outcome: 'failed', reason: 'boom' });
    expect(endingAfter([ENDED, JSON.stringify({ usage: { promptTokens: 1, completionTokens: 2 } })]).ending)
      .toEqual({ outcome: 'done', usage: { promptTokens: 1, completionTokens: 2 } });
    expect(endingAfter([ENDED, '{}']).ending).toEqual({ outcome: 'done' });
  });
});
