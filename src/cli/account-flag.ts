import type { Account } from '../domain/entities.js';
import type { Store } from '../store/store.js';
import { decodeId } from '../transport/public-ids.js';
import { CliError, notFound } from './cli-error.js';
import type { Flags } from './command.js';

/** The account `--account ID` names (required); an unknown id is a usage error naming it. */
export async function accountFlag(store: Store, flags: Flags): Promise<Account> {
  const raw = flags.account;
  if (raw === undefined || raw === true || raw === '') throw new CliError('--account is required');
  const id = decodeId('account', String(raw));
  const account = id === undefined ? undefined : await store.accounts.get(id);
  if (!account) throw notFound(`no account ${raw}`);
  return account;
}
