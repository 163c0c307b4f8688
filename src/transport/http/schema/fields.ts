import * as z from 'zod';
import { decodeId, type IdKind } from '../../public-ids.js';

/**
 * The fields of the API's bodies and queries, as zod schemas that keep Laravel's rules: a blank
 * string or null is an absent field, lengths are Unicode code points, ids decode per kind. A
 * failing check raises an issue whose `params.rule` names the rule; laravel-messages.ts turns
 * issues into the Cody API's messages. Where zod has no native form for a rule (code points,
 * Laravel booleans, ids), `.meta()` says what the OpenAPI document shows.
 */

/** A rule's issue: what laravel-messages.ts reads to write the message. */
export type RuleParams =
  | { rule: 'nul' | 'id' | 'boolean' | 'integer' | 'url' | 'media_type' }
  | { rule: 'max_chars' | 'min' | 'max' | 'max_items' | 'max_kilobytes'; limit: number }
  | { rule: 'not_found'; what: string };

export const issue = (params: RuleParams) => ({ code: 'custom' as const, params });
/** An issue raised in a transform, with its input (the formatter tells a missing field by it). */
const issueOf = (params: RuleParams, input: unknown) => ({ ...issue(params), input });

const isAbsent = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Laravel reads a blank string or null as a field left out. */
const blankAsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (isAbsent(v) ? undefined : v), schema);

/** A field that may be left out (blank counts as left out). */
export const optional = <T extends z.ZodType>(schema: T) => blankAsAbsent(schema.optional()).optional();

/** A field that must be there (blank counts as missing: "The … field is required."). */
export const required = <T extends z.ZodType>(schema: T) => blankAsAbsent(schema);

/** Characters as a person counts them: code points, so an emoji is one. Lone surrogates count one each. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * A string of at most `max` code points (JSON Schema's maxLength counts them too). U+0000 is
 * refused: PostgreSQL cannot store it in text, and every store refuses alike.
 */
export const text = (max: number) =>
  anyText().refine((s) => s.length <= max || codePoints(s) <= max, issue({ rule: 'max_chars', limit: max })).meta({ maxLength: max });

/** A string of any length, U+0000 refused. */
export const anyText = () => z.string().refine((s) => !s.includes('\u0000'), { ...issue({ rule: 'nul' }), abort: true });

/** An id of this kind that we handed out; another kind's id is as unknown as a made-up one. */
export const publicId = (kind: IdKind) =>
  z.unknown()
    .transform((v, ctx) => {
      const id = decodeId(kind, v);
      if (id === undefined) ctx.addIssue(issueOf({ rule: 'id' }, v));
      return id ?? 0;
    })
    .meta({ type: 'string', description: `The id of a ${kind}.` });

/** A list filter: a malformed id matches nothing (-1) rather than being refused. */
export const filterId = (kind: IdKind) =>
  optional(z.unknown().transform((v) => decodeId(kind, v) ?? -1).meta({ type: 'string', description: `Only those of this ${kind}.` }));

/** A path's id: one that does not decode is as unknown as one that is not in the store (404 "`what` not found."). */
export const pathId = (kind: IdKind, what: string) =>
  z.string()
    .transform((v, ctx) => {
      const id = decodeId(kind, v);
      if (id === undefined) ctx.addIssue(issueOf({ rule: 'not_found', what }, v));
      return id ?? 0;
    })
    .meta({ description: `The id of a ${kind}.` });

/** A list of at most `max` ids of this kind (null is absent), each checked as `field.N`; repeats are dropped. */
export const idList = (kind: IdKind, max: number) =>
  z.preprocess(
    (v) => (v === null ? undefined : v),
    z.array(z.unknown())
      .refine((list) => list.length <= max, { ...issue({ rule: 'max_items', limit: max }), abort: true })
      .transform((list, ctx) => {
        const ids: number[] = [];
        list.forEach((item, i) => {
          const id = decodeId(kind, item);
          if (id === undefined) ctx.addIssue({ ...issueOf({ rule: 'id' }, item), path: [i] });
          else ids.push(id);
        });
        return [...new Set(ids)];
      })
      .optional(),
  ).optional().meta({ type: 'array', items: { type: 'string' }, maxItems: max, description: `Ids of ${kind}s.` });

const TRUE = new Set<unknown>([true, 1, '1', 'true']);
const FALSE = new Set<unknown>([false, 0, '0', 'false']);

/** Laravel's boolean rule: true/false, 1/0 and their strings. */
export const laravelBoolean = () =>
  z.unknown()
    .refine((v) => TRUE.has(v) || FALSE.has(v), issue({ rule: 'boolean' }))
    .transform((v) => TRUE.has(v))
    .meta({ anyOf: [{ type: 'boolean' }, { enum: [1, 0, '1', '0', 'true', 'false'] }] });

/** An integer from `min` to `max`, from a query string (`' 4 '`) or a JSON number. */
export const integer = (min: number, max: number) =>
  z.unknown()
    .transform((v, ctx) => {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isSafeInteger(n)) ctx.addIssue(issueOf({ rule: 'integer' }, v));
      else if (n < min) ctx.addIssue(issueOf({ rule: 'min', limit: min }, v));
      else if (n > max) ctx.addIssue(issueOf({ rule: 'max', limit: max }, v));
      return n;
    })
    .meta({ type: 'integer', minimum: min, maximum: max });

/** Laravel's `in` rule: "The selected … is invalid." otherwise. */
export const choice = <const T extends readonly [string, ...string[]]>(choices: T) => z.enum(choices);

/** A comma-separated list (`includes=sources,usage`), also taken as a repeated parameter. */
const commaList = (names: readonly string[]) =>
  z.unknown()
    .transform((v) => (Array.isArray(v) ? v : [v])
      .filter((x): x is string => typeof x === 'string')
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter(Boolean))
    .optional()
    .meta({ type: 'string', description: `Comma-separated: ${names.join(', ')}.`, examples: [names.join(',')] });

/** A body, query or path: its fields (unknown ones ignored). zod-compiler.ts reads a body that is not an object as `{}`. */
export const fieldsOf = <T extends z.ZodRawShape>(shape: T) => z.object(shape);

/** `includes=a,b`, also taken as `includes[]=a` (the form PHP clients send). */
export const includesFields = (names: readonly string[]) => ({
  includes: commaList(names),
  'includes[]': commaList(names).meta({ description: 'The same as `includes`, as PHP clients send it.' }),
});

/** What `includes` asks for. */
export const includesOf = (query: { includes?: string[]; 'includes[]'?: string[] }): Set<string> =>
  new Set(query.includes ?? query['includes[]'] ?? []);
