import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateLimiter } from '../../domain/rate-limiter.js';
import { ApiError } from '../../errors.js';

const rateLimited = (seconds: number) =>
  new ApiError(429, `Too many requests. Please try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, 'rate_limited');

/**
 * A hook, after bearer auth, that counts each API key's requests and answers 429 with
 * Retry-After (whole seconds) past its limit. Keys are counted by their hash, so that no key is
 * kept in memory as it was sent.
 */
export function rateLimitPerKey(limiter: RateLimiter) {
  return function limitRate(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const caller = createHash('sha256').update(request.headers.authorization ?? '').digest('base64url');
    const taken = limiter.take(caller);
    if (taken.ok) return done();
    const seconds = Math.ceil(taken.retryAfterMs / 1000);
    reply.header('retry-after', String(seconds));
    done(rateLimited(seconds));
  };
}
