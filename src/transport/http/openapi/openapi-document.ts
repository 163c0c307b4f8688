import * as z from 'zod';
import { errorJson, noBody } from '../schema/responses.js';
import type { CatalogRoute } from './route-catalog.js';
import { STREAM_URL_PROTOCOL } from './stream-protocol.js';

type JsonSchema = Record<string, unknown>;

/** The named schemas (those with an `id` in their meta, as Bot or Message) met while converting. */
type Components = Record<string, JsonSchema>;

/**
 * zod → JSON Schema 2020-12 (OpenAPI 3.1's dialect); what a request sends, or what an answer
 * holds. Named schemas go to `components` and are referred to there.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output', components: Components): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    target: 'draft-2020-12', io, unrepresentable: 'any',
    // z.int()'s bounds are JavaScript's safe integers: noise in a reference.
    override: ({ jsonSchema: s }) => {
      if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
      if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
    },
  }) as JsonSchema;
  const { $schema: _dialect, noBody: _noBody, headers: _headers, $defs, ...rest } = JSON.parse(
    JSON.stringify(converted).replaceAll('"#/$defs/', '"#/components/schemas/'),
  ) as JsonSchema & { $defs?: Components };
  Object.assign(components, $defs);
  return rest;
}

const isZod = (v: unknown): v is z.ZodType => v instanceof z.ZodType;
const metaOf = (schema: z.ZodType) =>
  (z.globalRegistry.get(schema) ?? {}) as { description?: string; noBody?: boolean; headers?: Record<string, string> };

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 204: 'No Content', 302: 'Found' };

/** Fastify's path (`/conversations/:id`) → OpenAPI's (`/conversations/{id}`). */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function parameters(schema: unknown, where: 'path' | 'query', components: Components) {
  if (!isZod(schema)) return [];
  const object = jsonSchema(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name, in: where, required: where === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' && { description }), schema: rest,
    };
  });
}

function responses(map: Record<string, unknown> | undefined, components: Components) {
  const out: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(map ?? {})) {
    if (isZod(answer)) {
      const { description, noBody, headers } = metaOf(answer);
      out[status] = {
        description: description ?? STATUS_TEXT[status] ?? 'Answer',
        ...(headers && {
          headers: Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, { description: text, schema: { type: 'string' } }])),
        }),
        ...(!noBody && { content: { 'application/json': { schema: jsonSchema(answer, 'output', components) } } }),
      };
    } else {
      // `{description, content: {'text/plain': {schema}}}`: an answer of another type than JSON.
      const { description, content } = answer as { description?: string; content: Record<string, { schema: z.ZodType }> };
      out[status] = {
        description: description ?? STATUS_TEXT[status] ?? 'Answer',
        content: Object.fromEntries(Object.entries(content).map(([type, c]) => [type, { schema: jsonSchema(c.schema, 'output', components) }])),
      };
    }
  }
  return out;
}

function operation(route: CatalogRoute, components: Components) {
  const { schema } = route;
  const body = isZod(schema.body) ? jsonSchema(schema.body, 'input', components) : undefined;
  const params = [...parameters(schema.params, 'path', components), ...parameters(schema.querystring, 'query', components)];
  return {
    operationId: `${route.method.toLowerCase()}${openApiPath(route.url).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(schema.summary && { summary: schema.summary }),
    ...(schema.description && { description: schema.description }),
    ...(schema.tags && { tags: schema.tags }),
    ...(schema.security && { security: schema.security }),
    ...(params.length > 0 && { parameters: params }),
    ...(body && {
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: body },
          // Laravel-based clients send forms; `document_ids[]=…` reads as a list.
          'application/x-www-form-urlencoded': { schema: body },
        },
      },
    }),
    responses: responses(schema.response as Record<string, unknown> | undefined, components),
  };
}

const failure = (description: string) => errorJson.meta({ description });

/** The stream URL: served ahead of fastify (stream-endpoint.ts), so described here in words. */
const streamPath = (components: Components) => ({
  get: {
    operationId: 'getStream', summary: 'Read a reply as Server-Sent Events', tags: ['Streaming'], description: STREAM_URL_PROTOCOL,
    security: [],
    parameters: [
      { name: 'token', in: 'path', required: true, description: 'The sealed reference of the reply, from the stream URL.', schema: { type: 'string' } },
      { name: 'Last-Event-ID', in: 'header', required: false, description: 'The `id` of the last event received: the stream continues after it.', schema: { type: 'string' } },
    ],
    // The same answers, in the same conversion, as the routes' (the error body is theirs).
    responses: responses({
      200: { description: 'The reply, as it is generated (or replayed).', content: { 'text/event-stream': { schema: z.string() } } },
      204: noBody('Resumed with `Last-Event-ID: end`: the stream is over, stop reconnecting.'),
      404: failure('A malformed or tampered token, or one whose message was deleted.'),
      410: failure('The stream URL has expired.'),
      503: failure('The server is shutting down.'),
    }, components),
  },
});

/**
 * The OpenAPI 3.1 document of the API, generated from the routes' zod schemas (and the stream
 * URL's description, which is no fastify route).
 */
export function openApiDocument(routes: readonly CatalogRoute[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Components = {};
  for (const route of routes) (paths[openApiPath(route.url)] ??= {})[route.method.toLowerCase()] = operation(route, schemas);
  paths['/stream/{token}'] = streamPath(schemas);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley: the Cody AI REST API v1',
      version,
      description: 'A self-hosted server of the Cody AI REST API v1. Every endpoint under `/api/v1` wants ' +
        '`Authorization: Bearer <key>`. Errors are `{"message"}`, and `{"message", "errors"}` for 422 (Laravel\'s shape). ' +
        'Replies stream over Server-Sent Events from a stream URL: see `POST /api/v1/messages/stream` and `GET /stream/{token}`.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }],
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (`parley key create`): `Authorization: Bearer parley_…`.' },
      },
    },
    paths,
  };
}
