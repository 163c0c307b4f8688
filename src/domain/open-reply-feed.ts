import type { Store } from '../store/store.js';
import { hasEnded, type ReplyFeed, type StreamBus } from '../stream-bus/stream-bus.js';
import type { StreamGrant } from './stream-tokens.js';
import { storeCheckedFeed } from './store-checked-feed.js';
import { openStoredReplyFeed, storedReplyFeed } from './stored-reply-feed.js';

/**
 * The reply a stream URL grants: live from the bus while it is carried there, else from the store.
 * The store is asked first even for live replies: the bus knows reply ids only, not their accounts.
 * For a reply the store has ended, the bus's copy is used only if it is this process's own or has
 * its end too: the store has the reply's whole text and end, written before the bus is given the
 * end, and a process can die between the two (one that fails another's expired reply, say),
 * leaving a stream on the bus that nobody will ever end.
 */
export async function openReplyFeed(
  deps: { store: Store; bus: StreamBus }, grant: StreamGrant, options: { checkMs: number },
): Promise<ReplyFeed | undefined> {
  const message = await deps.store.messages.get(grant.accountId, grant.replyId);
  if (!message || !message.machine) return undefined;
  const live = await deps.bus.feed(grant.replyId);
  if (message.status !== 'in_progress') {
    // A reply just ended replays from the bus in its chunks, as it was written.
    if (live && (!live.remote || hasEnded(live))) return live;
    return openStoredReplyFeed(deps.store, message);
  }
  // Not on the bus while in progress: its process has not opened it there yet, or lost it; the
  // store is polled until the reply ends there (by its process, or by the lease sweep).
  if (!live) return storedReplyFeed(deps.store, message);
  return live.remote ? storeCheckedFeed(deps.store, message, live, options.checkMs) : live;
}
