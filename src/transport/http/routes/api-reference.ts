import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config/config.js';
import { openApiDocument } from '../openapi/openapi-document.js';
import type { CatalogRoute } from '../openapi/route-catalog.js';
import { ownEntry } from '../../../shared/own-entry.js';
import { CHECKOUT_ROOT as root, pageFileSender, type PageFile } from '../page-files.js';

const require = createRequire(import.meta.url);
const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = require(path.join(root, 'package.json')) as { version: string };

const PAGE: PageFile = { file: path.join(root, 'reference/index.html'), type: 'text/html; charset=utf-8' };

/** The reference page's files: our page and its start-up script, and Swagger UI's, from its npm package. */
const FILES: Record<string, PageFile> = {
  'reference.js': { file: path.join(root, 'reference/reference.js'), type: 'text/javascript; charset=utf-8' },
  'reference.css': { file: path.join(root, 'reference/reference.css'), type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: path.join(swaggerUi, 'swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' },
  'swagger-ui.css': { file: path.join(swaggerUi, 'swagger-ui.css'), type: 'text/css; charset=utf-8' },
};

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document generated from the routes' schemas (no API key,
 * like the reference it describes); `GET /docs`: an interactive reference over it.
 */
export function apiReferenceRoutes(app: FastifyInstance, config: Config, routes: readonly CatalogRoute[]): void {
  const send = pageFileSender(config);
  // Built on first request, when every route is registered.
  let document: string | undefined;

  app.get('/openapi.json', async (_request, reply) => {
    document ??= JSON.stringify(openApiDocument(routes, version));
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(document);
  });

  app.get('/docs', async (_request, reply) => send(reply, PAGE, 'Reference'));
  app.get('/docs/:file', async (request, reply) => send(reply, ownEntry(FILES, (request.params as { file: string }).file), 'File'));
}
