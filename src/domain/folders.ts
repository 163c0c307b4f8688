import { notFound } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Folder } from './entities.js';

export const createFolder = (store: Store, accountId: number, name: string): Promise<Folder> =>
  store.folders.create(accountId, name, Date.now());

export async function getFolder(store: Store, accountId: number, id: number): Promise<Folder> {
  const folder = await store.folders.get(accountId, id);
  if (!folder) throw notFound('Folder');
  return folder;
}

export async function renameFolder(store: Store, accountId: number, id: number, name: string): Promise<Folder> {
  const folder = await store.folders.rename(accountId, id, name);
  if (!folder) throw notFound('Folder');
  return folder;
}
