import { validationFailed, type FieldErrors } from '../../errors.js';
import { decodeId, type IdKind } from '../public-ids.js';

/** "bot_id" → "bot id", as Laravel names attributes in its messages. */
const attribute = (field: string) => field.replace(/_/g, ' ');

/**
 * Reads fields off a request body or query, collecting Laravel-style messages
 * ("The name field is required.") and throwing one 422 with all of them at `done()`.
 */
export class Input {
  private readonly errors: FieldErrors = {};

  constructor(private readonly source: Record<string, unknown>) {}

  static of(body: unknown): Input {
    return new Input(body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {});
  }

  fail(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  private present(field: string): boolean {
    const v = this.source[field];
    return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
  }

  /** A string of 1 to `max` characters (Unicode code points, so an emoji counts once). */
  requiredString(field: string, max: number): string {
    if (!this.present(field)) {
      this.fail(field, `The ${attribute(field)} field is required.`);
      return '';
    }
    return this.checkString(field, max) ?? '';
  }

  optionalString(field: string, max: number): string | undefined {
    return this.present(field) ? this.checkString(field, max) : undefined;
  }

  private checkString(field: string, max: number): string | undefined {
    const v = this.source[field];
    if (typeof v !== 'string') {
      this.fail(field, `The ${attribute(field)} field must be a string.`);
      return undefined;
    }
    // PostgreSQL cannot store U+0000 in text; refused alike on every store, so that no form takes what another cannot.
    if (v.includes('\u0000')) {
      this.fail(field, `The ${attribute(field)} field must not contain null characters.`);
      return undefined;
    }
    if (codePoints(v) > max) {
      this.fail(field, `The ${attribute(field)} field must not be greater than ${max} characters.`);
    }
    return v;
  }

  optionalBoolean(field: string, fallback: boolean): boolean {
    if (!this.present(field)) return fallback;
    const v = this.source[field];
    // Laravel's boolean rule also takes 1/0 and their strings.
    if (v === true || v === 1 || v === '1' || v === 'true') return true;
    if (v === false || v === 0 || v === '0' || v === 'false') return false;
    this.fail(field, `The ${attribute(field)} field must be true or false.`);
    return fallback;
  }

  /** An id of this kind that we handed out (another kind's id is as unknown as a made-up one); a missing one and a malformed one both read as "The selected … is invalid." */
  requiredId(field: string, kind: IdKind): number | undefined {
    if (!this.present(field)) {
      this.fail(field, `The ${attribute(field)} field is required.`);
      return undefined;
    }
    const id = decodeId(kind, this.source[field]);
    if (id === undefined) this.fail(field, `The selected ${attribute(field)} is invalid.`);
    return id;
  }

  /** An id that may be left out (undefined); a malformed one reads as "The selected … is invalid." */
  optionalId(field: string, kind: IdKind): number | undefined {
    if (!this.present(field)) return undefined;
    const id = decodeId(kind, this.source[field]);
    if (id === undefined) this.fail(field, `The selected ${attribute(field)} is invalid.`);
    return id;
  }

  /** A filter id: absent → undefined; malformed → -1, which matches nothing. */
  filterId(field: string, kind: IdKind): number | undefined {
    if (!this.present(field)) return undefined;
    return decodeId(kind, this.source[field]) ?? -1;
  }

  optionalIdList(field: string, kind: IdKind, max: number): number[] | undefined {
    if (this.source[field] === undefined || this.source[field] === null) return undefined;
    const v = this.source[field];
    if (!Array.isArray(v)) {
      this.fail(field, `The ${attribute(field)} field must be an array.`);
      return undefined;
    }
    if (v.length > max) {
      this.fail(field, `The ${attribute(field)} field must not have more than ${max} items.`);
      return undefined;
    }
    const ids: number[] = [];
    v.forEach((item, i) => {
      const id = decodeId(kind, item);
      if (id === undefined) this.fail(`${field}.${i}`, `The selected ${attribute(field)}.${i} is invalid.`);
      else ids.push(id);
    });
    return [...new Set(ids)];
  }

  optionalInteger(field: string, min: number, max: number, fallback: number): number {
    if (!this.present(field)) return fallback;
    const v = this.source[field];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) {
      this.fail(field, `The ${attribute(field)} field must be an integer.`);
      return fallback;
    }
    if (n < min) this.fail(field, `The ${attribute(field)} field must be at least ${min}.`);
    else if (n > max) this.fail(field, `The ${attribute(field)} field must not be greater than ${max}.`);
    return n;
  }

  /** One of `choices` (Laravel's `in` rule), or `fallback` when absent. */
  optionalChoice<T extends string>(field: string, choices: readonly T[], fallback: T): T {
    if (!this.present(field)) return fallback;
    const v = this.source[field];
    if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
    this.fail(field, `The selected ${attribute(field)} is invalid.`);
    return fallback;
  }

  /** A comma-separated list (`includes=sources,usage`), also accepted as a repeated parameter. */
  list(field: string): Set<string> {
    const v = this.source[field] ?? this.source[`${field}[]`];
    const parts = (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
    return new Set(parts.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean));
  }

  /** Throws the collected 422, if any. */
  done(): void {
    if (Object.keys(this.errors).length) throw validationFailed(this.errors);
  }
}

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
