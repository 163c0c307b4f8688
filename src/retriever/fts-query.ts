/** Words too common to help find a passage; dropped unless the question has nothing else. */
const STOP_WORDS = new Set((
  'a an and are as at be but by can could did do does for from had has have how i if in into is it its ' +
  'me my no not of on or our she he so that the their them then there these they this to was we were ' +
  'what when where which who whom why will with would you your about any all also am been being than ' +
  'tell please us should shall may might must just'
).split(' '));

const MAX_TERMS = 32;

/**
 * Turns any user text into an FTS5 query that cannot fail to parse: its words, each quoted as a
 * string (so `AND`, `NEAR`, `*`, `:` and quotes mean nothing), joined with OR for BM25 to rank.
 * Undefined when the text has no words at all.
 */
export function toFtsQuery(text: string): string | undefined {
  return ftsQueryOf(queryTerms(text));
}

/** The words of a question worth searching for: lower-cased, deduplicated, common words dropped. */
export function queryTerms(text: string): string[] {
  const words = [...new Set((text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []))];
  const content = words.filter((w) => !STOP_WORDS.has(w));
  return (content.length ? content : words).slice(0, MAX_TERMS);
}

/** Terms as an FTS5 query of quoted strings joined with OR; undefined for none. */
export function ftsQueryOf(terms: string[]): string | undefined {
  return terms.length ? terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' OR ') : undefined;
}
