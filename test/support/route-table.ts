import type { FastifyInstance } from 'fastify';

export interface Route {
  method: string;
  /** With `:param` placeholders, e.g. /api/v1/conversations/:id. */
  path: string;
}

/**
 * Every route the server registered, read from fastify's own table (printRoutes), so a route added
 * later is fuzzed and isolation-checked without anyone listing it here. HEAD and OPTIONS (CORS) aside.
 */
export function routeTable(server: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of server.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│\s]*)[├└]── (\S+) \(([^)]+)\)/u.exec(line);
    if (!m) continue;
    const depth = [...m[1]].length / 4;
    stack.length = depth;
    const full = (stack[depth - 1] ?? '') + m[2];
    stack[depth] = full;
    if (full === '*') continue;
    for (const method of m[3].split(',').map((s) => s.trim())) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, path: full });
    }
  }
  return routes;
}
