/** A camelCase or PascalCase identifier: a lower-case letter or digit followed by a capital, inside one word. */
const CAMEL = /\b[A-Za-z0-9]*[a-z0-9][A-Z][A-Za-z0-9]*\b/g;

/**
 * The words inside a text's camelCase identifiers (`isProbablyReaderable` → `is probably
 * readerable`, `XMLHttpRequest` → `xml http request`), each identifier once. Indexed beside the
 * passage, so that a question in words finds the API that names them; the identifier itself is
 * still matched whole.
 */
export function identifierWords(text: string): string {
  const ids = new Set(text.match(CAMEL) ?? []);
  return [...ids]
    .map((id) => id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').toLowerCase())
    .join('\n');
}
