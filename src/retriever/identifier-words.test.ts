import { describe, expect, it } from 'vitest';
import { identifierWords } from './identifier-words.js';

describe('identifierWords', () => {
  it('spells out camelCase and PascalCase identifiers, each once', () => {
    expect(identifierWords('Call `mammoth.extractRawText(input)` or extractRawText; see XMLHttpRequest and ProxyAgent.'))
      .toBe('extract raw text\nxml http request\nproxy agent');
  });
  it('leaves ordinary words, capitals, acronyms and snake_case alone', () => {
    expect(identifierWords('Hello World, HTTP and IPv4 with log_level')).toBe('');
  });
});
