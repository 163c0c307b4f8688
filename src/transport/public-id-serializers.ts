import { encodeId, type IdKind } from './public-ids.js';

/**
 * Log fields that hold store ids, shown as the public ids people see in the API (and can look up),
 * not as internal numbers. pino applies these serializers to the top-level fields of each line.
 */
const FIELDS: Record<string, IdKind> = {
  replyId: 'message', messageId: 'message', userMessageId: 'message',
  conversationId: 'conversation', documentId: 'document', folderId: 'folder',
  botId: 'bot', accountId: 'account', keyId: 'key',
};

const asPublic = (kind: IdKind) => (value: unknown) => (typeof value === 'number' ? encodeId(kind, value) : value);

export const publicIdSerializers: Record<string, (value: unknown) => unknown> = {
  ...Object.fromEntries(Object.entries(FIELDS).map(([field, kind]) => [field, asPublic(kind)])),
  replyIds: (ids: unknown) => (Array.isArray(ids) ? ids.map(asPublic('message')) : ids),
};
