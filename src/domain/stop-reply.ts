import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Message } from './entities.js';
import type { ReplyGenerations } from './reply-generations.js';

/**
 * Stops the reply `id` names — the reply itself or the user message it answers — and returns it
 * as stored. The reply keeps what was generated; stopping a finished reply changes nothing.
 */
export async function stopReply(
  deps: { store: Store; generations: ReplyGenerations }, accountId: number, id: number,
): Promise<Message> {
  const { store, generations } = deps;
  const message = await store.messages.get(accountId, id);
  const reply = message && !message.machine ? await store.messages.replyTo(accountId, message.id) : message;
  if (!reply) throw notFound('Message');
  await generations.stop(reply.id);
  return (await store.messages.get(accountId, reply.id)) ?? reply;
}
