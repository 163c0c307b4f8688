/**
 * `table[key]` when it is the table's own entry, else undefined: a name every object inherits
 * (`constructor`, `toString`, `__proto__`) is no entry of a lookup table keyed by what a client
 * or a user typed.
 */
export const ownEntry = <T>(table: Record<string, T>, key: string): T | undefined =>
  (Object.hasOwn(table, key) ? table[key] : undefined);
