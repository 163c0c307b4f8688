import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../../config/config.js';
import { ownEntry } from '../../../shared/own-entry.js';
import { CHECKOUT_ROOT, pageFileSender, type PageFile } from '../page-files.js';

const at = (file: string) => path.join(CHECKOUT_ROOT, file);

const PAGE: PageFile = { file: at('playground/index.html'), type: 'text/html; charset=utf-8' };

/** The playground's files: its own, and the client's browser build (made by `npm run build`). */
const FILES: Record<string, PageFile> = {
  'playground.js': { file: at('playground/playground.js'), type: 'text/javascript; charset=utf-8' },
  'playground.css': { file: at('playground/playground.css'), type: 'text/css; charset=utf-8' },
  'parley-client.js': { file: at('client/dist/parley-client.js'), type: 'text/javascript; charset=utf-8' },
};

/** The chat playground at `/`: static files. */
export function playgroundRoutes(app: FastifyInstance, config: Config): void {
  const send = pageFileSender(config);
  app.get('/', async (_request, reply) => send(reply, PAGE, 'Playground'));
  app.get('/playground/:file', async (request, reply) =>
    send(reply, ownEntry(FILES, (request.params as { file: string }).file), 'File'));
}
