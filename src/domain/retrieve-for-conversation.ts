import type { RetrievedPassage, Retriever } from '../retriever/retriever.js';
import type { Store } from '../store/store.js';

/**
 * The passages that best answer `query` for a conversation: from the folders its bot may read,
 * and only from the conversation's focus documents when it has any. Empty when the bot reads no folder,
 * or only folders that hold no passage (found without reading the conversation or searching).
 */
export async function retrieveForConversation(
  store: Store, retriever: Retriever,
  q: { accountId: number; folderIds: number[]; conversationId: number; query: string; limit: number },
): Promise<RetrievedPassage[]> {
  const { folderIds } = q;
  if (!folderIds.length) return [];
  if (retriever.holdsPassages && !await retriever.holdsPassages(q.accountId, folderIds)) return [];
  const conversation = await store.conversations.get(q.accountId, q.conversationId, { withDocumentIds: true });
  return retriever.retrieve({
    accountId: q.accountId, folderIds, documentIds: conversation?.documentIds, query: q.query, limit: q.limit,
  });
}
