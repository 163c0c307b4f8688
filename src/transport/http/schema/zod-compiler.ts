import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type * as z from 'zod';
import { validationError } from './laravel-messages.js';

/** Route handlers see the parsed output of their schemas (`request.body.content` typed, ids decoded). */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

/**
 * Fastify validates each request part with its route's zod schema; a failure becomes the API's
 * error (422 in Laravel's shape, or 404 for a path's unknown id) through laravel-messages.ts.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema }) => (given) => {
  // As Laravel reads it: a body that is not an object (a bare string, a list, null) has no fields,
  // so each required one is reported missing.
  const data = given !== null && typeof given === 'object' && !Array.isArray(given) ? given : {};
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data };
  // Parsed again with the inputs in the issues (which tell a missing field from one of the wrong
  // type): reporting them on every parse would cost each request more than the parse itself.
  const reported = schema.safeParse(data, { reportInput: true });
  return { error: validationError(reported.error?.issues ?? result.error.issues) };
};

/**
 * Answers are written as they were before the routes had response schemas: JSON.stringify, every
 * field kept in its order. The response schemas document the answers (and a test holds the
 * answers to them); a schema-driven serializer would drop the fields a schema does not name.
 */
export const plainJsonSerializerCompiler = () => (data: unknown) => JSON.stringify(data);
