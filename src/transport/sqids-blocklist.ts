/**
 * Sqids' blocklist test — is `id` one of the words (ids of three characters or fewer), or does it
 * start or end with a word that has a digit, or contain any other word — answered with lookups
 * instead of a scan over every word. `words` is the lowercased list Sqids keeps.
 */
export function blocklistMatcher(words: Set<string>): (id: string) => boolean {
  /** Words with a digit, which only count at either end of an id, by length. */
  const atEnds = new Map<number, Set<string>>();
  /** The other words of four characters or more, by their first four. */
  const byStart = new Map<string, string[]>();
  for (const word of words) {
    if (word.length <= 3) continue; // only ever equal to an id of their own length, via `words`
    if (/\d/.test(word)) {
      let set = atEnds.get(word.length);
      if (!set) atEnds.set(word.length, (set = new Set()));
      set.add(word);
    } else {
      const key = word.slice(0, 4);
      const list = byStart.get(key);
      if (list) list.push(word);
      else byStart.set(key, [word]);
    }
  }
  return (id) => {
    const low = id.toLowerCase();
    if (low.length <= 3) return words.has(low);
    for (const [length, set] of atEnds) {
      if (length <= low.length && (set.has(low.slice(0, length)) || set.has(low.slice(low.length - length)))) return true;
    }
    for (let i = 0; i + 4 <= low.length; i++) {
      const list = byStart.get(low.slice(i, i + 4));
      if (list?.some((word) => low.startsWith(word, i))) return true;
    }
    return false;
  };
}
