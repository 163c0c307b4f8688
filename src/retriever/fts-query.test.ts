import { describe, expect, it } from 'vitest';
import { compoundHead, ftsString, namedTerms, queryTerms, toFtsQuery } from './fts-query.js';

describe('toFtsQuery', () => {
  it('quotes each word, a word of five letters or more as a prefix, and drops the common ones', () => {
    expect(toFtsQuery('What is the refund policy?')).toBe('"refund"* OR ("policy"* OR "polic"*)');
    expect(toFtsQuery("What's the best way to get a file like this to use less memory?")).toBe('"best" OR "less" OR ("memory"* OR "memor"*)');
  });
  it('keeps common words when there is nothing else', () => {
    expect(toFtsQuery('What is it?')).toBe('"what" OR "is" OR "it"');
  });
  it('reads query syntax as words', () => {
    expect(toFtsQuery('NEAR(a b) AND "c" * col:x')).toBe('"near" OR "b" OR "c" OR ("col:x" OR "colx")');
    expect(toFtsQuery('say "greetings" 4.90')).toBe('"say" OR "greetings"* OR "4.90"');
  });
  it('has nothing for text without words', () => {
    expect(toFtsQuery('?!* "" ()')).toBeUndefined();
  });
});

describe('queryTerms', () => {
  it('keeps numbers, versions, addresses and identifiers whole', () => {
    expect(queryTerms('Does 4.90 EUR cover v1.2.3 on 10.0.0.1 in node_modules/foo with utf-8?'))
      .toEqual(['4.90', 'eur', 'cover', 'v1.2.3', '10.0.0.1', 'node_modules/foo', 'utf-8']);
  });
  it('finds an identifier written with or without its inner marks, a number only as written', () => {
    expect(toFtsQuery('HTTP/2 on 10.0.0.1')).toBe('("http/2" OR "http2") OR "10.0.0.1"');
  });
  it('drops the halves of contractions', () => {
    expect(queryTerms("Why doesn't the server's port open?")).toEqual(['server', 'port', 'open']);
  });
});

describe('ftsString', () => {
  it('also finds a long word ending in y by its beginning without the y, as its stem would not (expiry, expires)', () => {
    expect(ftsString('expiry')).toBe('("expiry"* OR "expir"*)');
    expect(ftsString('reply')).toBe('"reply"*');
  });
});

describe('namedTerms', () => {
  it('finds the names of a question: capitalised where no sentence begins, or with a capital inside', () => {
    expect([...namedTerms('How do I deploy a Django app to Heroku?')]).toEqual(['django', 'heroku']);
    expect([...namedTerms('Resize images with ImageMagick on a GPU. What about iOS?')]).toEqual(['imagemagick', 'gpu', 'ios']);
    expect([...namedTerms('"Should" I commit my .env file?')]).toEqual([]);
  });
  it('finds none in a question written in Title Case or in capitals', () => {
    expect([...namedTerms('How Do I Deploy My App To Heroku?')]).toEqual([]);
    expect([...namedTerms('HOW DO I DEPLOY TO HEROKU?')]).toEqual([]);
  });
  it('reads a long question as a reading of the whole text before each word would', () => {
    const sentences = [
      'How do I deploy a Django app to Heroku?', '"Should" I commit my .env file?', 'Resize images with ImageMagick on a GPU.',
      "What about iOS; and (Kubernetes) or [Helm]: does it matter?", 'See “Express” and ‘Koa’ — or not!', 'I use A and v1.2.3 on utf-8 today.',
    ];
    const long = Array.from({ length: 60 }, (_, i) => sentences[i % sentences.length] + (i % 3 ? ' ' : '\n\n')).join('');
    expect(long.length).toBeGreaterThan(2_000);
    const names = [...namedTerms(long)];
    expect(names).toEqual([...namedTermsByWholePrefix(long)]);
    expect(names).toEqual(['django', 'heroku', 'imagemagick', 'gpu', 'ios', 'kubernetes', 'helm', 'express', 'koa']);
    for (const text of sentences) expect([...namedTerms(text)]).toEqual([...namedTermsByWholePrefix(text)]);
  });
});

/** namedTerms as first written: the whole text before each word read again (quadratic), kept as the reference. */
function namedTermsByWholePrefix(text: string): Set<string> {
  const source = text.normalize('NFKC').replace(/['’](?:s|t|re|ll|ve|d|m)(?![\p{L}\p{N}])/gu, '');
  const names = new Set<string>();
  let inSentence = 0;
  let capitalised = 0;
  for (const m of source.matchAll(/[\p{L}\p{N}]+(?:[._:/@+-][\p{L}\p{N}]+)*/gu)) {
    const word = m[0];
    if (word.length < 2) continue;
    const before = source.slice(0, m.index).replace(/["'“‘(\[]+$/u, '');
    const sentenceStart = !before.trim() || /[.!?:;]\s*$/.test(before);
    if (!sentenceStart) inSentence++;
    if (!sentenceStart && /^\p{Lu}/u.test(word)) capitalised++;
    if (/\p{Lu}/u.test(word.slice(1)) || (!sentenceStart && /^\p{Lu}/u.test(word))) names.add(word.toLowerCase());
  }
  return inSentence >= 3 && capitalised > inSentence / 2 ? new Set() : names;
}

describe('compoundHead', () => {
  it('is the last word of a compound of two words joined by a hyphen, not a stop word', () => {
    expect(compoundHead('sub-namespace')).toBe('namespace');
    expect(compoundHead('self-signed')).toBe('signed');
    expect(compoundHead('html-to-text')).toBeUndefined();
    expect(compoundHead('utf-8')).toBeUndefined();
    expect(compoundHead('log-in')).toBeUndefined();
    expect(compoundHead('namespace')).toBeUndefined();
  });
});
