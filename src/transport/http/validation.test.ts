import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.js';
import { encodeId } from '../public-ids.js';
import { Input } from './validation.js';

function failure(run: () => void): ApiError {
  try {
    run();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('Input', () => {
  it('counts Unicode code points, so an emoji is one character', () => {
    const ok = Input.of({ content: '😀'.repeat(2000) });
    expect(ok.requiredString('content', 2000)).toHaveLength(4000);
    expect(() => ok.done()).not.toThrow();

    const over = Input.of({ content: '😀'.repeat(2001) });
    over.requiredString('content', 2000);
    const err = failure(() => over.done());
    expect(err.status).toBe(422);
    expect(err.errors).toEqual({ content: ['The content field must not be greater than 2000 characters.'] });

    const mixed = Input.of({ content: 'a'.repeat(1999) + '👩🏽' });
    mixed.requiredString('content', 2000);
    // 👩🏽 is two code points (woman + skin tone): 2001 in all.
    expect(() => mixed.done()).toThrow(ApiError);

    const lone = Input.of({ content: '\ud800'.repeat(2000) });
    lone.requiredString('content', 2000);
    expect(() => lone.done()).not.toThrow();
  });

  it('reads a missing, null or blank field as missing', () => {
    for (const value of [undefined, null, '', '  \n\t']) {
      const input = Input.of({ name: value });
      input.requiredString('name', 10);
      expect(failure(() => input.done()).errors).toEqual({ name: ['The name field is required.'] });
    }
  });

  it('treats a body that is not an object as empty', () => {
    for (const body of [null, undefined, 'name', 42, ['name'], true]) {
      const input = Input.of(body);
      input.requiredString('name', 10);
      input.requiredId('bot_id', 'bot');
      const err = failure(() => input.done());
      expect(err.message).toBe('The name field is required.');
      expect(Object.keys(err.errors!)).toEqual(['name', 'bot_id']);
    }
  });

  it('collects every error, the first one becoming the message', () => {
    const input = Input.of({ name: 5, bot_id: 'x', document_ids: 'y' });
    input.requiredString('name', 10);
    input.requiredId('bot_id', 'bot');
    input.optionalIdList('document_ids', 'document', 3);
    const err = failure(() => input.done());
    expect(err.message).toBe('The name field must be a string.');
    expect(err.errors).toEqual({
      name: ['The name field must be a string.'],
      bot_id: ['The selected bot id is invalid.'],
      document_ids: ['The document ids field must be an array.'],
    });
  });

  it('reads ids, filter ids and id lists', () => {
    const id = encodeId('bot', 42);
    const input = Input.of({ bot_id: id, filter: 'junk', list: [id, id, encodeId('bot', 7)] });
    expect(input.requiredId('bot_id', 'bot')).toBe(42);
    expect(input.filterId('filter', 'bot')).toBe(-1);
    expect(input.filterId('absent', 'bot')).toBeUndefined();
    expect(input.optionalIdList('list', 'bot', 3)).toEqual([42, 7]);
    expect(input.optionalIdList('absent', 'bot', 3)).toBeUndefined();
    expect(() => input.done()).not.toThrow();

    const tooMany = Input.of({ list: [id, id] });
    expect(tooMany.optionalIdList('list', 'bot', 1)).toBeUndefined();
    expect(failure(() => tooMany.done()).errors).toEqual({ list: ['The list field must not have more than 1 items.'] });
  });

  it('reads integers from query strings within bounds', () => {
    const input = Input.of({ a: '3', b: ' 4 ', c: 5 });
    expect(input.optionalInteger('a', 1, 10, 1)).toBe(3);
    expect(input.optionalInteger('b', 1, 10, 1)).toBe(4);
    expect(input.optionalInteger('c', 1, 10, 1)).toBe(5);
    expect(input.optionalInteger('absent', 1, 10, 9)).toBe(9);
    expect(() => input.done()).not.toThrow();
    for (const [value, message] of [
      ['0', 'The page field must be at least 1.'],
      ['11', 'The page field must not be greater than 10.'],
      ['1.5', 'The page field must be an integer.'],
      ['1e3', 'The page field must be an integer.'],
      ['99999999999999999999', 'The page field must be an integer.'],
      [['1'], 'The page field must be an integer.'],
    ] as const) {
      const bad = Input.of({ page: value });
      bad.optionalInteger('page', 1, 10, 1);
      expect(failure(() => bad.done()).errors, String(value)).toEqual({ page: [message] });
    }
  });

  it('reads Laravel booleans', () => {
    const input = Input.of({ a: 'true', b: 0, c: '1', d: false });
    expect([input.optionalBoolean('a', false), input.optionalBoolean('b', true),
      input.optionalBoolean('c', false), input.optionalBoolean('d', true), input.optionalBoolean('e', true)])
      .toEqual([true, false, true, false, true]);
    const bad = Input.of({ redirect: 'yes' });
    bad.optionalBoolean('redirect', true);
    expect(failure(() => bad.done()).errors).toEqual({ redirect: ['The redirect field must be true or false.'] });
  });

  it('reads comma-separated and repeated lists', () => {
    expect([...Input.of({ includes: 'sources, usage,,' }).list('includes')]).toEqual(['sources', 'usage']);
    expect([...Input.of({ includes: ['a', 'b,c'] }).list('includes')]).toEqual(['a', 'b', 'c']);
    expect([...Input.of({ 'includes[]': ['a'] }).list('includes')]).toEqual(['a']);
    expect(Input.of({}).list('includes').size).toBe(0);
  });
});
