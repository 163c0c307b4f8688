import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config/config.js';
import { notFound } from '../../../errors.js';
import { openApiDocument } from '../openapi/openapi-document.js';
import type { CatalogRoute } from '../openapi/route-catalog.js';
import { pageSecurityHeaders } from '../page-security.js';

// This file sits four folders below the checkout in src/ and in dist/ alike.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const require = createRequire(import.meta.url);
const swaggerUi = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const { version } = require(path.join(root, 'package.json')) as { version: string };

/** The reference page's files: our page and its start-up script, and Swagger UI's, from its npm package. */
const FILES: Record<string, { file: string; type: string }> = {
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
  const headers = pageSecurityHeaders(config);
  // Built on first request, when every route is registered.
  let document: string | undefined;

  app.get('/openapi.json', async (_request, reply) => {
    document ??= JSON.stringify(openApiDocument(routes, version));
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(document);
  });

  app.get('/docs', async (_request, reply) => {
    const body = await readFile(path.join(root, 'reference/index.html')).catch(() => undefined);
    if (!body) throw notFound('Reference');
    return reply.type('text/html; charset=utf-8').headers(headers).header('cache-control', 'no-cache').send(body);
  });

  app.get('/docs/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file;
    // Own entries only: `__proto__` or `constructor` must not read as a file.
    const entry = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    const body = entry && (await readFile(entry.file).catch(() => undefined));
    if (!entry || !body) throw notFound('File');
    return reply.type(entry.type).headers(headers).header('cache-control', 'no-cache').send(body);
  });
}
