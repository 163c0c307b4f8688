import type { Store } from '../store/store.js';
import { createApiKey } from './api-keys.js';
import type { Account, Bot, Folder } from './entities.js';

export interface FirstRun {
  account: Account;
  bot: Bot;
  /** The folder the default bot reads: a document added to it is answered from at once. */
  folder: Folder;
  key: string;
}

/**
 * On the very first start (no account at all), makes a `default` account, a `Default bot` that
 * reads a `Default folder`, and one API key, so that the server is usable at once. Returns
 * undefined on every later start.
 */
export async function bootstrapFirstRun(store: Store, defaultModel: string | null): Promise<FirstRun | undefined> {
  if ((await store.accounts.count()) > 0) return undefined;
  const now = Date.now();
  const account = await store.accounts.create({ name: 'default', plan: null, messageLimit: null, createdAt: now });
  const bot = await store.bots.create(account.id, {
    name: 'Default bot',
    description: 'Answers from the documents of the Default folder.',
    model: defaultModel,
    systemPrompt: 'You are a helpful assistant.',
    temperature: null,
    maxReplyTokens: null,
  }, now);
  const folder = await store.folders.create(account.id, 'Default folder', now);
  await store.botFolders.set(bot.id, [folder.id]);
  const { key } = await createApiKey(store, account.id, 'default');
  return { account, bot, folder, key };
}
