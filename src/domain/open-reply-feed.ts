import type { Store } from '../store/store.js';
import type { ReplyFeed, StreamBus } from '../stream-bus/stream-bus.js';
import type { StreamGrant } from './stream-tokens.js';
import { storedReplyFeed } from './stored-reply-feed.js';

/**
 * The reply a stream URL grants: live from the bus while it is carried there, else from the store.
 * The store is asked first even for live replies: the bus knows reply ids only, not their accounts.
 */
export async function openReplyFeed(
  deps: { store: Store; bus: StreamBus }, grant: StreamGrant,
): Promise<ReplyFeed | undefined> {
  const message = await deps.store.messages.get(grant.accountId, grant.replyId);
  if (!message || !message.machine) return undefined;
  const live = await deps.bus.feed(grant.replyId);
  if (live) return live;
  const sources = message.status === 'done' ? (await deps.store.messages.sources([message.id])).get(message.id) : undefined;
  // Asked again: the reply may have started on the bus while the store was read.
  return (await deps.bus.feed(grant.replyId)) ?? storedReplyFeed(deps.store, message, undefined, sources);
}
