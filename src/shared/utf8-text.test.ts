import { describe, expect, it } from 'vitest';
import { Utf8Text } from './utf8-text.js';

const TEXT = 'a é € 😀 ∑x — 中文 end';

describe('Utf8Text', () => {
  it('decodes a text cut into two packets at every byte as the whole text', () => {
    const bytes = Buffer.from(TEXT, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new Utf8Text();
      expect(d.decode(bytes.subarray(0, cut)) + d.decode(bytes.subarray(cut)) + d.end()).toBe(TEXT);
    }
  });

  it('decodes a text given one byte at a time', () => {
    const d = new Utf8Text();
    let out = '';
    for (const b of Buffer.from(TEXT, 'utf8')) out += d.decode(Buffer.from([b]));
    expect(out + d.end()).toBe(TEXT);
  });

  it('turns invalid bytes and a character cut off at the end into U+FFFD, as setEncoding does', () => {
    const d = new Utf8Text();
    expect(d.decode(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
    expect(d.decode(Buffer.from([0xe2, 0x82]))).toBe('');
    expect(d.end()).toBe('\ufffd');
  });
});
