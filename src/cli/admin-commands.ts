import type { ModelCatalog } from '../chat-model/model-catalog.js';
import { createApiKey } from '../domain/api-keys.js';
import { PLANS } from '../domain/plans.js';
import type { Store } from '../store/store.js';
import { accountJson, apiKeyJson } from '../transport/presenters.js';
import { decodeId } from '../transport/public-ids.js';
import { accountFlag } from './account-flag.js';
import { CliError, notFound } from './cli-error.js';
import type { Command, Flags } from './command.js';
import { checkedModel } from './checked-model.js';
import { botWithFolders, folderFlag } from './knowledge-commands.js';
import { printResult, table } from './print-result.js';

function text(flags: Flags, name: string, required: true): string;
function text(flags: Flags, name: string, required?: false): string | undefined;
function text(flags: Flags, name: string, required = false): string | undefined {
  const v = flags[name];
  if (v === undefined || v === true || v === '') {
    if (required) throw new CliError(`--${name} is required`);
    return undefined;
  }
  return String(v);
}

function number(flags: Flags, name: string, min: number, max: number, integer: boolean): number | undefined {
  const v = text(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new CliError(`--${name} expects ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`);
  }
  return n;
}

/** A model name a bot may use (null when the flag is absent). */
function modelFlag(flags: Flags, name: string, models: ModelCatalog): string | null {
  const model = text(flags, name);
  return model === undefined ? null : checkedModel(model, name, models);
}

/** `--since 2026-11-01` (or any date-time JS reads), default 30 days ago. */
function sinceFlag(flags: Flags): number {
  const raw = text(flags, 'since');
  if (raw === undefined) return Date.now() - 30 * 86_400_000;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new CliError('--since expects a date such as 2026-11-01');
  return at;
}

/** The administration commands that work on the store: accounts, keys, bots, usage. */
export const adminCommands: Record<string, Command> = {
  async 'account create'(store, _args, flags) {
    const name = text(flags, 'name', true);
    const plan = text(flags, 'plan');
    const limitFlag = number(flags, 'message-limit', 0, 1e12, true);
    if (plan !== undefined && limitFlag !== undefined) throw new CliError('give --plan or --message-limit, not both');
    if (plan !== undefined && !(plan in PLANS)) {
      throw new CliError(`--plan expects one of: ${Object.keys(PLANS).join(', ')}`);
    }
    const messageLimit = plan !== undefined ? PLANS[plan] : limitFlag ?? null;
    const account = await store.accounts.create({ name, plan: plan ?? null, messageLimit, createdAt: Date.now() });
    const json = accountJson(account);
    printResult(!!flags.json, json, `Created account ${json.id} (${name}), message limit: ${messageLimit ?? 'none'}`);
  },

  async 'account list'(store, _args, flags) {
    const accounts = (await store.accounts.list()).map(accountJson);
    printResult(!!flags.json, { data: accounts }, table(accounts));
  },

  async 'key create'(store, _args, flags) {
    const account = await accountFlag(store, flags);
    const { key, record } = await createApiKey(store, account.id, text(flags, 'name') ?? null);
    const json = { id: apiKeyJson(record).id, key, account_id: apiKeyJson(record).account_id };
    printResult(!!flags.json, json, `${key}\n(key ${json.id}; shown once — store it now)`);
  },

  async 'key revoke'(store, args, flags) {
    const raw = args[0] ?? text(flags, 'id');
    if (!raw) throw new CliError('usage: parley key revoke ID');
    const id = decodeId('key', raw);
    const revoked = id === undefined ? undefined : await store.apiKeys.revoke(id, Date.now());
    if (!revoked) throw notFound(`no key ${raw}`);
    printResult(!!flags.json, apiKeyJson(revoked), `Revoked key ${raw}`);
  },

  async 'key list'(store, _args, flags) {
    const account = await accountFlag(store, flags);
    const keys = (await store.apiKeys.listByAccount(account.id)).map(apiKeyJson);
    printResult(!!flags.json, { data: keys }, table(keys));
  },

  async 'bot create'(store, _args, flags, { models }) {
    const account = await accountFlag(store, flags);
    const folderIds = await folderFlag(store, account.id, flags);
    const bot = await store.bots.create(account.id, {
      name: text(flags, 'name', true),
      description: text(flags, 'description') ?? null,
      model: modelFlag(flags, 'model', models),
      fallbackModel: modelFlag(flags, 'fallback-model', models),
      systemPrompt: text(flags, 'prompt') ?? null,
      temperature: number(flags, 'temperature', 0, 2, false) ?? null,
      maxReplyTokens: number(flags, 'max-tokens', 1, 1_000_000, true) ?? null,
    }, Date.now());
    if (folderIds) await store.botFolders.set(bot.id, folderIds);
    const json = await botWithFolders(store, bot, models.defaultName ?? null);
    printResult(!!flags.json, json, `Created bot ${json.id} (${json.name}) in account ${json.account_id}`);
  },

  async 'bot list'(store, _args, flags, { models }) {
    const defaultModel = models.defaultName ?? null;
    const account = await accountFlag(store, flags);
    const { items } = await store.bots.list(account.id, {}, { limit: 1_000_000, offset: 0 });
    const bots = await Promise.all(items.map((b) => botWithFolders(store, b, defaultModel)));
    const rows = bots.map(({ id, name, model, folder_ids, created_at }) => ({ id, name, model, folders: folder_ids.join(',') || 'none', created_at }));
    printResult(!!flags.json, { data: bots }, table(rows));
  },

  async usage(store, _args, flags) {
    const account = await accountFlag(store, flags);
    const since = sinceFlag(flags);
    const t = await store.messages.usageTotals(account.id, since);
    const json = {
      account_id: accountJson(account).id,
      since: new Date(since).toISOString(),
      messages: t.messages,
      replies: t.replies,
      failed_replies: t.failedReplies,
      prompt_tokens: t.promptTokens,
      completion_tokens: t.completionTokens,
      total_tokens: t.promptTokens + t.completionTokens,
      estimated_replies: t.estimatedReplies,
      messages_in_quota_window: await store.messages.countInWindow(account.id, Date.now()),
      message_limit: account.messageLimit,
    };
    printResult(!!flags.json, json, table([json]));
  },
};
