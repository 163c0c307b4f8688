import type { FastifyRequest } from 'fastify';
import { MAX_PER_PAGE, type Config } from '../../config/config.js';
import type { Page, PageRequest } from '../../domain/entities.js';
import { publicBase } from './public-base.js';
import { choice, integer, optional } from './schema/fields.js';

/**
 * Each list's page size when neither `per_page` nor PER_PAGE says: what the hosted service answers
 * (15 bots or conversations, 10 messages, in a captured response); 15 for the knowledge base's lists.
 */
export const DEFAULT_PER_PAGE = {
  bots: 15,
  conversations: 15,
  messages: 10,
  folders: 15,
  documents: 15,
} as const;
export type ListName = keyof typeof DEFAULT_PER_PAGE;

export interface PageQuery extends PageRequest {
  page: number;
  perPage: number;
}

/**
 * The query fields of every list: `?page=N` (0 and 1 are both the first page, as Laravel's
 * paginator reads them), Parley's `?per_page=N` (1 to 100) and `?order=newest|oldest`.
 */
export const pageFields = {
  page: optional(integer(0, 1_000_000_000)).meta({ description: 'The page, from 1 (0 reads as 1).' }),
  per_page: optional(integer(1, MAX_PER_PAGE)).meta({ description: 'Items per page (default: the list\'s, or PER_PAGE).' }),
  order: optional(choice(['newest', 'oldest'])).meta({ description: 'Newest first unless LIST_ORDER says otherwise.' }),
};

/** The page a list's query asks for, with the list's defaults (PER_PAGE, LIST_ORDER) where it says nothing. */
export function readPage(
  query: { page?: number; per_page?: number; order?: 'newest' | 'oldest' }, list: ListName, lists: Config['lists'],
): PageQuery {
  const page = Math.max(1, query.page ?? 1);
  const perPage = query.per_page ?? lists.perPage ?? DEFAULT_PER_PAGE[list];
  const order = query.order ?? lists.order;
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage, newestFirst: order === 'newest' };
}

/** This request's URL as the client reached it (PUBLIC_URL, or the proxy's address): what `links` point at. */
export const listUrl = (config: Config, request: FastifyRequest) => `${publicBase(config, request.raw)}${request.url}`;

/**
 * `links` as the hosted service sends them (Fractal's: `{}`, or `previous` / `next` URLs), which
 * clients written against it follow, reading `page` from the URL. Unlike the hosted service's, the
 * rest of the query stays, so the link lists the same things.
 */
function linksOf(url: string, previous: number | null, next: number | null): { previous?: string; next?: string } {
  // Put together as text, as the stream and upload URLs are: the base comes from the Host header,
  // which need not parse as a URL's host (`new URL` would throw, a 500 for the client's typo).
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const to = (page: number) => {
    const params = new URLSearchParams(query === -1 ? '' : url.slice(query + 1));
    params.set('page', String(page));
    return `${path}?${params.toString()}`;
  };
  return { ...(previous !== null && { previous: to(previous) }), ...(next !== null && { next: to(next) }) };
}

/** The list envelope: `{data, meta: {pagination}}`; `url` is the request's own (listUrl). */
export function pageJson<T, J>(result: Page<T>, q: PageQuery, toJson: (item: T) => J, url: string) {
  // As Laravel counts: an empty list is still one (empty) page.
  const totalPages = Math.max(1, Math.ceil(result.total / q.perPage));
  const next = q.page < totalPages ? q.page + 1 : null;
  const previous = q.page > 1 ? q.page - 1 : null;
  return {
    data: result.items.map(toJson),
    meta: {
      pagination: {
        count: result.items.length,
        total: result.total,
        per_page: q.perPage,
        current_page: q.page,
        total_pages: totalPages,
        next_page: next,
        previous_page: previous,
        links: linksOf(url, previous, next),
      },
    },
  };
}
