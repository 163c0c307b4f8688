import { describe, expect, it } from 'vitest';
import { splitPassages } from './split-passages.js';

describe('splitPassages', () => {
  it('keeps a short text whole', () => {
    expect(splitPassages('One.\n\nTwo.')).toEqual(['One.\n\nTwo.']);
  });
  it('never makes a passage longer than the limit, and loses no word', () => {
    const text = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} is here.`).join(' ') + '\n\n' + 'x'.repeat(2500);
    const passages = splitPassages(text, 200);
    expect(passages.every((p) => p.length <= 200)).toBe(true);
    expect(passages.join(' ').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });
  it('has no passages for blank text', () => {
    expect(splitPassages(' \n\n \t')).toEqual([]);
  });
});
