import * as z from 'zod';

/** The API's answers, as the presenters (presenters.ts, knowledge-presenters.ts) shape them. */

const id = (kind: string) => z.string().meta({ description: `The ${kind}'s id.` });
const createdAt = z.int().meta({ description: 'Unix seconds.' });

export const botJson = z.strictObject({
  id: id('bot'), name: z.string(), description: z.string().nullable(),
  model: z.string().meta({ description: "The bot's model, else the server's default, else `extractive`." }),
  created_at: createdAt,
}).meta({ id: 'Bot', title: 'Bot' });

export const conversationJson = z.strictObject({
  id: id('conversation'), name: z.string(), bot_id: id('bot'), created_at: createdAt,
  document_ids: z.array(z.string()).optional().meta({ description: 'With `includes=document_ids`: its focus documents.' }),
}).meta({ id: 'Conversation', title: 'Conversation' });

export const usageJson = z.strictObject({
  tokens: z.int(), credits: z.number(),
  prompt_tokens: z.int(), completion_tokens: z.int(), total_tokens: z.int(),
  estimated: z.boolean().meta({ description: 'True when the model did not report its counts.' }),
}).meta({ id: 'Usage', title: 'Usage' });

export const sourceJson = z.strictObject({
  type: z.literal('written'), document_id: id('document'), document_name: z.string(), document_url: z.string(),
  created_at: createdAt,
}).meta({ id: 'Source', title: 'Source' });

export const messageJson = z.strictObject({
  id: id('message'), content: z.string(), conversation_id: id('conversation'),
  machine: z.boolean().meta({ description: 'True for a reply of the bot.' }),
  failed_responding: z.boolean(), flagged: z.boolean(), created_at: createdAt,
  usage: usageJson.optional().meta({ description: 'With `includes=usage`, on replies made by a model.' }),
  sources: z.strictObject({ data: z.array(sourceJson) }).optional().meta({ description: 'With `includes=sources`.' }),
}).meta({ id: 'Message', title: 'Message' });

export const folderJson = z.strictObject({ id: id('folder'), name: z.string(), created_at: createdAt }).meta({ id: 'Folder', title: 'Folder' });

export const documentJson = z.strictObject({
  id: id('document'), name: z.string(), status: z.enum(['syncing', 'synced', 'sync_failed']),
  content_url: z.string().meta({ description: 'The extracted text (`text/plain`), for the owning account.' }),
  folder_id: id('folder'), created_at: createdAt,
  failure_reason: z.string().nullable().meta({ description: 'Why a `sync_failed` import failed.' }),
}).meta({ id: 'Document', title: 'Document' });

/** `{data: {...}}`. */
export const one = <T extends z.ZodType>(item: T) => z.strictObject({ data: item });

/** `{data: [...], meta: {pagination}}`, as Laravel's paginator. */
export const page = <T extends z.ZodType>(item: T) => z.strictObject({
  data: z.array(item),
  meta: z.strictObject({
    pagination: z.strictObject({
      count: z.int(), total: z.int(), per_page: z.int(), current_page: z.int(), total_pages: z.int(),
      next_page: z.int().nullable(), previous_page: z.int().nullable(),
      links: z.strictObject({ previous: z.string().optional(), next: z.string().optional() })
        .meta({ description: 'The URLs of the neighbouring pages, as the hosted service sends them (`{}` when there are none).' }),
    }),
  }),
});

export const errorJson = z.strictObject({ message: z.string() }).meta({ title: 'Error' });

const validationErrorJson = z.strictObject({
  message: z.string().meta({ description: 'The first field error.' }),
  errors: z.record(z.string(), z.array(z.string())).meta({ description: 'Field name → its messages (`document_ids.0` for a list item).' }),
}).meta({ title: 'ValidationError', examples: [{ message: 'The name field is required.', errors: { name: ['The name field is required.'] } }] });

/** An answer without a body (204, 302): its schema is only its description, and the headers it carries. */
export const noBody = (description: string, headers?: Record<string, string>) => z.void().meta({ description, noBody: true, headers });

const ERRORS = {
  401: [errorJson, 'No key, or a malformed, unknown or revoked one: `Unauthenticated.`'],
  402: [errorJson, "The account's 30-day message limit is reached (nothing is stored)."],
  404: [errorJson, 'An unknown id (or another account\'s, which looks the same): `… not found.`'],
  415: [errorJson, 'A body that is neither JSON nor a form.'],
  422: [validationErrorJson, "A field's value is refused: Laravel's shape, the first error as `message`."],
  429: [errorJson, 'The key made more requests than RATE_LIMIT allows (header `Retry-After`).'],
  500: [errorJson, 'An unexpected fault (`Server Error`); on `POST /messages`, why the reply failed.'],
} as const;
export type ErrorStatus = keyof typeof ERRORS;

const RETRY_AFTER = { 'retry-after': 'Seconds until the key may call again.' };

/** The error answers of an API route: 401, 429 and 500 on every one, and those named. */
export function errorResponses(...statuses: ErrorStatus[]) {
  const all: ErrorStatus[] = [401, ...statuses, 429, 500];
  return Object.fromEntries(all.map((s) => [s, ERRORS[s][0].meta({ description: ERRORS[s][1], ...(s === 429 && { headers: RETRY_AFTER }) })]));
}
