import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { localBlobStore } from '../../src/blob-store/local/local-blob-store.js';
import { runBlobStoreContract } from './blob-store-contract.js';

const root = mkdtempSync(path.join(tmpdir(), 'parley-blob-contract-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

runBlobStoreContract('local', async () => localBlobStore(root));
