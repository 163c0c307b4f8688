import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { createUpload } from '../../../domain/documents.js';
import { receiveUpload } from '../../../domain/receive-upload.js';
import { accountOf } from '../bearer-auth.js';
import { publicBase } from '../public-base.js';
import type { RouteDeps } from '../route-deps.js';
import { fieldsOf, issue, required, text } from '../schema/fields.js';
import * as answers from '../schema/responses.js';
import type { ZodTypeProvider } from '../schema/zod-compiler.js';

const tags = ['Uploads'];

const signedUrl = {
  summary: 'Get a signed URL to upload a file to',
  description: 'PUT the file\'s bytes to `url` (no API key), then `POST /api/v1/documents/file` with `key`.', tags,
  body: fieldsOf({
    file_name: required(text(255)),
    content_type: required(text(255).refine((s) => /^[\w.+-]+\/[\w.+-]+$/.test(s.trim()), issue({ rule: 'media_type' })).transform((s) => s.trim())
      .meta({ examples: ['application/pdf'] })),
  }),
  response: {
    200: answers.one(z.strictObject({ url: z.string().meta({ description: 'The signed URL to PUT the file to.' }), key: z.string() })),
    ...answers.errorResponses(415, 422),
  },
};

const refused = (description: string) => answers.errorJson.meta({ description });

const uploadTarget = {
  summary: 'Upload a file to a signed URL',
  description: 'The signed URL itself, a capability: no API key. The body is the file, with the Content-Type given for it.',
  tags, security: [],
  params: fieldsOf({ token: z.string().meta({ description: 'From the signed URL.' }) }),
  response: {
    200: answers.one(z.strictObject({ key: z.string(), size: z.int().meta({ description: 'Bytes received.' }) })),
    403: refused('The upload URL is invalid, has expired or has already been used.'),
    413: refused('The file is larger than the server takes.'),
    415: refused('The Content-Type is not the one the URL was signed for.'),
    500: refused('An unexpected fault (`Server Error`).'),
  },
};

/** `POST /api/v1/uploads/signed-url`: behind bearer auth. */
export function signedUrlRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post('/uploads/signed-url', { schema: signedUrl }, async (request) => {
    const { file_name: fileName, content_type: contentType } = request.body;
    const { key, token } = await createUpload(deps, accountOf(request).id, { fileName, contentType });
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
    scope.withTypeProvider<ZodTypeProvider>().put('/uploads/:token', { schema: uploadTarget }, async (request) => {
      const length = request.headers['content-length'];
      const result = await receiveUpload(deps, request.params.token, {
        contentType: request.headers['content-type'],
        contentLength: length === undefined ? undefined : Number(length),
        body: request.raw,
      }, { staleAfterMs: deps.config.http.requestMs });
      return { data: result };
    });
  });
}
