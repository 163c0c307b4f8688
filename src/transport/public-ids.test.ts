import Sqids from 'sqids';
import { describe, expect, it } from 'vitest';
import { decodeId, encodeId } from './public-ids.js';

describe('public ids', () => {
  it('round-trips store ids as opaque strings of at least 10 characters', () => {
    for (const id of [0, 1, 2, 42, 1000, 123_456_789, Number.MAX_SAFE_INTEGER]) {
      const s = encodeId(id);
      expect(s).toMatch(/^[A-Za-z0-9]{10,}$/);
      expect(decodeId(s)).toBe(id);
    }
    expect(encodeId(1)).not.toBe(encodeId(2));
  });

  it('rejects strings it did not hand out', () => {
    const good = encodeId(42);
    for (const value of [
      '', 'abc', '42', good.toLowerCase() === good ? good.toUpperCase() : good.toLowerCase(), good + 'a',
      good.slice(1), ` ${good}`, `${good} `, `${good}\n`, `${good}-`, 'a'.repeat(33), '../../etc/passwd',
      '0000000000', 'zzzzzzzzzz',
    ]) {
      expect(decodeId(value), JSON.stringify(value)).toBeUndefined();
    }
  });

  it('rejects a non-canonical string that decodes to a real id', () => {
    // Sqids decodes other strings to the same number; only the one encodeId produces is the id.
    const raw = new Sqids({ minLength: 10 });
    const good = encodeId(42);
    const variants = [good + good];
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    for (let i = 1; i < good.length; i++) {
      for (const c of alphabet) variants.push(good.slice(0, i) + c + good.slice(i + 1));
    }
    const aliases = variants.filter((v) => v !== good && raw.decode(v).length === 1 && raw.decode(v)[0] === 42);
    expect(aliases.length).toBeGreaterThan(1);
    for (const alias of aliases) expect(decodeId(alias), alias).toBeUndefined();
  });

  it('rejects values that are not strings', () => {
    for (const value of [null, undefined, 42, 4.2, true, {}, [encodeId(1)], NaN]) {
      expect(decodeId(value), String(value)).toBeUndefined();
    }
  });
});
