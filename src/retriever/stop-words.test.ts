import { describe, expect, it } from 'vitest';
import { isStopWord, STOP_WORDS } from './stop-words.js';

describe('stop words', () => {
  it('are found as written and with an English inflection taken off', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('turned')).toBe(true);
    expect(isStopWord('happens')).toBe(true);
    expect(isStopWord('files')).toBe(true);
    expect(isStopWord('cookie')).toBe(false);
    expect(isStopWord('expires')).toBe(false);
  });

  it('are chosen by language, English by default; a language without a list has none', () => {
    expect(Object.keys(STOP_WORDS)).toEqual(['en']);
    expect(isStopWord('the', 'en-GB')).toBe(true);
    expect(isStopWord('the', 'de')).toBe(false);
  });
});
