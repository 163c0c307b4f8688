/** Field name → messages, in Laravel's validation shape. */
export type FieldErrors = Record<string, string[]>;

/**
 * The one error type the API answers with. `status` becomes the HTTP status; `errors` is set
 * for 422s. Messages of 5xx errors are shown only when `expose` is true.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    options: { errors?: FieldErrors; cause?: unknown; expose?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.errors = options.errors;
    this.expose = options.expose ?? status < 500;
  }
  readonly errors: FieldErrors | undefined;
  readonly expose: boolean;
}

/** What an ApiError answers with: `{message}`, and `errors` for 422s; a 5xx's text only when exposed. */
export function apiErrorBody(error: ApiError): { message: string; errors?: FieldErrors } {
  if (!error.expose) return { message: 'Server Error' };
  return error.errors ? { message: error.message, errors: error.errors } : { message: error.message };
}

export const unauthenticated = () => new ApiError(401, 'Unauthenticated.', 'unauthenticated');

export const notFound = (what: string) => new ApiError(404, `${what} not found.`, 'not_found');

/** A 422 whose message is the first field error, as Laravel answers. */
export function validationFailed(errors: FieldErrors): ApiError {
  const first = Object.values(errors)[0]?.[0] ?? 'The given data was invalid.';
  return new ApiError(422, first, 'validation_failed', { errors });
}

export const invalidField = (field: string, message: string) => validationFailed({ [field]: [message] });

export const QUOTA_MESSAGE =
  'You have reached the message limit for last 30 days, please wait till tomorrow or upgrade your plan.';

export const quotaExceeded = () => new ApiError(402, QUOTA_MESSAGE, 'quota_exceeded');
