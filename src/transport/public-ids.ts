import Sqids from 'sqids';
import { blocklistMatcher } from './sqids-blocklist.js';

const sqids = new Sqids({ minLength: 10 });
// Sqids checks every new id against its ~560 blocked words one by one, with a regular expression
// per word: the dearest step of every send. The same test, indexed (see sqids-blocklist.ts), gives
// the same ids; test/api/public-ids.test.ts compares the two over tens of thousands of ids.
const internals = sqids as unknown as { blocklist: Set<string>; isBlockedId(id: string): boolean; shuffle(alphabet: string): string };
internals.isBlockedId = blocklistMatcher(internals.blocklist);
// Its shuffle of an alphabet, the next dearest step (a split, 61 swaps, a join; two or three an
// id), is a pure function of an alphabet that is one of a few hundred rotations and shuffles of
// the first: remembered, it is computed once each.
const shuffled = new Map<string, string>();
const shuffle = internals.shuffle.bind(sqids);
internals.shuffle = (alphabet) => {
  let out = shuffled.get(alphabet);
  if (out === undefined) {
    out = shuffle(alphabet);
    if (shuffled.size < 10_000) shuffled.set(alphabet, out);
  }
  return out;
};

/**
 * Each kind of record encodes its ids with its own tag, so the bot 1 and the conversation 1 have
 * different public ids, and a bot's id sent where a conversation's is expected decodes to nothing.
 * The numbers are part of every id handed out: never renumber them.
 */
export const ID_KINDS = {
  account: 1,
  bot: 2,
  conversation: 3,
  message: 4,
  folder: 5,
  document: 6,
  key: 7,
} as const;
export type IdKind = keyof typeof ID_KINDS;

/**
 * Every request encodes or decodes a few ids, mostly the same ones, so recent ones are remembered.
 */
const CACHE_LIMIT = 10_000;
const caches = new Map<IdKind, { encoded: Map<number, string>; decoded: Map<string, number> }>(
  (Object.keys(ID_KINDS) as IdKind[]).map((kind) => [kind, { encoded: new Map(), decoded: new Map() }]),
);

/** The API shows store ids as short opaque strings, like the published service's, one form per kind. */
export function encodeId(kind: IdKind, id: number): string {
  const cache = caches.get(kind)!;
  let text = cache.encoded.get(id);
  if (text === undefined) {
    text = sqids.encode([ID_KINDS[kind], id]);
    if (cache.encoded.size >= CACHE_LIMIT) {
      cache.encoded.clear();
      cache.decoded.clear();
    }
    cache.encoded.set(id, text);
    cache.decoded.set(text, id);
  }
  return text;
}

/** The store id behind a public id of this kind, or undefined for anything we did not hand out as one. */
export function decodeId(kind: IdKind, value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const known = caches.get(kind)!.decoded.get(value);
  if (known !== undefined) return known;
  if (value.length < 10 || value.length > 32 || !/^[A-Za-z0-9]+$/.test(value)) return undefined;
  const [tag, id, ...rest] = sqids.decode(value);
  // Several strings decode to the same numbers; only the canonical one is a real id.
  if (tag !== ID_KINDS[kind] || id === undefined || rest.length || !Number.isSafeInteger(id)) return undefined;
  return encodeId(kind, id) === value ? id : undefined;
}
