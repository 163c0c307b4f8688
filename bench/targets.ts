import type { Agent, IncomingMessage } from 'node:http';
import { call, readBody } from './http-client.js';
import type { ParleyProcess } from './parley-process.js';
import { scriptMessage, type UpstreamScript } from './script.js';

/** Something a client can open a chunk stream on: Parley, or one of its floors. */
export interface StreamTarget {
  name: string;
  /** Starts one reply playing `script` and resolves with its event stream (body unread). */
  open(script: UpstreamScript, agent: Agent, client: number): Promise<IncomingMessage>;
  /** Work to do before client `client`'s next open that is not part of what is timed. */
  prepare?(client: number): Promise<void>;
}

/**
 * The upstream itself, a relay in front of it, nginx, or a peer gateway: all speak the
 * chat-completions protocol; `headers` are what the gateway needs to find the upstream.
 */
export function completionsTarget(name: string, port: number, headers: Record<string, string> = {}): StreamTarget {
  const head = { accept: 'text/event-stream', ...headers };
  return {
    name,
    open: async (script, agent) => {
      const body = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: scriptMessage(script) }] });
      const res = await call(port, { method: 'POST', path: '/v1/chat/completions', body, agent, headers: head });
      if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode} ${await readBody(res)}`);
      return res;
    },
  };
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

/**
 * Each client writes to a conversation of its own and starts a new one every `perConversation`
 * sends, as people do: histories stay short, and the prompt Parley builds stays realistic.
 */
export class ConversationPool {
  private readonly current = new Map<number, { id: string; uses: number }>();

  constructor(private readonly parley: ParleyProcess, private readonly perConversation = 20) {}

  /** Makes sure the client's next send has a conversation ready (call it outside timed regions). */
  async ensure(client: number): Promise<void> {
    const c = this.current.get(client);
    if (!c || c.uses >= this.perConversation) {
      this.current.set(client, { id: await this.parley.conversation(`bench ${client}`), uses: 0 });
    }
  }

  async take(client: number): Promise<string> {
    await this.ensure(client);
    const c = this.current.get(client)!;
    c.uses++;
    return c.id;
  }
}

/**
 * Parley: POST /messages/stream, then open the stream URL, either by following the 302 (as
 * `curl -L` does) or from the JSON answer of `redirect: false` (as a browser's EventSource does).
 */
export function parleyTarget(parley: ParleyProcess, conversations: ConversationPool, redirect: boolean): StreamTarget {
  const headers = { authorization: `Bearer ${parley.key}` };
  return {
    name: redirect ? 'Parley (302)' : 'Parley (redirect:false)',
    prepare: (client) => conversations.ensure(client),
    open: async (script, agent, client) => {
      const body = JSON.stringify({ content: scriptMessage(script), conversation_id: await conversations.take(client), redirect });
      const sent = await call(parley.port, { method: 'POST', path: '/api/v1/messages/stream', body, agent, headers });
      const text = await readBody(sent);
      let url: string;
      if (redirect) {
        if (sent.statusCode !== 302 || !sent.headers.location) throw new Error(`Parley send: HTTP ${sent.statusCode} ${text}`);
        url = sent.headers.location;
      } else {
        if (sent.statusCode !== 200) throw new Error(`Parley send: HTTP ${sent.statusCode} ${text}`);
        url = (JSON.parse(text) as { data: { stream_url: string } }).data.stream_url;
      }
      const res = await call(parley.port, { method: 'GET', path: pathOf(url), agent, headers: { accept: 'text/event-stream' } });
      if (res.statusCode !== 200) throw new Error(`Parley stream: HTTP ${res.statusCode} ${await readBody(res)}`);
      return res;
    },
  };
}
