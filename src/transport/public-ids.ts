import Sqids from 'sqids';

const sqids = new Sqids({ minLength: 10 });

/** The API shows store ids as short opaque strings, like the published service's. */
export const encodeId = (id: number): string => sqids.encode([id]);

/** The store id behind a public id, or undefined for anything we did not hand out. */
export function decodeId(value: unknown): number | undefined {
  if (typeof value === 'number') value = String(value);
  if (typeof value !== 'string' || value.length < 10 || value.length > 32 || !/^[A-Za-z0-9]+$/.test(value)) {
    return undefined;
  }
  const [id, ...rest] = sqids.decode(value);
  // Several strings decode to the same number; only the canonical one is a real id.
  if (id === undefined || rest.length || !Number.isSafeInteger(id) || encodeId(id) !== value) return undefined;
  return id;
}
