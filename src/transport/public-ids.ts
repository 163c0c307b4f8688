import Sqids from 'sqids';
import { blocklistMatcher } from './sqids-blocklist.js';

const sqids = new Sqids({ minLength: 10 });
// Sqids checks every new id against its ~560 blocked words one by one, with a regular expression
// per word: the dearest step of every send. The same test, indexed (see sqids-blocklist.ts), gives
// the same ids; test/api/public-ids.test.ts compares the two over tens of thousands of ids.
const internals = sqids as unknown as { blocklist: Set<string>; isBlockedId(id: string): boolean };
internals.isBlockedId = blocklistMatcher(internals.blocklist);

/**
 * Every request encodes or decodes a few ids, mostly the same ones, so recent ones are remembered.
 */
const CACHE_LIMIT = 10_000;
const encoded = new Map<number, string>();
const decoded = new Map<string, number>();

/** The API shows store ids as short opaque strings, like the published service's. */
export function encodeId(id: number): string {
  let text = encoded.get(id);
  if (text === undefined) {
    text = sqids.encode([id]);
    if (encoded.size >= CACHE_LIMIT) {
      encoded.clear();
      decoded.clear();
    }
    encoded.set(id, text);
    decoded.set(text, id);
  }
  return text;
}

/** The store id behind a public id, or undefined for anything we did not hand out. */
export function decodeId(value: unknown): number | undefined {
  if (typeof value === 'number') value = String(value);
  if (typeof value === 'string') {
    const known = decoded.get(value);
    if (known !== undefined) return known;
  }
  if (typeof value !== 'string' || value.length < 10 || value.length > 32 || !/^[A-Za-z0-9]+$/.test(value)) {
    return undefined;
  }
  const [id, ...rest] = sqids.decode(value);
  // Several strings decode to the same number; only the canonical one is a real id.
  if (id === undefined || rest.length || !Number.isSafeInteger(id) || encodeId(id) !== value) return undefined;
  return id;
}
