import { ConfigError } from './config-error.js';

/** Parsers for environment values; each throws a message saying what the variable expects. */

export type Parser<T> = (raw: string) => T;

export const str: Parser<string> = (raw) => raw;

export function int(min: number, max: number): Parser<number> {
  return (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expects a whole number from ${min} to ${max}`);
    const n = Number(raw);
    if (n < min || n > max) throw new Error(`expects a whole number from ${min} to ${max}`);
    return n;
  };
}

export function num(min: number, max: number): Parser<number> {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`expects a number from ${min} to ${max}`);
    }
    return n;
  };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `1500ms`, `30s`, `15m`, `1h`, `7d`, or a bare number of seconds; returns milliseconds. */
export function duration(minMs = 1, maxMs = 365 * 86_400_000): Parser<number> {
  return (raw) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(raw);
    const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's'] : NaN;
    if (!Number.isFinite(ms) || ms < minMs || ms > maxMs) {
      throw new Error('expects a duration such as 500ms, 30s, 15m, 1h or 7d (a bare number means seconds)');
    }
    return Math.round(ms);
  };
}

export function oneOf<T extends string>(...values: T[]): Parser<T> {
  return (raw) => {
    if (!(values as string[]).includes(raw)) throw new Error(`expects one of: ${values.join(', ')}`);
    return raw as T;
  };
}

export const httpUrl: Parser<string> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error('expects an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('expects an absolute http(s) URL');
  return raw.replace(/\/+$/, '');
};

export const bool: Parser<boolean> = (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error('expects true or false');
};

export type Env = Record<string, string | undefined>;

/** The variable `name` parsed, or `fallback` when unset or empty; a bad value is a ConfigError naming it. */
export function read<T>(env: Env, name: string, parse: Parser<T>, fallback: T): T;
export function read<T>(env: Env, name: string, parse: Parser<T>): T | undefined;
export function read<T>(env: Env, name: string, parse: Parser<T>, fallback?: T): T | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    return parse(raw);
  } catch (err) {
    throw new ConfigError(name, (err as Error).message, raw);
  }
}
