import type { FastifyInstance } from 'fastify';
import { errorResponse, sendError } from './error-response.js';

/**
 * Errors of the API's routes become answers in one place (error-response.ts); the text of
 * unexpected 5xx errors is logged, never sent.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    if (errorResponse(error).internal) request.log.error({ err: error }, (error as Error).message || 'request failed');
    return sendError(reply, error);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ message: `The route ${request.method} ${request.url.split('?')[0]} could not be found.` });
  });
}
