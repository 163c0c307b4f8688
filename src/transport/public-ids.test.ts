import Sqids from 'sqids';
import { describe, expect, it } from 'vitest';
import { decodeId, encodeId, ID_KINDS, type IdKind } from './public-ids.js';

const KINDS = Object.keys(ID_KINDS) as IdKind[];

describe('public ids', () => {
  it('round-trips store ids of every kind as opaque strings of at least 10 characters', () => {
    for (const kind of KINDS) {
      for (const id of [0, 1, 2, 42, 1000, 123_456_789, Number.MAX_SAFE_INTEGER]) {
        const s = encodeId(kind, id);
        expect(s).toMatch(/^[A-Za-z0-9]{10,}$/);
        expect(decodeId(kind, s)).toBe(id);
      }
      expect(encodeId(kind, 1)).not.toBe(encodeId(kind, 2));
    }
  });

  it('gives the same number a different id in each kind, and refuses one kind as another', () => {
    for (const id of [1, 2, 7, 99_999]) {
      const forms = KINDS.map((kind) => encodeId(kind, id));
      expect(new Set(forms).size).toBe(KINDS.length);
      for (const kind of KINDS) {
        for (const other of KINDS) {
          if (other !== kind) expect(decodeId(other, encodeId(kind, id)), `${kind} as ${other}`).toBeUndefined();
        }
      }
    }
  });

  it('rejects strings it did not hand out', () => {
    const good = encodeId('bot', 42);
    for (const value of [
      '', 'abc', '42', good.toLowerCase() === good ? good.toUpperCase() : good.toLowerCase(), good + 'a',
      good.slice(1), ` ${good}`, `${good} `, `${good}\n`, `${good}-`, 'a'.repeat(33), '../../etc/passwd',
      '0000000000', 'zzzzzzzzzz',
    ]) {
      expect(decodeId('bot', value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('rejects a non-canonical string that decodes to a real id', () => {
    // Sqids decodes other strings to the same numbers; only the one encodeId produces is the id.
    const raw = new Sqids({ minLength: 10 });
    const good = encodeId('conversation', 42);
    const variants = [good + good];
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (let i = 1; i < good.length; i++) {
      for (const c of alphabet) variants.push(good.slice(0, i) + c + good.slice(i + 1));
    }
    const same = (v: string) => raw.decode(v).join() === `${ID_KINDS.conversation},42`;
    const aliases = variants.filter((v) => v !== good && same(v));
    expect(aliases.length).toBeGreaterThan(1);
    for (const alias of aliases) expect(decodeId('conversation', alias), alias).toBeUndefined();
  });

  it('rejects values that are not strings', () => {
    for (const value of [null, undefined, 42, 4.2, true, {}, [encodeId('bot', 1)], NaN]) {
      expect(decodeId('bot', value), String(value)).toBeUndefined();
    }
  });
});
