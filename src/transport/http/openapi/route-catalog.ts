import type { FastifyInstance, FastifySchema, HTTPMethods } from 'fastify';

/** A route as the OpenAPI document describes it: its method, its fastify URL and its schemas. */
export interface CatalogRoute {
  method: string;
  url: string;
  schema: DocumentedSchema;
}

/** Fastify's route schema, with what the document reads beside the request parts and answers. */
export interface DocumentedSchema extends FastifySchema {
  summary?: string;
  description?: string;
  tags?: string[];
  /** `[]` for a route that needs no API key (a capability URL). */
  security?: Record<string, string[]>[];
}

/**
 * Collects every route registered after it with a schema (fastify's own HEAD twins of GET routes
 * left out): the OpenAPI document is generated from this list, so it names what the server serves.
 */
export function routeCatalog(app: FastifyInstance): CatalogRoute[] {
  const routes: CatalogRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.schema) return;
    const methods = ([] as HTTPMethods[]).concat(route.method).filter((m) => m !== 'HEAD');
    for (const method of methods) routes.push({ method, url: route.url, schema: route.schema as DocumentedSchema });
  });
  return routes;
}
