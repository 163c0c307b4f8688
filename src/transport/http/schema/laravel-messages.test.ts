import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { ApiError } from '../../../errors.js';
import { encodeId } from '../../public-ids.js';
import { fieldsOf, filterId, idList, includesFields, includesOf, integer, laravelBoolean, optional, publicId, required, text } from './fields.js';
import { zodValidatorCompiler } from './zod-compiler.js';

/** Parses as fastify does (through the validator compiler): the value, or the API error it answers with. */
function parse<T extends z.ZodType>(schema: T, data: unknown): z.output<T> {
  const result = zodValidatorCompiler({ schema, method: 'POST', url: '/', httpPart: 'body' })(data) as { value?: z.output<T>; error?: ApiError };
  if (result.error) throw result.error;
  return result.value!;
}

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('the Laravel messages of the route schemas', () => {
  it('counts Unicode code points, so an emoji is one character', () => {
    const schema = fieldsOf({ content: required(text(2000)) });
    expect(parse(schema, { content: '😀'.repeat(2000) }).content).toHaveLength(4000);

    const err = failure(() => parse(schema, { content: '😀'.repeat(2001) }));
    expect(err.status).toBe(422);
    expect(err.errors).toEqual({ content: ['The content field must not be greater than 2000 characters.'] });

    // 👩🏽 is two code points (woman + skin tone): 2001 in all.
    expect(() => parse(schema, { content: 'a'.repeat(1999) + '👩🏽' })).toThrow(ApiError);
    expect(() => parse(schema, { content: '\ud800'.repeat(2000) })).not.toThrow();
  });

  it('refuses NUL characters', () => {
    const err = failure(() => parse(fieldsOf({ name: required(text(10)) }), { name: 'a\u0000b' }));
    expect(err.errors).toEqual({ name: ['The name field must not contain null characters.'] });
  });

  it('reads a missing, null or blank field as missing', () => {
    for (const value of [undefined, null, '', '  \n\t']) {
      const err = failure(() => parse(fieldsOf({ name: required(text(10)) }), { name: value }));
      expect(err.errors).toEqual({ name: ['The name field is required.'] });
    }
    expect(parse(fieldsOf({ name: optional(text(10)) }), { name: ' ' }).name).toBeUndefined();
  });

  it('treats a body that is not an object as empty', () => {
    for (const body of [null, undefined, 'name', 42, ['name'], true]) {
      const err = failure(() => parse(fieldsOf({ name: required(text(10)), bot_id: required(publicId('bot')) }), body));
      expect(err.message).toBe('The name field is required.');
      expect(Object.keys(err.errors!)).toEqual(['name', 'bot_id']);
    }
  });

  it('collects every error, the first one becoming the message', () => {
    const schema = fieldsOf({ name: required(text(10)), bot_id: required(publicId('bot')), document_ids: idList('document', 3) });
    const err = failure(() => parse(schema, { name: 5, bot_id: 'x', document_ids: 'y' }));
    expect(err.message).toBe('The name field must be a string.');
    expect(err.errors).toEqual({
      name: ['The name field must be a string.'],
      bot_id: ['The selected bot id is invalid.'],
      document_ids: ['The document ids field must be an array.'],
    });
    expect(failure(() => parse(schema, { name: 'a', bot_id: 'x', document_ids: [encodeId('document', 1), 'junk'] })).errors).toEqual({
      bot_id: ['The selected bot id is invalid.'],
      'document_ids.1': ['The selected document ids.1 is invalid.'],
    });
  });

  it('reads ids, filter ids and id lists', () => {
    const id = encodeId('bot', 42);
    const schema = fieldsOf({ bot_id: required(publicId('bot')), filter: filterId('bot'), absent: filterId('bot'), list: idList('bot', 3), none: idList('bot', 3) });
    expect(parse(schema, { bot_id: id, filter: 'junk', list: [id, id, encodeId('bot', 7)], none: null }))
      .toEqual({ bot_id: 42, filter: -1, list: [42, 7] });
    // Another kind's id is as unknown as a made-up one.
    expect(failure(() => parse(schema, { bot_id: encodeId('conversation', 42) })).errors).toEqual({ bot_id: ['The selected bot id is invalid.'] });

    const tooMany = failure(() => parse(fieldsOf({ list: idList('bot', 1) }), { list: [id, 'junk'] }));
    expect(tooMany.errors).toEqual({ list: ['The list field must not have more than 1 items.'] });
  });

  it('reads integers from query strings within bounds', () => {
    const schema = fieldsOf({ a: optional(integer(1, 10)), b: optional(integer(1, 10)), c: optional(integer(1, 10)), absent: optional(integer(1, 10)) });
    expect(parse(schema, { a: '3', b: ' 4 ', c: 5 })).toEqual({ a: 3, b: 4, c: 5 });
    for (const [value, message] of [
      ['0', 'The page field must be at least 1.'],
      ['11', 'The page field must not be greater than 10.'],
      ['1.5', 'The page field must be an integer.'],
      ['1e3', 'The page field must be an integer.'],
      ['99999999999999999999', 'The page field must be an integer.'],
      [['1'], 'The page field must be an integer.'],
    ] as const) {
      const err = failure(() => parse(fieldsOf({ page: optional(integer(1, 10)) }), { page: value }));
      expect(err.errors, String(value)).toEqual({ page: [message] });
    }
  });

  it('reads Laravel booleans', () => {
    const flag = optional(laravelBoolean());
    const schema = fieldsOf({ a: flag, b: flag, c: flag, d: flag, e: flag });
    expect(parse(schema, { a: 'true', b: 0, c: '1', d: false })).toEqual({ a: true, b: false, c: true, d: false });
    const err = failure(() => parse(fieldsOf({ redirect: flag }), { redirect: 'yes' }));
    expect(err.errors).toEqual({ redirect: ['The redirect field must be true or false.'] });
  });

  it('reads comma-separated and repeated lists', () => {
    const schema = fieldsOf(includesFields(['sources', 'usage']));
    expect([...includesOf(parse(schema, { includes: 'sources, usage,,' }))]).toEqual(['sources', 'usage']);
    expect([...includesOf(parse(schema, { includes: ['a', 'b,c'] }))]).toEqual(['a', 'b', 'c']);
    expect([...includesOf(parse(schema, { 'includes[]': ['a'] }))]).toEqual(['a']);
    expect(includesOf(parse(schema, {})).size).toBe(0);
  });
});
