import type { Store } from '../store/store.js';
import { createApiKey } from './api-keys.js';
import type { Account, Bot } from './entities.js';

/**
 * On the very first start (no account at all), makes a `default` account, a `Default bot` and
 * one API key so that the server is usable at once. Returns undefined on every later start.
 */
export async function bootstrapFirstRun(
  store: Store, defaultModel: string | null,
): Promise<{ account: Account; bot: Bot; key: string } | undefined> {
  if ((await store.accounts.count()) > 0) return undefined;
  const now = Date.now();
  const account = await store.accounts.create({ name: 'default', plan: null, messageLimit: null, createdAt: now });
  const bot = await store.bots.create(account.id, {
    name: 'Default bot',
    model: defaultModel,
    systemPrompt: 'You are a helpful assistant.',
    temperature: null,
    maxReplyTokens: null,
  }, now);
  const { key } = await createApiKey(store, account.id, 'default');
  return { account, bot, key };
}
