import type { FastifyInstance } from 'fastify';

/** Any origin may call: keys travel in a header, never in cookies, so there is nothing to steal. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'location, x-request-id, x-message-id, x-reply-id, retry-after',
};

const ALLOWED_HEADERS = 'authorization, content-type, last-event-id';
/** A list of header names, as a preflight's Access-Control-Request-Headers holds. */
const HEADER_NAMES = /^[!#$%&'*+.^\w`|~-]+(\s*,\s*[!#$%&'*+.^\w`|~-]+)*$/;

/**
 * Answers preflight requests (PUT too: a browser uploads to the signed URL with it); every other
 * answer carries CORS_HEADERS (set in server.ts). Whatever headers the page asks to send are
 * allowed, as Laravel's default CORS configuration allows them: pages send headers of their own
 * (one published widget sends `credentials: include` as a header), and with no cookies in play
 * allowing them gives nothing away.
 */
export function registerCors(app: FastifyInstance): void {
  app.options('*', async (request, reply) => {
    const asked = request.headers['access-control-request-headers'];
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', typeof asked === 'string' && HEADER_NAMES.test(asked) ? asked : ALLOWED_HEADERS)
      .header('access-control-max-age', '86400')
      .header('vary', 'access-control-request-headers')
      .send();
  });
}
