import { describe, expect, it } from 'vitest';
import { isStopWord } from './stop-words.js';

describe('stop words', () => {
  it('are found as written and with an English inflection taken off', () => {
    expect(isStopWord('the')).toBe(true);
    expect(isStopWord('turned')).toBe(true);
    expect(isStopWord('happens')).toBe(true);
    expect(isStopWord('files')).toBe(true);
    expect(isStopWord('cookie')).toBe(false);
    expect(isStopWord('expires')).toBe(false);
  });
});
