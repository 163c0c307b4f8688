import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { resolveSecret } from './resolve-secret.js';

describe('resolveSecret', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-secret-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a secret once, readable by its owner only, with no temporary file left', () => {
    const made = resolveSecret(undefined, dir);
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(resolveSecret(undefined, dir)).toBe(made);
    expect(readdirSync(dir)).toEqual(['secret']);
    expect(statSync(path.join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'secret'), 'utf8')).toBe(`${made}\n`);
  });

  it('PARLEY_SECRET wins over the file', () => {
    expect(resolveSecret('g'.repeat(40), dir)).toBe('g'.repeat(40));
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([['empty', ''], ['blank', ' \n'], ['cut short', 'abcdefgh12345']])(
    'refuses a secret file that is %s, naming the variable and the file but not its text', (_, text) => {
      writeFileSync(path.join(dir, 'secret'), text);
      let caught: unknown;
      try {
        resolveSecret(undefined, dir);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const err = caught as ConfigError;
      expect(err.variable).toBe('PARLEY_SECRET');
      expect(err.message).toContain(path.join(dir, 'secret'));
      expect(err.message).toContain(`holds ${text.trim().length} characters`);
      if (text.trim()) expect(err.message).not.toContain(text.trim());
    },
  );
});
