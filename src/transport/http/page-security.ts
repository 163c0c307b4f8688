import type { Config } from '../../config/config.js';

const originOf = (url: string | undefined) => (url ? new URL(url).origin : undefined);

/**
 * The headers of the pages Parley serves (the playground and its files). The page holds an API
 * key, so it runs nothing but its own files (no inline script, no other origin's), talks only to
 * this server (and to the stream URLs' host, when that is another), and may not be framed (no
 * clickjacking) nor leak its URLs to other sites through Referer.
 */
export function pageSecurityHeaders(config: Pick<Config, 'publicUrl' | 'streamPublicUrl'>): Record<string, string> {
  const connect = new Set(["'self'"]);
  for (const url of [config.publicUrl, config.streamPublicUrl]) {
    const origin = originOf(url);
    if (origin) connect.add(origin);
  }
  return {
    'content-security-policy': [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
      `connect-src ${[...connect].join(' ')}`, "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  };
}
