/** The server could not take its address: printed as one line (no stack), exit code 1. */
export class ListenError extends Error {}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'the port is already in use (another server? set PORT to a free one)',
  EACCES: 'permission denied (ports below 1024 need privileges; set PORT)',
  EADDRNOTAVAIL: 'this machine has no such address (set HOST to one of its addresses, or 0.0.0.0)',
  ENOTFOUND: 'the host name does not resolve (set HOST to an address or a known name)',
  EAI_AGAIN: 'the host name could not be resolved (set HOST to an address)',
};

/** `cannot listen on 127.0.0.1:8080: the port is already in use (...)`. */
export function listenError(err: unknown, host: string, port: number): ListenError {
  const code = (err as { code?: string }).code ?? '';
  const reason = REASONS[code] ?? (err as Error).message;
  return new ListenError(`cannot listen on ${host.includes(':') ? `[${host}]` : host}:${port}: ${reason}`);
}
