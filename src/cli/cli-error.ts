/** The exit codes the README documents. */
export const EXIT = { failed: 1, usage: 2, notFound: 3 } as const;

/**
 * A command's refusal, printed plainly (no stack). By default a mistake in how the command was
 * called (exit code 2); `notFound` for an id that names nothing (3), `failed` for the rest (1).
 */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}

/** An id that names no account, key, bot or folder: not a usage error. */
export const notFound = (message: string) => new CliError(message, EXIT.notFound);
