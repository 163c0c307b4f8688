import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { KeyAuthenticator } from '../../domain/api-keys.js';
import { bearerAuth } from './auth.js';
import { registerBodyParsers } from './body-parsers.js';
import { CORS_HEADERS, registerCors } from './cors.js';
import { registerErrorHandling } from './error-handler.js';
import type { RouteDeps } from './route-deps.js';
import { botRoutes } from './routes/bots.js';
import { conversationRoutes } from './routes/conversations.js';
import { documentRoutes } from './routes/documents.js';
import { folderRoutes } from './routes/folders.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { streamRoutes } from './routes/stream.js';
import { signedUrlRoutes, uploadTargetRoutes } from './routes/uploads.js';

/** The HTTP face of Parley: the Cody API under /api/v1, the stream URLs, and health checks. */
export function buildServer(deps: RouteDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    // The cast keeps fastify's default instance type, which the route modules are written against.
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    // Event streams stay open for as long as a reply takes; the generation has its own timeout.
    requestTimeout: 0,
    return503OnClosing: true,
    // Stream tokens are path segments of about 200 characters.
    routerOptions: { maxParamLength: 1024 },
    // Errors the router raises before any route runs (bad URL encoding, over-long segments).
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      reply.code(error.statusCode ?? 400).send({ message: error.message });
    },
  });
  app.decorateRequest('account', null);
  // Set on arrival, in one plain callback (no promise per request); every answer, errors too, keeps them.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(CORS_HEADERS).header('x-request-id', request.id);
    done();
  });
  registerErrorHandling(app);
  registerBodyParsers(app);
  registerCors(app);
  healthRoutes(app, deps.store);
  streamRoutes(app, deps);
  uploadTargetRoutes(app, deps);

  app.register(async (api) => {
    api.addHook('onRequest', bearerAuth(new KeyAuthenticator(deps.store, config.authCacheMs)));
    botRoutes(api, deps);
    conversationRoutes(api, deps);
    messageRoutes(api, deps);
    folderRoutes(api, deps);
    documentRoutes(api, deps);
    signedUrlRoutes(api, deps);
  }, { prefix: '/api/v1' });
  return app;
}
