import { describe, expect, it } from 'vitest';
import { toFtsQuery } from './fts-query.js';

describe('toFtsQuery', () => {
  it('quotes each word and drops the common ones', () => {
    expect(toFtsQuery('What is the refund policy?')).toBe('"refund" OR "policy"');
  });
  it('keeps common words when there is nothing else', () => {
    expect(toFtsQuery('What is it?')).toBe('"what" OR "is" OR "it"');
  });
  it('reads query syntax as words', () => {
    expect(toFtsQuery('NEAR(a b) AND "c" * col:x')).toBe('"near" OR "b" OR "c" OR "col" OR "x"');
  });
  it('has nothing for text without words', () => {
    expect(toFtsQuery('?!* "" ()')).toBeUndefined();
  });
});
