/** For a `switch` over a union that has handled every case: a case added later fails to compile here. */
export function unhandled(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
