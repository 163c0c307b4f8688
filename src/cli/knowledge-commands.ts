import type { Store } from '../store/store.js';
import { botAdminJson } from '../transport/presenters.js';
import { folderJson } from '../transport/knowledge-presenters.js';
import { decodeId, encodeId } from '../transport/public-ids.js';
import type { Command, Flags } from './command.js';
import { checkedModel } from './checked-model.js';
import type { BotPatch } from '../store/knowledge-repos.js';
import { accountFlag } from './account-flag.js';
import { CliError, notFound } from './cli-error.js';
import { printResult, table } from './print-result.js';

function flag(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return v === undefined || v === true ? undefined : String(v);
}

/**
 * `--folders ID,ID`: folders of the account (an empty value clears the list); undefined when
 * the flag is absent.
 */
export async function folderFlag(store: Store, accountId: number, flags: Flags): Promise<number[] | undefined> {
  const raw = flag(flags, 'folders');
  if (raw === undefined) return undefined;
  const given = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const ids = given.map((s) => {
    const id = decodeId('folder', s);
    if (id === undefined) throw notFound(`--folders: no folder ${s}`);
    return id;
  });
  const found = new Set(await store.folders.existing(accountId, ids));
  const missing = given.filter((_, i) => !found.has(ids[i]));
  if (missing.length) throw notFound(`--folders: no folder ${missing.join(', ')} in the bot's account`);
  return [...new Set(ids)];
}

/** What the command line shows of a bot: its settings and the folders it reads. */
export async function botWithFolders(store: Store, bot: Parameters<typeof botAdminJson>[0], defaultModel: string | null) {
  return { ...botAdminJson(bot, defaultModel), folder_ids: (await store.botFolders.list(bot.id)).map((id) => encodeId('folder', id)) };
}

/** Commands for the knowledge base: which folders bots read, and folders themselves. */
export const knowledgeCommands: Record<string, Command> = {
  async 'bot update'(store, args, flags, { models }) {
    const raw = args[0] ?? flag(flags, 'id');
    if (!raw) throw new CliError(BOT_UPDATE_USAGE);
    const id = decodeId('bot', raw);
    const bot = id === undefined ? undefined : await store.botAdmin.find(id);
    if (!bot) throw notFound(`no bot ${raw}`);
    const name = flag(flags, 'name');
    if (name === '') throw new CliError('--name must not be empty');
    // An empty value puts a setting back to its default: no model of its own, no fallback, and so on.
    const modelPatch = (flagName: string) => {
      const value = flag(flags, flagName);
      return value === undefined ? undefined : value === '' ? null : checkedModel(value, flagName, models);
    };
    const numberPatch = (flagName: string, min: number, max: number, integer: boolean) => {
      const value = flag(flags, flagName);
      if (value === undefined || value === '') return value === '' ? null : undefined;
      const n = Number(value);
      if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
        throw new CliError(`--${flagName} expects ${integer ? 'a whole number' : 'a number'} from ${min} to ${max} (or "" for the default)`);
      }
      return n;
    };
    const prompt = flag(flags, 'prompt');
    const description = flag(flags, 'description');
    const patch: BotPatch = {
      ...(name !== undefined && { name }),
      ...(description !== undefined && { description: description || null }),
      model: modelPatch('model'),
      fallbackModel: modelPatch('fallback-model'),
      ...(prompt !== undefined && { systemPrompt: prompt || null }),
      temperature: numberPatch('temperature', 0, 2, false),
      maxReplyTokens: numberPatch('max-tokens', 1, 1_000_000, true),
    };
    const folderIds = await folderFlag(store, bot.accountId, flags);
    const updated = await store.botAdmin.update(bot.id, patch);
    if (folderIds) await store.botFolders.set(bot.id, folderIds);
    const json = await botWithFolders(store, updated!, models.defaultName ?? null);
    printResult(!!flags.json, json, `Updated bot ${json.id} (${json.name}); folders: ${json.folder_ids.join(', ') || 'none'}`);
  },

  async 'folder create'(store, _args, flags) {
    const account = await accountFlag(store, flags);
    const name = flag(flags, 'name');
    if (!name) throw new CliError('--name is required');
    const json = folderJson(await store.folders.create(account.id, name, Date.now()));
    printResult(!!flags.json, json, `Created folder ${json.id} (${json.name})`);
  },

  async 'folder list'(store, _args, flags) {
    const account = await accountFlag(store, flags);
    const { items } = await store.folders.list(account.id, {}, { limit: 1_000_000, offset: 0 });
    const folders = items.map(folderJson);
    printResult(!!flags.json, { data: folders }, table(folders));
  },
};

const BOT_UPDATE_USAGE = 'usage: parley bot update ID [--name N] [--model M] [--fallback-model M] [--prompt TEXT] ' +
  '[--description TEXT] [--temperature T] [--max-tokens N] [--folders ID,ID]';
