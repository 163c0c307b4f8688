/** A LIKE pattern matching `keyword` anywhere, with its own % and _ taken literally (ESCAPE '\'). */
export function containsPattern(keyword: string): string {
  return `%${keyword.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
}
