import { prefixRoot } from '../fts-query.js';

/**
 * One question term as a PostgreSQL tsquery expression over bound parameters, so that no user
 * text is ever read as tsquery syntax. Mirrors fts-query.ts's ftsString: a word of five letters
 * or more also finds the longer words it begins; an identifier of several parts is the phrase of
 * its parts (they stand side by side, as the parser splits them) or, unless it is a number, the
 * parts written together (`HTTP/2` finds `HTTP2`).
 */
export function termQuery(term: string, param: (value: string) => string): string {
  if (term.length >= 5 && /^\p{L}+$/u.test(term)) {
    const root = prefixRoot(term);
    const prefix = `to_tsquery('english', ${param(`${term}:*`)})`;
    return root === term ? prefix : `(${prefix} || to_tsquery('english', ${param(`${root}:*`)}))`;
  }
  const phrase = `phraseto_tsquery('english', ${param(term)})`;
  const joined = /\p{L}/u.test(term) ? term.replace(/[._:/@+-]/g, '') : term;
  return joined !== term ? `(${phrase} || phraseto_tsquery('english', ${param(joined)}))` : phrase;
}

/** A parameter list that hands out `$n` placeholders as values are added. */
export function params(start = 0) {
  const values: unknown[] = [];
  return {
    values,
    add(value: unknown): string {
      values.push(value);
      return `$${start + values.length}`;
    },
  };
}
