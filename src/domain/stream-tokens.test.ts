import { describe, expect, it } from 'vitest';
import { StreamTokens } from './stream-tokens.js';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const grant = { replyId: 42, accountId: 7, expiresAt: Date.parse('2100-01-01T00:00:00Z') };
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('StreamTokens', () => {
  const tokens = new StreamTokens(SECRET);

  it('opens what it sealed', () => {
    expect(tokens.open(tokens.seal(grant))).toEqual({ ok: true, grant });
  });

  it('seals the same grant differently each time (random IV), in a URL-safe alphabet', () => {
    const a = tokens.seal(grant);
    const b = tokens.seal(grant);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('is the published envelope: base64 of {"iv","value","mac","tag"}, hiding the ids', () => {
    const envelope = JSON.parse(Buffer.from(tokens.seal(grant), 'base64url').toString('utf8'));
    expect(Object.keys(envelope)).toEqual(['iv', 'value', 'mac', 'tag']);
    // The plaintext would be [42,7,…]; the sealed value must not be it, in any encoding we use.
    const plain = JSON.stringify([grant.replyId, grant.accountId, grant.expiresAt]);
    const value = Buffer.from(envelope.value, 'base64').toString('latin1');
    expect(value).not.toContain(plain);
    expect(value.length).toBe(plain.length);
    expect(envelope.mac).toBe('');
  });

  it('reports an expired grant as expired, not as invalid', () => {
    const sealed = tokens.seal({ ...grant, expiresAt: 1_000 });
    expect(tokens.open(sealed, 999)).toEqual({ ok: true, grant: { ...grant, expiresAt: 1_000 } });
    expect(tokens.open(sealed, 1_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token sealed under another secret', () => {
    const other = new StreamTokens('another-secret-of-at-least-32-characters');
    expect(tokens.open(other.seal(grant))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses every token with any single character changed', () => {
    const sealed = tokens.seal(grant);
    for (let i = 0; i < sealed.length; i++) {
      for (const replacement of [ALPHABET[(ALPHABET.indexOf(sealed[i]) + 1) % 64], ALPHABET[(ALPHABET.indexOf(sealed[i]) + 32) % 64]]) {
        const tampered = sealed.slice(0, i) + replacement + sealed.slice(i + 1);
        expect(tokens.open(tampered), `character ${i}`).toEqual({ ok: false, reason: 'invalid' });
      }
    }
  });

  it('refuses every token with any single bit of its envelope flipped', () => {
    const json = Buffer.from(tokens.seal(grant), 'base64url');
    for (let i = 0; i < json.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const flipped = Buffer.from(json);
        flipped[i] ^= 1 << bit;
        expect(tokens.open(flipped.toString('base64url')), `byte ${i} bit ${bit}`).toEqual({ ok: false, reason: 'invalid' });
      }
    }
  });

  it('refuses tokens that decode to JSON other than an envelope object', () => {
    const tokens = new StreamTokens('s'.repeat(32));
    for (const json of ['null', '0', 'true', '"x"', '[]', '{}']) {
      expect(tokens.open(Buffer.from(json).toString('base64url'))).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses truncated, extended, empty and garbage tokens', () => {
    const sealed = tokens.seal(grant);
    for (const bad of [
      sealed.slice(0, -1), sealed.slice(1), sealed.slice(0, sealed.length / 2), `${sealed}A`, '', 'garbage',
      'x'.repeat(2000), `${sealed}=`, `${sealed.slice(0, 5)}+${sealed.slice(6)}`, Buffer.from('{"iv":"","value":"","mac":"","tag":""}').toString('base64url'),
    ]) {
      expect(tokens.open(bad), bad.slice(0, 40)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('refuses a grant whose IV and ciphertext are swapped in from another token', () => {
    const a = JSON.parse(Buffer.from(tokens.seal(grant), 'base64url').toString());
    const b = JSON.parse(Buffer.from(tokens.seal({ ...grant, replyId: 43 }), 'base64url').toString());
    const mixed = Buffer.from(JSON.stringify({ iv: a.iv, value: b.value, mac: '', tag: a.tag })).toString('base64url');
    expect(tokens.open(mixed)).toEqual({ ok: false, reason: 'invalid' });
  });
});
