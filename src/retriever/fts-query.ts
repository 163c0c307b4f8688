import { isStopWord } from './stop-words.js';

const MAX_TERMS = 32;

/**
 * A word, or an identifier or number written with inner dots, dashes, colons, slashes or
 * underscores (`4.90`, `10.0.0.1`, `node_modules`, `utf-8`, `v1.2.3`): kept whole, so that it
 * is matched as the phrase of its parts rather than as many small words found everywhere.
 */
const TOKEN = /[\p{L}\p{N}]+(?:[._:/@+-][\p{L}\p{N}]+)*/gu;

/** English contractions and the possessive: `don't` → `don`, `file's` → `file`. */
const CONTRACTION = /['’](?:s|t|re|ll|ve|d|m)(?![\p{L}\p{N}])/gu;

/**
 * Turns any user text into an FTS5 query that cannot fail to parse: its terms, each quoted as a
 * string (so `AND`, `NEAR`, `*`, `:` and quotes mean nothing), joined with OR for BM25 to rank.
 * Undefined when the text has no words at all.
 */
export function toFtsQuery(text: string): string | undefined {
  return ftsQueryOf(queryTerms(text));
}

/** The terms of a question worth searching for: lower-cased, deduplicated, stop words dropped. */
export function queryTerms(text: string): string[] {
  const words = [...new Set(text.normalize('NFKC').toLowerCase().replace(CONTRACTION, '').match(TOKEN) ?? [])];
  const content = words.filter((w) => !isStopWord(w));
  return (content.length ? content : words).slice(0, MAX_TERMS);
}

/** Marks that end a sentence: the word after one is capitalised as the sentence's first, not as a name. */
const SENTENCE_END = '.!?:;';
/** Marks that may open a sentence before its first word: `"Should` still begins one. */
const OPENING_MARKS = '"\'“‘([';
const SPACE = /\s/;

/**
 * Whether a word begins a sentence, read from the text between it and the word before (`first`:
 * no word before). That text holds no letter or digit, so nothing further back can change the answer.
 */
function beginsSentence(gap: string, first: boolean): boolean {
  let i = gap.length;
  while (i > 0 && OPENING_MARKS.includes(gap[i - 1])) i--;
  while (i > 0 && SPACE.test(gap[i - 1])) i--;
  return i === 0 ? first : SENTENCE_END.includes(gap[i - 1]);
}

/**
 * The terms of a question written as names (as queryTerms gives them, lower-cased): with a capital
 * inside (`GraphQL`, `ImageMagick`, `GPU`) or a capital first letter where a sentence does not
 * begin (`Heroku`, `Django`). A question about a named thing the knowledge base never mentions is
 * about something else (see relevance.ts).
 */
export function namedTerms(text: string): Set<string> {
  const source = text.normalize('NFKC').replace(CONTRACTION, '');
  const names = new Set<string>();
  let inSentence = 0;
  let capitalised = 0;
  // Where the word before ended: only the text since then is read, so a long question costs linear time.
  let end = 0;
  for (const m of source.matchAll(TOKEN)) {
    const word = m[0];
    const sentenceStart = beginsSentence(source.slice(end, m.index), end === 0);
    end = m.index + word.length;
    if (word.length < 2) continue; // `I`, `A`
    if (!sentenceStart) inSentence++;
    if (!sentenceStart && /^\p{Lu}/u.test(word)) capitalised++;
    if (/\p{Lu}/u.test(word.slice(1)) || (!sentenceStart && /^\p{Lu}/u.test(word))) names.add(word.toLowerCase());
  }
  // A question In Title Case, or in capitals, says nothing of which of its words are names.
  return inSentence >= 3 && capitalised > inSentence / 2 ? new Set() : names;
}

/** A word at least this long also finds the longer words it begins (`async` → `asynchronous`). */
const PREFIX_FROM_LETTERS = 5;

/**
 * A second beginning a long word is also searched by. The stemmers (Porter, Snowball) turn a final
 * `y` into `i` (`expiry` → `expiri`), which then begins none of the word's relatives (`expires`,
 * `expiration` → `expir`): the word without its `y` finds them.
 */
function prefixRoot(word: string): string {
  return word.length > PREFIX_FROM_LETTERS ? word.replace(/y$/, '') : word;
}

/**
 * Terms as an FTS5 query of quoted strings joined with OR; undefined for none. A quoted term of
 * several parts (`"4.90"`) is an FTS5 phrase: its parts must stand side by side, whole.
 */
export function ftsQueryOf(terms: string[]): string | undefined {
  return terms.length ? terms.map(ftsString).join(' OR ') : undefined;
}

/**
 * How one term is searched, by either retriever: a long enough word as the prefixes that find it
 * and the longer words it begins (itself, and its root when the stemmer would hide its relatives,
 * see prefixRoot); any other term as the phrase of its parts and, unless it is a number, also as
 * the parts written together (`HTTP/2` finds `HTTP2`, `e-mail` `email`).
 */
export type TermForms = { prefixes: string[] } | { phrases: string[] };

export function termForms(term: string): TermForms {
  if (term.length >= PREFIX_FROM_LETTERS && /^\p{L}+$/u.test(term)) return { prefixes: [...new Set([term, prefixRoot(term)])] };
  // Numbers stay as written: 4.90 is not 490.
  const joined = /\p{L}/u.test(term) ? term.replace(/[._:/@+-]/g, '') : term;
  return { phrases: [...new Set([term, joined])] };
}

/** One term as an FTS5 expression (see termForms): quoted prefixes or quoted phrases, ORed. */
export function ftsString(term: string): string {
  const forms = termForms(term);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const parts = 'prefixes' in forms ? forms.prefixes.map((f) => `${quote(f)}*`) : forms.phrases.map(quote);
  return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
}

/** A compound of two words joined by a hyphen (`self-signed`, `sub-namespace`): its head is the last. */
const COMPOUND = /^\p{L}+-(\p{L}+)$/u;

/**
 * The word a compound stands for when the documents never write it whole: English compounds name
 * a kind of their last word (`sub-namespace` is a namespace, `self-signed` is signed). Undefined
 * for a term that is no such compound, or whose head is a stop word.
 */
export function compoundHead(term: string): string | undefined {
  const head = COMPOUND.exec(term)?.[1];
  return head && !isStopWord(head) ? head : undefined;
}
