import { termForms } from '../fts-query.js';

/**
 * One question term as a PostgreSQL tsquery expression over bound parameters, so that no user
 * text is ever read as tsquery syntax: the forms fts-query.ts's termForms gives it (as the SQLite
 * retriever's ftsString), prefixes as `to_tsquery('…:*')`, phrases by phraseto_tsquery (the parts
 * side by side, as the parser splits them), ORed.
 */
export function termQuery(term: string, param: (value: string) => string): string {
  const forms = termForms(term);
  const parts = 'prefixes' in forms
    ? forms.prefixes.map((f) => `to_tsquery('english', ${param(`${f}:*`)})`)
    : forms.phrases.map((f) => `phraseto_tsquery('english', ${param(f)})`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' || ')})`;
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
