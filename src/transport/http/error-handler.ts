import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError, apiErrorBody } from '../../errors.js';

/** Fastify's own client errors, in words a client can act on. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be JSON (Content-Type: application/json).',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The request body does not match its Content-Length.',
};

/**
 * The one place errors become responses, in the Cody shapes: `{message}` and, for 422,
 * `{message, errors}`. The text of unexpected 5xx errors is logged, never sent.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.code(error.status).send(apiErrorBody(error));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.code(500).send({ message: 'Server Error' });
    }
    const message = FASTIFY_MESSAGES[error.code] ??
      (error instanceof SyntaxError ? FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY : error.message);
    return reply.code(status).send({ message });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ message: `The route ${request.method} ${request.url.split('?')[0]} could not be found.` });
  });
}
