import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Words that mean the same thing share a dimension, so vector search finds what full text cannot. */
const CONCEPTS = [
  ['car', 'cars', 'automobile', 'vehicle', 'vehicles'],
  ['park', 'parked', 'parking', 'garage'],
  ['lunch', 'meal', 'meals', 'food', 'eat'],
  ['noon', 'midday'],
  ['holiday', 'holidays', 'vacation', 'leave'],
];

export function conceptVector(text: string): number[] {
  const v = new Array(CONCEPTS.length + 1).fill(0);
  for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    const i = CONCEPTS.findIndex((c) => c.includes(word));
    v[i === -1 ? CONCEPTS.length : i] += i === -1 ? 0.05 : 1;
  }
  return v;
}

/** An OpenAI-compatible `POST /v1/embeddings` server over real HTTP, with concept vectors. */
export class ScriptedEmbeddings {
  readonly requests: { authorization: string | undefined; model: string; input: string[] }[] = [];
  /** Answer every request with this status instead (an outage). */
  failWith: number | undefined;
  baseUrl = '';
  private server: Server | undefined;

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      let raw = '';
      for await (const c of req) raw += c;
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') return res.writeHead(404).end();
      const body = JSON.parse(raw) as { model: string; input: string | string[] };
      const input = Array.isArray(body.input) ? body.input : [body.input];
      this.requests.push({ authorization: req.headers.authorization, model: body.model, input });
      if (this.failWith) {
        return res.writeHead(this.failWith, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        object: 'list',
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: conceptVector(text) })),
        model: body.model,
        usage: { prompt_tokens: input.length, total_tokens: input.length },
      }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
