import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

const parseAll = (...parts: string[]) => {
  const p = new SseParser();
  return parts.flatMap((part) => p.push(part));
};

describe('SseParser', () => {
  it('dispatches an event at the blank line, with its name, data and id', () => {
    expect(parseAll('event: usage\nid: 7\ndata: {"a":1}\n\n')).toEqual([{ event: 'usage', data: '{"a":1}', id: '7' }]);
  });

  it('names unnamed events "message" and joins several data lines with LF', () => {
    expect(parseAll('data: one\ndata: two\n\n')).toEqual([{ event: 'message', data: 'one\ntwo', id: undefined }]);
  });

  it('accepts CR, LF and CRLF line ends, even a CRLF split across two pushes', () => {
    expect(parseAll('data: a\r\n\r\ndata: b\r\rdata: c\n\n')).toEqual([
      { event: 'message', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
      { event: 'message', data: 'c', id: undefined },
    ]);
    const p = new SseParser();
    expect(p.push('data: x\r')).toEqual([]);
    // The LF completing the CRLF must not read as a second (empty) line that ends the event early.
    expect(p.push('\ndata: y\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ event: 'message', data: 'x\ny', id: undefined }]);
  });

  it('keeps partial lines until they are complete, however the text is split', () => {
    const wire = 'id: 12\ndata: {"chunk":"héllo 😀"}\n\n: keep-alive\n\nevent: error\ndata: {"message":"x"}\n\n';
    const whole = parseAll(wire);
    for (let size = 1; size <= 7; size++) {
      const parts: string[] = [];
      for (let i = 0; i < wire.length; i += size) parts.push(wire.slice(i, i + size));
      expect(parseAll(...parts)).toEqual(whole);
    }
    expect(whole).toEqual([
      { event: 'message', data: '{"chunk":"héllo 😀"}', id: '12' },
      { event: 'error', data: '{"message":"x"}', id: '12' },
    ]);
  });

  it('ignores comments and does not dispatch events without data', () => {
    expect(parseAll(': keep-alive\n\nretry: 1000\n\nevent: nothing\n\n')).toEqual([]);
  });

  it('strips exactly one space after the colon, and reads a line without a colon as a field name', () => {
    expect(parseAll('data:  two spaces\ndata\ndata:none\n\n')).toEqual([
      { event: 'message', data: ' two spaces\n\nnone', id: undefined },
    ]);
  });

  it('keeps the last id for later events, and ignores ids holding NUL', () => {
    expect(parseAll('id: 5\ndata: a\n\ndata: b\n\nid: 6\0\ndata: c\n\n').map((e) => e.id)).toEqual(['5', '5', '5']);
  });

  it('resets the event name after each dispatch', () => {
    expect(parseAll('event: usage\ndata: 1\n\ndata: 2\n\n').map((e) => e.event)).toEqual(['usage', 'message']);
  });

  it('does not dispatch an event whose blank line never came', () => {
    expect(parseAll('data: cut off\n')).toEqual([]);
  });
});
