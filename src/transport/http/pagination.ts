import type { Page, PageRequest } from '../../domain/entities.js';
import type { Input } from './validation.js';

export const DEFAULT_PER_PAGE = 10;
export const MAX_PER_PAGE = 100;

export interface PageQuery extends PageRequest {
  page: number;
  perPage: number;
}

/** `?page=N` (from 1) and Parley's `?per_page=N` (1 to 100). */
export function readPage(input: Input): PageQuery {
  const page = input.optionalInteger('page', 1, 1_000_000_000, 1);
  const perPage = input.optionalInteger('per_page', 1, MAX_PER_PAGE, DEFAULT_PER_PAGE);
  return { page, perPage, limit: perPage, offset: (page - 1) * perPage };
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
