import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Config } from '../../config/config.js';

/** The last of a header's comma-separated values: the one the nearest proxy added. */
function nearest(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(',') : value;
  return text ? text.slice(text.lastIndexOf(',') + 1).trim() || undefined : undefined;
}

/**
 * PUBLIC_URL, else the address the client reached us at: the base of URLs Parley hands out.
 * Behind a proxy (TRUST_PROXY) that is X-Forwarded-Proto and X-Forwarded-Host, as fastify reads them.
 */
export function publicBase(config: Config, req: IncomingMessage): string {
  if (config.publicUrl) return config.publicUrl;
  const proto = (config.trustProxy && nearest(req.headers['x-forwarded-proto']))
    || ((req.socket as TLSSocket | null)?.encrypted ? 'https' : 'http');
  const host = (config.trustProxy && nearest(req.headers['x-forwarded-host'])) || req.headers.host || '';
  return `${proto}://${host}`;
}
