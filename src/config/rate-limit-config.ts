import type { RateLimit } from '../domain/rate-limiter.js';
import { duration, int, read, type Env, type Parser } from './env-parsers.js';

/** `600/1m`, `20/10s`, `5000/h`: requests per window; `off` (the default) for none. */
const rateLimitParser: Parser<RateLimit | undefined> = (raw) => {
  if (raw.trim().toLowerCase() === 'off') return undefined;
  const m = /^\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(raw);
  if (!m) throw new Error('expects requests per window such as 600/1m or 20/10s, or off');
  const requests = int(1, 1_000_000_000)(m[1]);
  const window = /^(ms|s|m|h|d)$/.test(m[2]) ? `1${m[2]}` : m[2];
  return { requests, windowMs: duration(1000, 86_400_000)(window) };
};

/** RATE_LIMIT: how many requests each API key may make, per process. */
export const readRateLimit = (env: Env): RateLimit | undefined => read(env, 'RATE_LIMIT', rateLimitParser, undefined);
