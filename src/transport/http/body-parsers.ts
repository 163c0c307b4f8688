import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../errors.js';

const jsonAsForm = () => new ApiError(
  415,
  'The body is JSON but its Content-Type is application/x-www-form-urlencoded (what curl -d sends): ' +
    'add the header Content-Type: application/json.',
  'json_sent_as_form',
);

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
    // `curl -d '{...}'` sends JSON labelled as a form; read as one, it would fail as "The name field
    // is required.", which sends people looking in the wrong place.
    if (/^\s*[{[]/.test(body as string)) return done(jsonAsForm(), undefined);
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
