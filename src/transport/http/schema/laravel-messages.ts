import type * as z from 'zod';
import { notFound, validationFailed, type ApiError, type FieldErrors } from '../../../errors.js';
import type { RuleParams } from './fields.js';

/** "bot_id" → "bot id", "document_ids.0" → "document ids.0", as Laravel names attributes. */
const attribute = (path: readonly PropertyKey[]) => path.map(String).join('.').replace(/_/g, ' ');

/**
 * The one formatter of validation failures: a zod issue (raised by a rule of fields.ts, or by zod
 * itself) → the Laravel message the Cody API answers with ("The name field is required.").
 * Issues carry their input (safeParse with reportInput), so that a missing field and one of the
 * wrong type are told apart.
 */
function laravelMessage(issue: z.core.$ZodIssue): string {
  const name = attribute(issue.path);
  if (issue.input === undefined) return `The ${name} field is required.`;
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'array' ? `The ${name} field must be an array.` : `The ${name} field must be a string.`;
    case 'invalid_value':
      return `The selected ${name} is invalid.`;
    case 'custom':
      return ruleMessage(name, issue.params as RuleParams | undefined);
    default:
      return `The ${name} field is invalid.`;
  }
}

function ruleMessage(name: string, params: RuleParams | undefined): string {
  switch (params?.rule) {
    case 'nul': return `The ${name} field must not contain null characters.`;
    case 'id': return `The selected ${name} is invalid.`;
    case 'boolean': return `The ${name} field must be true or false.`;
    case 'integer': return `The ${name} field must be an integer.`;
    case 'url': return `The ${name} field must be a valid URL.`;
    case 'media_type': return `The ${name} field must be a media type such as application/pdf.`;
    case 'max_chars': return `The ${name} field must not be greater than ${params.limit} characters.`;
    case 'max_kilobytes': return `The ${name} field must not be greater than ${params.limit} kilobytes.`;
    case 'min': return `The ${name} field must be at least ${params.limit}.`;
    case 'max': return `The ${name} field must not be greater than ${params.limit}.`;
    case 'max_items': return `The ${name} field must not have more than ${params.limit} items.`;
    case 'not_found': return `${params.what} not found.`;
    default: return `The ${name} field is invalid.`;
  }
}

/**
 * A failed parse as the API answers it: 404 when a path's id is unknown, else one 422 with every
 * field's messages (in the order of the schema's fields; the first is the message).
 */
export function validationError(issues: readonly z.core.$ZodIssue[]): ApiError {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const params = issue.code === 'custom' ? (issue.params as RuleParams | undefined) : undefined;
    if (params?.rule === 'not_found') return notFound(params.what);
    (errors[issue.path.map(String).join('.')] ??= []).push(laravelMessage(issue));
  }
  return validationFailed(errors);
}
