import type { FastifyInstance } from 'fastify';
import { createUpload } from '../../../domain/documents.js';
import { receiveUpload } from '../../../domain/receive-upload.js';
import { accountOf } from '../bearer-auth.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import { Input } from '../validation.js';

/** `POST /api/v1/uploads/signed-url`: behind bearer auth. */
export function signedUrlRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/uploads/signed-url', async (request) => {
    const input = Input.of(request.body);
    const fileName = input.requiredString('file_name', 255);
    const contentType = input.requiredString('content_type', 255);
    if (contentType && !/^[\w.+-]+\/[\w.+-]+$/.test(contentType.trim())) {
      input.fail('content_type', 'The content type field must be a media type such as application/pdf.');
    }
    input.done();
    const { key, token } = await createUpload(deps, accountOf(request).id, { fileName, contentType: contentType.trim() });
    return { data: { url: `${publicBase(deps.config, request.raw)}/uploads/${token}`, key } };
  });
}

/**
 * `PUT /uploads/<token>`: a capability URL like the stream's, so no bearer auth. Its body is
 * streamed to the blob store as is, whatever its type, so it gets a scope without body parsers.
 */
export function uploadTargetRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put('/uploads/:token', async (request) => {
      const length = request.headers['content-length'];
      const result = await receiveUpload(deps, (request.params as { token: string }).token, {
        contentType: request.headers['content-type'],
        contentLength: length === undefined ? undefined : Number(length),
        body: request.raw,
      }, { staleAfterMs: deps.config.http.requestMs });
      return { data: result };
    });
  });
}
