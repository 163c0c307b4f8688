import { invalidField, notFound, validationFailed, type FieldErrors } from '../errors.js';
import type { ConversationInput, Store } from '../store/store.js';
import type { Conversation } from './entities.js';

/** Checks what a conversation refers to, so that another account's bot is as unknown as a missing one. */
async function checkInput(store: Store, accountId: number, input: ConversationInput): Promise<void> {
  if (!(await store.bots.get(accountId, input.botId))) {
    throw invalidField('bot_id', 'The selected bot id is invalid.');
  }
  await checkFocusDocuments(store, accountId, input);
}

/** Each focus document must be the account's and sit in a folder the conversation's bot may read. */
async function checkFocusDocuments(store: Store, accountId: number, input: ConversationInput): Promise<void> {
  const ids = input.documentIds;
  if (!ids?.length) return;
  const folders = await store.botFolders.list(input.botId);
  const readable = new Set(folders.length ? await store.documents.inFolders(accountId, ids, folders) : []);
  const errors: FieldErrors = {};
  for (const [i, id] of ids.entries()) {
    if (readable.has(id)) continue;
    // The account's own document in a folder the bot does not read is a different mistake from an unknown id.
    const own = await store.documents.get(accountId, id);
    errors[`document_ids.${i}`] = [own
      ? `The selected document ids.${i} is not in a folder the bot reads.`
      : `The selected document ids.${i} is invalid.`];
  }
  if (Object.keys(errors).length) throw validationFailed(errors);
}

export async function createConversation(store: Store, accountId: number, input: ConversationInput): Promise<Conversation> {
  await checkInput(store, accountId, input);
  return store.conversations.create(accountId, input, Date.now());
}

export async function updateConversation(
  store: Store, accountId: number, id: number, input: ConversationInput,
): Promise<Conversation> {
  if (!(await store.conversations.get(accountId, id))) throw notFound('Conversation');
  await checkInput(store, accountId, input);
  const updated = await store.conversations.update(accountId, id, input);
  if (!updated) throw notFound('Conversation');
  return updated;
}

export async function getConversation(
  store: Store, accountId: number, id: number, withDocumentIds: boolean,
): Promise<Conversation> {
  const c = await store.conversations.get(accountId, id, { withDocumentIds });
  if (!c) throw notFound('Conversation');
  return c;
}

export async function deleteConversation(store: Store, accountId: number, id: number): Promise<void> {
  if (!(await store.conversations.delete(accountId, id))) throw notFound('Conversation');
}
