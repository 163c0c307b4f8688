import { invalidField, quotaExceeded } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Account, Message } from './entities.js';
import type { Metrics } from './metrics.js';
import type { ReplyGenerations, ReplyResult } from './reply-generations.js';

export interface SentMessage {
  user: Message;
  /** The reply as stored when generation started (empty, in progress). */
  reply: Message;
  /** Settles when the reply's outcome is stored. */
  outcome: Promise<ReplyResult>;
}

/**
 * Stores the user's message (counting it against the quota in the same step) and starts the
 * reply in the background.
 */
export async function sendMessage(
  deps: { store: Store; generations: ReplyGenerations; metrics?: Metrics },
  account: Account,
  input: { conversationId: number | undefined; content: string },
): Promise<SentMessage> {
  const { store, generations } = deps;
  const found = input.conversationId === undefined ? undefined : await store.conversations.withBot(account.id, input.conversationId);
  if (!found) throw invalidField('conversation_id', 'The selected conversation id is invalid.');
  const { conversation, bot, folderIds } = found;

  const sent = await store.messages.send({
    accountId: account.id,
    conversationId: conversation.id,
    content: input.content,
    createdAt: Date.now(),
    messageLimit: account.messageLimit,
  });
  if (!sent) {
    deps.metrics?.quotaRefused();
    throw quotaExceeded();
  }
  const outcome = generations.start({ bot, folderIds, user: sent.user, reply: sent.reply });
  return { ...sent, outcome };
}
