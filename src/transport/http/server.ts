import { createServer, type Server } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import { KeyAuthenticator } from '../../domain/api-keys.js';
import { bearerAuth } from './bearer-auth.js';
import { RateLimiter } from '../../domain/rate-limiter.js';
import { rateLimitPerKey } from './rate-limit-per-key.js';
import { registerBodyParsers } from './body-parsers.js';
import { registerCors } from './cors.js';
import { answerHeaders, sendError } from './error-response.js';
import { registerErrorHandling } from './error-handler.js';
import { newRequestId } from './request-id.js';
import { plainJsonSerializerCompiler, zodValidatorCompiler } from './schema/zod-compiler.js';
import type { RouteDeps } from './route-deps.js';
import { dutiesOf } from '../../config/server-role.js';
import { streamEndpoint } from './stream-endpoint.js';
import { botRoutes } from './routes/bots.js';
import { conversationRoutes } from './routes/conversations.js';
import { documentRoutes } from './routes/documents.js';
import { folderRoutes } from './routes/folders.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { messageRoutes } from './routes/messages.js';
import { playgroundRoutes } from './routes/playground.js';
import { apiReferenceRoutes } from './routes/api-reference.js';
import { routeCatalog } from './openapi/route-catalog.js';
import { signedUrlRoutes, uploadTargetRoutes } from './routes/uploads.js';

/** Health checks and scrapes: not logged at `info`. */
const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The HTTP face of Parley: the Cody API under /api/v1, the stream URLs, health checks, the
 * playground at /; a process serves those its role names (PARLEY_ROLE), health checks always.
 */
export function buildServer(deps: RouteDeps): FastifyInstance {
  const { config } = deps;
  const duties = dutiesOf(config.role);
  const app = Fastify({
    // The cast keeps fastify's default instance type, which the route modules are written against.
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestIdHeader: 'x-request-id',
    genReqId: newRequestId,
    // The stream URLs are served ahead of fastify (see stream-endpoint.ts); the rest goes to it.
    // Fastify leaves a factory's server as it is made, so the timeouts are set here, and only here.
    serverFactory: (handler) => {
      // A process without the stream role hands /stream/… to fastify, which answers 404.
      const serveStream = duties.streams ? streamEndpoint(deps) : () => false;
      const { headersMs, requestMs, keepAliveMs } = config.http;
      const server = createServer({
        headersTimeout: headersMs,
        // Bounds receiving the request (headers and body), not the answer: node:http stops timing a
        // request once it has arrived whole, so event streams stay open as long as their replies.
        requestTimeout: requestMs,
        // node:http checks the two bounds above this often (30 s by default): short bounds, checked soon.
        connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(headersMs / 4))),
      }, function (this: Server, req, res) {
        if (!serveStream.call(this, req, res)) handler(req, res);
      });
      server.keepAliveTimeout = keepAliveMs;
      return server;
    },
    return503OnClosing: true,
    // One line per request, written by the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Upload tokens are path segments of about 200 characters.
    routerOptions: { maxParamLength: 1024 },
    // Errors the router raises before any route or hook runs (bad URL encoding, over-long segments).
    frameworkErrors: (error, _request, reply: FastifyReply) => sendError(reply, error),
  });
  // Every route declares its request parts and answers as zod schemas (see schema/).
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(plainJsonSerializerCompiler);
  app.decorateRequest('account', null);
  // Set on arrival, in one plain callback (no promise per request); every answer, errors too, keeps them.
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(answerHeaders(request.id));
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    // Counted by the route's pattern, so that ids and tokens never become label values.
    deps.metrics.request(request.method, route ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    // Probes every few seconds would drown the log: they are logged at debug level only. The line
    // is built only when its level is on (servers under load often run at `warn`).
    const level = route !== undefined && QUIET_ROUTES.has(route) ? 'debug' : 'info';
    if (deps.log.isLevelEnabled(level)) {
      request.log[level]({ req: request, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) }, 'request');
    }
    done();
  });
  // Every route with a schema, for the OpenAPI document (GET /openapi.json).
  const routes = routeCatalog(app);
  registerErrorHandling(app);
  registerBodyParsers(app);
  registerCors(app);
  healthRoutes(app, deps.store);
  metricsRoutes(app, deps.metrics, config.metricsToken);
  if (!duties.api) return app;
  playgroundRoutes(app, config);
  apiReferenceRoutes(app, config, routes);
  uploadTargetRoutes(app, deps);

  app.register(async (api) => {
    api.addHook('onRequest', bearerAuth(new KeyAuthenticator(deps.store, config.authCacheMs)));
    if (config.rateLimit) api.addHook('onRequest', rateLimitPerKey(new RateLimiter(config.rateLimit)));
    botRoutes(api, deps);
    conversationRoutes(api, deps);
    messageRoutes(api, deps);
    folderRoutes(api, deps);
    documentRoutes(api, deps);
    signedUrlRoutes(api, deps);
  }, { prefix: '/api/v1' });
  return app;
}
