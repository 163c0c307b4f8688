import { MAX_PER_PAGE, type Config } from '../../config/config.js';
import type { Page, PageRequest } from '../../domain/entities.js';
import type { Input } from './validation.js';

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
 * `?page=N` (0 and 1 are both the first page, as Laravel's paginator reads them), Parley's
 * `?per_page=N` (1 to 100) and `?order=newest|oldest` (default LIST_ORDER, newest first).
 */
export function readPage(input: Input, list: ListName, lists: Config['lists']): PageQuery {
  const page = Math.max(1, input.optionalInteger('page', 0, 1_000_000_000, 1));
  const perPage = input.optionalInteger('per_page', 1, MAX_PER_PAGE, lists.perPage ?? DEFAULT_PER_PAGE[list]);
  const order = input.optionalChoice('order', ['newest', 'oldest'], lists.order);
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage, newestFirst: order === 'newest' };
}

/** The list envelope: `{data, meta: {pagination}}`. */
export function pageJson<T, J>(result: Page<T>, q: PageQuery, toJson: (item: T) => J) {
  // As Laravel counts: an empty list is still one (empty) page.
  const totalPages = Math.max(1, Math.ceil(result.total / q.perPage));
  return {
    data: result.items.map(toJson),
    meta: {
      pagination: {
        count: result.items.length,
        total: result.total,
        per_page: q.perPage,
        current_page: q.page,
        total_pages: totalPages,
        next_page: q.page < totalPages ? q.page + 1 : null,
        previous_page: q.page > 1 ? q.page - 1 : null,
      },
    },
  };
}
