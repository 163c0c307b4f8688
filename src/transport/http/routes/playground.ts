import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config/config.js';
import { notFound } from '../../../errors.js';
import { pageSecurityHeaders } from '../page-security.js';

// This file sits four folders below the checkout in src/ and in dist/ alike.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The playground's files: its own, and the client's browser build (made by `npm run build`). */
const FILES: Record<string, { file: string; type: string }> = {
  'playground.js': { file: 'playground/playground.js', type: 'text/javascript; charset=utf-8' },
  'playground.css': { file: 'playground/playground.css', type: 'text/css; charset=utf-8' },
  'parley-client.js': { file: 'client/dist/parley-client.js', type: 'text/javascript; charset=utf-8' },
};

/** The chat playground at `/`: static files, read when asked (small, and rarely asked for). */
export function playgroundRoutes(app: FastifyInstance, config: Config): void {
  const headers = pageSecurityHeaders(config);
  const serve = async (file: string, type: string) => ({
    body: await readFile(path.join(root, file)).catch(() => undefined), type,
  });

  app.get('/', async (_request, reply) => {
    const { body, type } = await serve('playground/index.html', 'text/html; charset=utf-8');
    if (!body) throw notFound('Playground');
    return reply.type(type).headers(headers).header('cache-control', 'no-cache').send(body);
  });

  app.get('/playground/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file;
    // Own entries only: `__proto__` or `constructor` must not read as a file.
    const entry = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    const found = entry && (await serve(entry.file, entry.type));
    if (!found?.body) throw notFound('File');
    return reply.type(found.type).headers(headers).header('cache-control', 'no-cache').send(found.body);
  });
}
