/** A variable whose value Parley cannot use: the message names it and says what it expects. */
export class ConfigError extends Error {
  /** `raw` is the value as shown in the message; null for values never shown (secrets). */
  constructor(readonly variable: string, expectation: string, raw: string | null) {
    super(raw === null ? `${variable} ${expectation}` : `${variable} ${expectation} (got ${JSON.stringify(raw)})`);
  }
}
