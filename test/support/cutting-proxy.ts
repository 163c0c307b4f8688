import { createServer, Socket, type AddressInfo, type Server } from 'node:net';

/**
 * A TCP proxy in front of a server that can cut connections mid-response, as a flaky network or
 * a restarting load balancer does. `cut(requestHead, responseSoFar)` is asked as bytes flow back;
 * when it answers true, both sides of that connection are destroyed at once.
 */
export class CuttingProxy {
  url = '';
  /** The head (request line and headers) of every request that passed, in order. */
  readonly requests: string[] = [];
  cuts = 0;
  cut: (requestHead: string, responseSoFar: string) => boolean = () => false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  private relay(client: Socket): void {
    const upstream = new Socket();
    upstream.connect(this.target.port, this.target.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    }
    let head = '';
    let response = '';
    client.on('data', (bytes) => {
      const text = bytes.toString('latin1');
      // Keep-alive sockets carry several requests: a new request line starts a new exchange.
      if (/^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(text)) {
        head = text.slice(0, text.indexOf('\r\n\r\n') + 4);
        this.requests.push(head);
        response = '';
      }
      upstream.write(bytes);
    });
    upstream.on('data', (bytes) => {
      response += bytes.toString('utf8');
      if (this.cut(head, response)) {
        this.cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(bytes);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
