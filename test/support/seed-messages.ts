import type { Store } from '../../src/store/store.js';
import { decodeId, encodeId } from '../../src/transport/public-ids.js';

/**
 * Stores one question and a finished answer in a conversation straight through the store, for
 * tests about who may see messages rather than how replies are made. Returns their public ids.
 */
export async function seedExchange(
  store: Store, accountId: number, conversationId: string, question: string, answer: string,
): Promise<string[]> {
  const sent = await store.messages.send({
    accountId, conversationId: decodeId('conversation', conversationId)!, content: question, createdAt: Date.now(), messageLimit: null,
  });
  if (!sent) throw new Error('seedExchange: the store refused the message');
  await store.messages.finishReply(sent.reply.id, { content: answer, status: 'done', usage: null, flagged: false });
  return [encodeId('message', sent.user.id), encodeId('message', sent.reply.id)];
}
