/** A mistake in how a command was called or what it was given: printed plainly, exit code 2. */
export class CliError extends Error {}
