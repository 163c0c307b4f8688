/**
 * A LIKE pattern matching `keyword` anywhere, with its own % and _ taken literally (ESCAPE '\').
 * Both store adapters use it: SQLite's LIKE and PostgreSQL's ILIKE read it alike.
 */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}
