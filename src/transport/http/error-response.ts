import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { ApiError, apiErrorBody, type FieldErrors } from '../../errors.js';
import { ownEntry } from '../../shared/own-entry.js';
import { CORS_HEADERS } from './cors.js';

/** Fastify's own client errors, in words a client can act on. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The request body is empty.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is too large.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The request body must be JSON (Content-Type: application/json).',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The request body does not match its Content-Length.',
  // The router's, raised before any route or hook runs.
  FST_ERR_BAD_URL: 'The URL is not valid: it has a %-escape that does not decode to UTF-8.',
  FST_ERR_MAX_PARAM_LENGTH: 'A segment of the URL is too long.',
};

export interface ErrorResponse {
  status: number;
  body: { message: string; errors?: FieldErrors };
  /** An unexpected fault: its text goes to the log, never to the client. */
  internal: boolean;
}

/**
 * The one mapping of errors to answers, in the Cody shapes: `{message}` and, for 422,
 * `{message, errors}`. Used for the API (fastify's error handler, the router's errors) and for the
 * stream endpoint alike, so that every refusal looks the same wherever it comes from.
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof ApiError) return { status: error.status, body: apiErrorBody(error), internal: error.status >= 500 };
  const { statusCode, code, message } = error as { statusCode?: number; code?: string; message?: string };
  const status = typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
  if (status >= 500) return { status: 500, body: { message: 'Server Error' }, internal: true };
  const text = (code ? ownEntry(FASTIFY_MESSAGES, code) : undefined) ??
    (error instanceof SyntaxError ? FASTIFY_MESSAGES.FST_ERR_CTP_INVALID_JSON_BODY : message ?? 'The request is not valid.');
  return { status, body: { message: text }, internal: false };
}

/** What every answer carries, errors included: CORS (any origin may call) and the request id. */
export const answerHeaders = (requestId: string): Record<string, string> => ({
  ...CORS_HEADERS, 'x-request-id': requestId, 'x-content-type-options': 'nosniff',
});

/** Sends an error through fastify, with the headers of every answer (the router's errors come before any hook). */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  const { status, body } = errorResponse(error);
  return reply.headers(answerHeaders(reply.request.id)).code(status).send(body);
}

/** Writes an error on a bare node:http response (the stream endpoint, served ahead of fastify). */
export function writeError(res: ServerResponse, requestId: string, error: unknown, extra: Record<string, string> = {}): void {
  const { status, body } = errorResponse(error);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...answerHeaders(requestId), ...extra,
    'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text),
  }).end(text);
}
