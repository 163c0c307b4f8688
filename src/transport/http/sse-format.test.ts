import { describe, expect, it } from 'vitest';
import { SseParser } from '../../shared/sse-parser.js';
import { chunkFrame, END_FRAME, endingFrames, KEEP_ALIVE_FRAME, sseEvent, START_FRAME } from './sse-format.js';

const parse = (wire: string) => new SseParser().push(wire);
const TRICKY = ['plain', 'line\nbreak', 'cr\rand\r\nlf', '"quoted"', 'back\\slash', '😀 é 中', '\u2028\u2029', '\0nul', 'data: [END]', ''];

describe('SSE frames', () => {
  it('starts with retry and the unnamed [START], and ends with [END] carrying the id "end"', () => {
    expect(START_FRAME).toBe('retry: 1000\ndata: [START]\n\n');
    expect(END_FRAME).toBe('id: end\ndata: [END]\n\n');
    expect(parse(KEEP_ALIVE_FRAME)).toEqual([]);
  });

  it('writes a chunk as one unnamed event whose data is {"chunk"} and whose id is the offset after it', () => {
    for (const text of TRICKY) {
      const frame = chunkFrame({ text, end: 42 });
      expect(frame).toBe(sseEvent(JSON.stringify({ chunk: text }), { id: 42 }));
      expect(frame.split('\n\n')).toHaveLength(2); // exactly one event, whatever the text holds
      expect(parse(frame)).toEqual([{ event: 'message', data: JSON.stringify({ chunk: text }), id: '42' }]);
      expect(JSON.parse(parse(frame)[0].data)).toEqual({ chunk: text });
    }
  });

  it('splits multi-line data into data: lines that a parser joins back with LF', () => {
    expect(sseEvent('a\nb\r\nc\rd')).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(parse(sseEvent('a\nb'))[0].data).toBe('a\nb');
  });

  it('refuses CR or LF in an event name or id', () => {
    expect(() => sseEvent('x', { event: 'bad\nname' })).toThrow(/CR or LF/);
    expect(() => sseEvent('x', { id: 'bad\rid' })).toThrow(/CR or LF/);
  });

  it('closes a written reply with its sources and usage, then [END]', () => {
    const events = parse(endingFrames({ outcome: 'done', usage: { promptTokens: 3, completionTokens: 4, credits: 2 } }, 'http://x'));
    expect(events.map((e) => e.event)).toEqual(['usage', 'message']);
    expect(JSON.parse(events[0].data)).toEqual({
      tokens: 7, credits: 2, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, estimated: false,
    });
    expect(events[1]).toEqual({ event: 'message', data: '[END]', id: 'end' });
    expect(endingFrames({ outcome: 'done' }, 'http://x')).toBe(END_FRAME);
  });

  it('closes a failed reply with its reason as a marked chunk and as `event: failure`, then [END]', () => {
    const events = parse(endingFrames({ outcome: 'failed', reason: 'It broke.\nTwice.' }, 'http://x'));
    expect(events.map((e) => e.event)).toEqual(['message', 'failure', 'message']);
    expect(JSON.parse(events[0].data)).toEqual({ chunk: 'It broke.\nTwice.', failed: true });
    expect(JSON.parse(events[1].data)).toEqual({ message: 'It broke.\nTwice.' });
    expect(events[2]).toEqual({ event: 'message', data: '[END]', id: 'end' });
  });
});
