import type { FastifyInstance } from 'fastify';

/** Any origin may call: keys travel in a header, never in cookies, so there is nothing to steal. */
export const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'location, x-request-id, x-message-id, x-reply-id, retry-after',
};

/** Answers preflight requests (PUT too: a browser uploads to the signed URL with it); every other answer carries CORS_HEADERS (set in server.ts). */
export function registerCors(app: FastifyInstance): void {
  app.options('*', async (_request, reply) => {
    reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', 'authorization, content-type, last-event-id')
      .header('access-control-max-age', '86400')
      .send();
  });
}
