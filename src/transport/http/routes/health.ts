import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../store/store.js';

export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ready' };
    } catch (err) {
      request.log.error({ err }, 'store unreachable');
      return reply.code(503).send({ status: 'unavailable', message: 'The store does not answer.' });
    }
  });
}
