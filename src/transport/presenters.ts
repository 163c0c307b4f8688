import type { Account, ApiKey, Bot, Conversation, Message, MessageSource, TokenUsage } from '../domain/entities.js';
import { EXTRACTIVE_MODEL } from '../domain/extractive-answer.js';
import { encodeId } from './public-ids.js';

/** The API's objects, as the Cody reference shapes them (created_at in Unix seconds). */
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * `model` is always a string, what the bot answers with: its own model, else the server's default,
 * else (no model configured at all, whatever the bot names) the extractive mode.
 */
export function botJson(bot: Bot, defaultModel: string | null) {
  return {
    id: encodeId('bot', bot.id),
    name: bot.name,
    description: bot.description,
    model: defaultModel === null ? EXTRACTIVE_MODEL : bot.model ?? defaultModel,
    created_at: seconds(bot.createdAt),
  };
}

/** What the admin command line shows of a bot: the API's fields and Parley's own settings. */
export function botAdminJson(bot: Bot, defaultModel: string | null) {
  return {
    ...botJson(bot, defaultModel),
    account_id: encodeId('account', bot.accountId),
    fallback_model: bot.fallbackModel,
    system_prompt: bot.systemPrompt,
    temperature: bot.temperature,
    max_reply_tokens: bot.maxReplyTokens,
  };
}

export function conversationJson(c: Conversation) {
  return {
    id: encodeId('conversation', c.id),
    name: c.name,
    bot_id: encodeId('bot', c.botId),
    created_at: seconds(c.createdAt),
    ...(c.documentIds && { document_ids: c.documentIds.map((id) => encodeId('document', id)) }),
  };
}

/** A source as `includes=sources` and `event: sources` show it; the extracted text's URL for non-webpages. */
export function sourceJson(s: MessageSource, baseUrl: string) {
  const documentId = encodeId('document', s.documentId);
  return {
    type: 'written' as const,
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
    id: encodeId('message', m.id),
    content: m.content,
    conversation_id: encodeId('conversation', m.conversationId),
    machine: m.machine,
    failed_responding: m.status === 'failed',
    flagged: m.flagged,
    created_at: seconds(m.createdAt),
    ...(includes.has('usage') && m.usage && { usage: usageJson(m.usage) }),
    ...(includes.has('sources') && sources && { sources: { data: sources.list.map((s) => sourceJson(s, sources.baseUrl)) } }),
  };
}

/**
 * The published shape is `{tokens, credits}`; Parley's own counts ride beside it. Undefined (so the
 * field is left out) where there is no usage: user messages, replies made without a model.
 */
export function usageJson(usage: TokenUsage | null | undefined) {
  if (!usage) return undefined;
  const { promptTokens, completionTokens } = usage;
  return {
    tokens: promptTokens + completionTokens,
    credits: usage.credits ?? 0,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    estimated: usage.estimated ?? false,
  };
}

export function accountJson(a: Account) {
  return { id: encodeId('account', a.id), name: a.name, plan: a.plan, message_limit: a.messageLimit, created_at: seconds(a.createdAt) };
}

export function apiKeyJson(k: ApiKey) {
  return {
    id: encodeId('key', k.id),
    account_id: encodeId('account', k.accountId),
    name: k.name,
    prefix: `parley_${k.prefix}`,
    created_at: seconds(k.createdAt),
    last_used_at: k.lastUsedAt === null ? null : seconds(k.lastUsedAt),
    revoked_at: k.revokedAt === null ? null : seconds(k.revokedAt),
  };
}
