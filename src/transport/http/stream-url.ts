import type { FastifyRequest } from 'fastify';
import type { StreamGrant } from '../../domain/stream-tokens.js';
import { publicBase } from './public-base.js';
import type { RouteDeps } from './route-deps.js';

/** STREAM_PUBLIC_URL, else PUBLIC_URL, else the address the client reached us at, + /stream/<token>. */
export function streamUrl(deps: Pick<RouteDeps, 'config' | 'tokens'>, request: FastifyRequest, grant: StreamGrant): string {
  const base = deps.config.streamPublicUrl ?? publicBase(deps.config, request.raw);
  return `${base}/stream/${deps.tokens.seal(grant)}`;
}
