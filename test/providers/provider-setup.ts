import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Tenant } from '../support/start-parley.js';

/** Writes a PARLEY_MODELS file and returns its path. */
export function modelsFile(content: object): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'parley-models-')), 'models.json');
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

/** A conversation with the tenant's bot; returns its id. */
export async function conversation(t: Tenant): Promise<string> {
  const c = await t.api('POST', '/conversations', { name: 'provider test', bot_id: t.botId });
  if (c.status !== 201) throw new Error(`conversation: ${c.status} ${c.text}`);
  return c.json.data.id;
}

/** Sends `content` with redirect:false and returns the stream URL and the reply's id. */
export async function sendForStream(t: Tenant, conversationId: string, content: string) {
  const r = await t.api('POST', '/messages/stream', { content, conversation_id: conversationId, redirect: false });
  if (r.status !== 200) throw new Error(`send: ${r.status} ${r.text}`);
  return r.json.data as { stream_url: string; message_id: string; reply_id: string };
}
