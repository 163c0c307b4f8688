import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A real HTTP server on a free loopback port that stands in for a hosted service in tests. */
export abstract class ScriptedServer {
  /** The service's base URL, including /v1. */
  baseUrl = '';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  /** Ends every open connection but keeps listening (a suite that counts sockets left behind). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  let raw = '';
  for await (const c of req) raw += c;
  return raw;
}

/** The script for this request: a list gives up its head until one is left. */
export function pickScript<T>(entry: T | T[] | undefined): T | undefined {
  if (!Array.isArray(entry)) return entry;
  return entry.length > 1 ? entry.shift() : entry[0];
}

/** Ends a response abruptly once what was written has reached the client: a broken stream, not a lost one. */
export const breakAfterFlush = (res: ServerResponse) => res.write('', () => res.destroy());
