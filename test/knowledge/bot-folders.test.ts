import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { CliError } from '../../src/cli/cli-error.js';
import { encodeId } from '../../src/transport/public-ids.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';
import { addText, makeFolder } from './knowledge-helpers.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

describe('bots read folders; conversations focus on documents', () => {
  let parley: RunningParley;
  let t: Tenant;
  /** Runs the `parley` command line against the running server's data folder. */
  const cli = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args, '--json'], {
      cwd: ROOT, env: { ...process.env, PARLEY_DATA_DIR: parley.dataDir, DATABASE_URL: parley.config.databaseUrl, LOG_LEVEL: 'silent' },
    });
    return JSON.parse(stdout);
  };
  /** Runs a command in this process (a real `parley` process takes seconds to start on a busy machine). */
  const command = async (name: string, args: string[], flags: Record<string, string>) => {
    let out = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      out += chunk;
      return true;
    }) as typeof process.stdout.write;
    try {
      await commands[name](parley.app.store, args, { ...flags, json: true }, { models: parley.app.models });
    } finally {
      process.stdout.write = write;
    }
    return JSON.parse(out);
  };
  const commandFails = async (name: string, args: string[], flags: Record<string, string>) => {
    const err = await command(name, args, flags).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    return (err as Error).message;
  };

  beforeAll(async () => {
    parley = await startParley();
    t = await parley.tenant();
  });
  afterAll(() => parley.stop());

  it('sets a bot\'s folders from the command line, and focus documents must be in them', async () => {
    const readable = await makeFolder(t, 'Readable');
    const hidden = await makeFolder(t, 'Hidden');
    const inside = await addText(t, readable, 'Inside', 'Readable text.');
    const outside = await addText(t, hidden, 'Outside', 'Hidden text.');

    // No folders yet: no document can be a focus document.
    const before = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId, document_ids: [inside] });
    expect(before.status).toBe(422);
    // The account's own document, in a folder the bot does not read: the message says so.
    expect(before.json.errors).toEqual({ 'document_ids.0': ['The selected document ids.0 is not in a folder the bot reads.'] });

    const updated = await cli('bot', 'update', t.botId, '--folders', readable, '--name', 'Support bot', '--temperature', '0.3');
    expect(updated).toMatchObject({ id: t.botId, name: 'Support bot', temperature: 0.3, folder_ids: [readable] });

    const ok = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId, document_ids: [inside] });
    expect(ok.status).toBe(200);
    const bad = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId, document_ids: [inside, outside] });
    expect(bad.status).toBe(422);
    expect(bad.json).toEqual({
      message: 'The selected document ids.1 is not in a folder the bot reads.',
      errors: { 'document_ids.1': ['The selected document ids.1 is not in a folder the bot reads.'] },
    });
    const upd = await t.api('POST', `/conversations/${ok.json.data.id}`, { name: 'c', bot_id: t.botId, document_ids: [outside] });
    expect(upd.status).toBe(422);
    const missing = await t.api('POST', '/conversations', { name: 'c', bot_id: t.botId, document_ids: [encodeId('document', 999_999)] });
    expect(missing.status).toBe(422);
    expect(missing.json.errors).toEqual({ 'document_ids.0': ['The selected document ids.0 is invalid.'] });
    const tooMany = await t.api('POST', '/conversations', {
      name: 'c', bot_id: t.botId, document_ids: Array.from({ length: 1001 }, (_, i) => encodeId('document', i + 1)),
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.errors.document_ids).toEqual(['The document ids field must not have more than 1000 items.']);
  }, 60_000);

  it('refuses another account\'s folders and creates bots and folders with them', async () => {
    const other = await parley.tenant();
    const theirs = await makeFolder(other);
    expect(await commandFails('bot update', [t.botId], { folders: theirs })).toMatch(/no folder/);
    expect(await commandFails('bot update', ['nope'], {})).toMatch(/no bot/);

    const account = encodeId('account', t.account.id);
    const folder = await command('folder create', [], { account, name: 'From CLI' });
    expect(folder).toMatchObject({ name: 'From CLI' });
    const bot = await command('bot create', [], { account, name: 'Second', folders: folder.id });
    expect(bot.folder_ids).toEqual([folder.id]);
    const list = await command('folder list', [], { account });
    expect(list.data.map((f: { id: string }) => f.id)).toContain(folder.id);
    const renamed = await command('bot update', [bot.id], { prompt: 'Answer briefly.', name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', system_prompt: 'Answer briefly.', folder_ids: [folder.id] });
    const cleared = await command('bot update', [bot.id], { folders: '' });
    expect(cleared.folder_ids).toEqual([]);
  }, 60_000);
});
