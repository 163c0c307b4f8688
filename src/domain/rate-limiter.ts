/** How many requests one caller may make: `requests` per `windowMs`, with a burst of `requests`. */
export interface RateLimit {
  requests: number;
  windowMs: number;
}

export type Taken = { ok: true } | { ok: false; retryAfterMs: number };

/** Above this many callers, the ones whose buckets have filled up again are forgotten. */
const TRACKED_LIMIT = 50_000;

/**
 * Token buckets, one a caller: a bucket holds up to `requests` tokens and refills at `requests`
 * per window; each request takes one. A caller who waited the whole window has the whole burst
 * again, and one who exceeded it is told exactly when the next token arrives. In this process's
 * memory: with several processes, each counts its own share of a caller's requests.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly limit: RateLimit) {
    this.perMs = limit.requests / limit.windowMs;
  }

  take(caller: string, now = Date.now()): Taken {
    const bucket = this.buckets.get(caller);
    const tokens = bucket ? Math.min(this.limit.requests, bucket.tokens + (now - bucket.at) * this.perMs) : this.limit.requests;
    // The small slack keeps floating-point dust from refusing a request on time, or adding a millisecond.
    if (tokens >= 1 - 1e-9) {
      if (!bucket && this.buckets.size >= TRACKED_LIMIT) this.forgetFull(now);
      this.buckets.set(caller, { tokens: Math.max(0, tokens - 1), at: now });
      return { ok: true };
    }
    if (bucket) {
      bucket.tokens = tokens;
      bucket.at = now;
    }
    return { ok: false, retryAfterMs: Math.max(1, Math.ceil((1 - tokens) / this.perMs - 1e-6)) };
  }

  private forgetFull(now: number): void {
    for (const [caller, b] of this.buckets) {
      if (b.tokens + (now - b.at) * this.perMs >= this.limit.requests) this.buckets.delete(caller);
    }
  }
}
