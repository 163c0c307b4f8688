import type { IncomingMessage } from 'node:http';

let next = 0;

/** A new request id, numbered as fastify numbers them: `req-1`, `req-2`, … (base 36). */
export const newRequestId = (): string => `req-${(++next).toString(36)}`;

/** The client's X-Request-Id when it sends one (so that a trace runs through), else a new id. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given !== '' ? given : newRequestId();
}
