import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { unauthenticated } from '../../../errors.js';
import type { PrometheusMetrics } from '../../../metrics/prometheus-metrics.js';

/**
 * `GET /metrics` in Prometheus' text format. With METRICS_TOKEN set it wants
 * `Authorization: Bearer <token>` (401 otherwise); without, it is open like /healthz.
 */
export function metricsRoutes(app: FastifyInstance, metrics: PrometheusMetrics, token: string | undefined): void {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (request, reply) => {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthenticated();
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
