import type { FastifyInstance } from 'fastify';

/**
 * JSON as usual (with fastify's protection against prototype poisoning), except that an empty
 * body counts as `{}`; and HTML form bodies, which Laravel-based clients may send, with `a[]=`
 * read as arrays.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') return done(null, {});
    json(req, body as string, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, value] of new URLSearchParams(body as string)) {
      if (key.endsWith('[]')) ((out[key.slice(0, -2)] ??= []) as string[]).push(value);
      else out[key] = value;
    }
    done(null, out);
  });
}
