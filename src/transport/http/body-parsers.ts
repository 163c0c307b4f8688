import type { FastifyInstance } from 'fastify';

/**
 * JSON as usual (with fastify's protection against prototype poisoning), except that an empty
 * body counts as `{}`; and HTML form bodies, which Laravel-based clients may send, with `a[]=`
 * read as arrays. Nothing else: fastify's own text/plain parser would hand routes a bare string,
 * which then failed as "field is required" instead of as a body of the wrong type (415).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') return done(null, {});
    json(req, body as string, done);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const out: Record<string, unknown> = Object.create(null);
    for (const [key, value] of new URLSearchParams(body as string)) {
      if (!key.endsWith('[]')) {
        out[key] = value;
        continue;
      }
      // As PHP reads `a=x&a[]=y`: the later field wins, so a plain value before `a[]` is replaced.
      const name = key.slice(0, -2);
      const list = out[name];
      if (Array.isArray(list)) list.push(value);
      else out[name] = [value];
    }
    done(null, out);
  });
}
