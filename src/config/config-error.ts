/** A variable whose value Parley cannot use: the message names it and says what it expects. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expectation: string, raw: string) {
    super(`${variable} ${expectation} (got ${JSON.stringify(raw)})`);
  }
}
