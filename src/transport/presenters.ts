import type { Account, ApiKey, Bot, Conversation, Message, MessageSource } from '../domain/entities.js';
import { encodeId } from './public-ids.js';

/** The API's objects, as the Cody reference shapes them (created_at in Unix seconds). */
const seconds = (ms: number) => Math.floor(ms / 1000);

export function botJson(bot: Bot, defaultModel: string | null) {
  return { id: encodeId(bot.id), name: bot.name, model: bot.model ?? defaultModel, created_at: seconds(bot.createdAt) };
}

/** What the admin command line shows of a bot: the API's fields and Parley's own settings. */
export function botAdminJson(bot: Bot, defaultModel: string | null) {
  return {
    ...botJson(bot, defaultModel),
    account_id: encodeId(bot.accountId),
    fallback_model: bot.fallbackModel,
    system_prompt: bot.systemPrompt,
    temperature: bot.temperature,
    max_reply_tokens: bot.maxReplyTokens,
  };
}

export function conversationJson(c: Conversation) {
  return {
    id: encodeId(c.id),
    name: c.name,
    bot_id: encodeId(c.botId),
    created_at: seconds(c.createdAt),
    ...(c.documentIds && { document_ids: c.documentIds.map(encodeId) }),
  };
}

/** A source as `includes=sources` and `event: sources` show it; the extracted text's URL for non-webpages. */
export function sourceJson(s: MessageSource, baseUrl: string) {
  const documentId = encodeId(s.documentId);
  return {
    type: 'written',
    document_id: documentId,
    document_name: s.documentName,
    document_url: s.documentUrl ?? `${baseUrl}/api/v1/documents/${documentId}/content`,
    created_at: seconds(s.createdAt),
  };
}

/** With `includes=sources`, `sources` must be given (possibly empty) along with the base URL. */
export function messageJson(
  m: Message, includes: ReadonlySet<string> = new Set(), sources?: { list: MessageSource[]; baseUrl: string },
) {
  return {
    id: encodeId(m.id),
    content: m.content,
    conversation_id: encodeId(m.conversationId),
    machine: m.machine,
    failed_responding: m.status === 'failed',
    flagged: m.flagged,
    created_at: seconds(m.createdAt),
    ...(includes.has('usage') && { usage: usageJson(m) }),
    ...(includes.has('sources') && sources && { sources: { data: sources.list.map((s) => sourceJson(s, sources.baseUrl)) } }),
  };
}

function usageJson(m: Message) {
  if (!m.usage) return null;
  const { promptTokens, completionTokens } = m.usage;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    estimated: m.usage.estimated ?? false,
  };
}

export function accountJson(a: Account) {
  return { id: encodeId(a.id), name: a.name, plan: a.plan, message_limit: a.messageLimit, created_at: seconds(a.createdAt) };
}

export function apiKeyJson(k: ApiKey) {
  return {
    id: encodeId(k.id),
    account_id: encodeId(k.accountId),
    name: k.name,
    prefix: `parley_${k.prefix}`,
    created_at: seconds(k.createdAt),
    last_used_at: k.lastUsedAt === null ? null : seconds(k.lastUsedAt),
    revoked_at: k.revokedAt === null ? null : seconds(k.revokedAt),
  };
}
