import Sqids from 'sqids';
import { describe, expect, it } from 'vitest';
import { blocklistMatcher } from '../../src/transport/sqids-blocklist.js';
import { decodeId, encodeId, ID_KINDS, type IdKind } from '../../src/transport/public-ids.js';

describe('public ids', () => {
  // The reference: Sqids as shipped, with its own (slow) blocklist test.
  const stock = new Sqids({ minLength: 10 });

  it('are exactly the ids stock Sqids makes, blocked words included, for every kind', { timeout: 120_000 }, () => {
    const ids = [...Array.from({ length: 3_000 }, (_, i) => i), 2 ** 31, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];
    for (let i = 0; i < 500; i++) ids.push(Math.floor(Math.random() * Number.MAX_SAFE_INTEGER));
    const unblocked = new Sqids({ minLength: 10, blocklist: new Set() });
    let reencoded = 0;
    const wrong: string[] = [];
    for (const kind of Object.keys(ID_KINDS) as IdKind[]) {
      for (const id of ids) {
        const want = stock.encode([ID_KINDS[kind], id]);
        const got = encodeId(kind, id);
        if (got !== want || decodeId(kind, want) !== id) wrong.push(`${kind} ${id}: ${got} ≠ ${want}`);
        if (unblocked.encode([ID_KINDS[kind], id]) !== want) reencoded++;
      }
    }
    expect(wrong).toEqual([]);
    // The blocklist did change some of these ids (7 of the first 3,000 of each kind), so that path was compared too.
    expect(reencoded).toBeGreaterThanOrEqual(7);
  });

  it('matches the stock blocklist test on words, their ends, short ids and near misses', () => {
    const words = (stock as unknown as { blocklist: Set<string> }).blocklist;
    const fast = blocklistMatcher(words);
    const slow = (id: string) => (stock as unknown as { isBlockedId(id: string): boolean }).isBlockedId(id);
    const samples = ['abc', 'ab', 'xyz1', 'zzzzzzzzzz'];
    for (const w of words) samples.push(w, w.toUpperCase(), `x${w}`, `${w}x`, `xx${w}xx`, w.slice(1), `${w.slice(0, -1)}Q`);
    for (const s of samples) expect(fast(s), s).toBe(slow(s));
  });

  it('refuses what was not handed out', () => {
    expect(decodeId('bot', 'short')).toBeUndefined();
    expect(decodeId('bot', encodeId('bot', 42).slice(0, -1) + 'A')).not.toBe(42);
    expect(decodeId('bot', '!'.repeat(12))).toBeUndefined();
  });
});
