import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../src/cli/command-help.js';
import { commands } from '../../src/cli/commands.js';
import { ensureBuilt, onlyJson, runCli, runCliAsync } from '../support/run-cli.js';
import { startParley, type RunningParley, type Tenant } from '../support/start-parley.js';

describe('the command line: help, exit codes, status, docs import', { timeout: 120_000 }, () => {
  let dataDir: string;
  let files: string;
  let parley: RunningParley;
  let t: Tenant;
  let folder: string;
  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(path.join(tmpdir(), 'parley-tools-'));
    files = mkdtempSync(path.join(tmpdir(), 'parley-files-'));
    parley = await startParley({ IMPORT_MAX_PENDING: '2' });
    t = await parley.tenant();
    folder = (await t.api('POST', '/folders', { name: 'Imported' })).json.data.id;
  }, 120_000);
  afterAll(async () => {
    await parley?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  it('gives every command its own --help with examples, and lists them all in parley --help', () => {
    for (const name of [...Object.keys(commands), 'serve', 'status', 'docs import']) expect(COMMAND_HELP[name], name).toBeDefined();
    const global = runCli(['--help'], dataDir);
    expect(global.status).toBe(0);
    const seen = new Set<string>();
    for (const name of Object.keys(COMMAND_HELP)) {
      const own = runCli([...name.split(' '), '--help'], dataDir);
      expect(own.status, name).toBe(0);
      expect(own.stdout, name).toMatch(new RegExp(`^Usage: parley ${name}\\b`));
      expect(own.stdout, name).toMatch(/\nExamples:\n {2}\S/);
      expect(global.stdout).toContain(`parley ${name}`);
      seen.add(own.stdout);
    }
    expect(seen.size).toBe(Object.keys(COMMAND_HELP).length);
    expect(runCli(['help', 'bot', 'update'], dataDir).stdout).toBe(runCli(['bot', 'update', '--help'], dataDir).stdout);
  });

  it('exits 2 for a usage error and 3 for an id that names nothing', () => {
    expect(runCli(['bot', 'create', '--name', 'x'], dataDir).status).toBe(2);
    expect(runCli(['frobnicate'], dataDir).status).toBe(2);
    // A name that is a property of every object is no command either.
    for (const name of ['constructor', 'toString', '__proto__']) {
      const asked = runCli([name, '--help'], dataDir);
      expect(asked.status, name).toBe(2);
      expect(asked.stderr, name).toMatch(/unknown command/);
      // Nor run as one: `parley constructor` once called Object with the store.
      const run = runCli([name], dataDir);
      expect(run.status, name).toBe(2);
      expect(run.stderr, name).toMatch(/unknown command/);
    }
    const missing = runCli(['bot', 'list', '--account', 'nothing12345'], dataDir);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toBe('parley: no account nothing12345\n');
    expect(runCli(['key', 'revoke', 'nothing12345'], dataDir).status).toBe(3);
    expect(runCli(['bot', 'update', 'nothing12345', '--name', 'x'], dataDir).status).toBe(3);
  });

  it('parley status shows the configuration without secrets and whether the server answers', async () => {
    const up = onlyJson(await runCliAsync(['status', '--url', parley.url, '--json'], dataDir, {
      DATABASE_URL: 'postgres://admin:hunter2hunter2@db.example:5432/parley', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm', LLM_API_KEY: 'sk-secret-key',
      BLOB_STORE: 'postgres', PARLEY_ROLE: 'stream',
    }));
    expect(up).toMatchObject({
      server: { url: parley.url, up: true, ready: true }, stream_bus: 'in-process', blob_store: 'postgres', role: 'stream', models: ['m'], default_model: 'm',
    });
    expect(JSON.stringify(up)).not.toMatch(/hunter2|sk-secret-key/);
    const human = await runCliAsync(['status', '--url', parley.url], dataDir);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/^server {9}http:\/\/127\.0\.0\.1:\d+: up and ready$/m);
    expect(human.stdout).toMatch(/^blob store {5}local \(.*blobs\)$/m);
    expect(human.stdout).toMatch(/^role {11}all /m);
    const down = await runCliAsync(['status', '--url', 'http://127.0.0.1:9'], dataDir);
    expect(down.status).toBe(1);
    expect(down.stdout).toMatch(/not answering/);
  });

  it('parley docs import uploads many files through the API, waits for each, and reports failures', async () => {
    const paths = ['wifi.md', 'parking.txt', 'hours.html', 'travel.md', 'broken.pdf'].map((f) => path.join(files, f));
    writeFileSync(paths[0], '# Wifi\n\nThe guest network password is tulip-42.\n');
    writeFileSync(paths[1], 'Parking is on level 2.\n');
    writeFileSync(paths[2], '<html><body><h1>Hours</h1><p>Open 8 to 18.</p></body></html>');
    writeFileSync(paths[3], '# Travel\n\nBook trains for trips under four hours.\n');
    writeFileSync(paths[4], 'this is not a pdf');
    const run = await runCliAsync(['docs', 'import', '--folder', folder, '--url', parley.url, '--json', ...paths], dataDir, { PARLEY_API_KEY: t.key });
    expect(run.status).toBe(1); // one file failed
    const out = JSON.parse(run.stdout) as { data: { file: string; id: string; status: string; reason: string | null }[]; imported: number; failed: number };
    expect(out).toMatchObject({ imported: 4, failed: 1 });
    expect(out.data.find((d) => d.file.endsWith('broken.pdf'))).toMatchObject({ status: 'sync_failed', reason: expect.any(String) });
    const listed = await t.api('GET', `/documents?folder_id=${folder}&per_page=100`);
    expect(listed.json.data.map((d: { name: string }) => d.name).sort()).toEqual(['broken.pdf', 'hours.html', 'parking.txt', 'travel.md', 'wifi.md']);

    const progress = await runCliAsync(['docs', 'import', '--folder', folder, '--url', parley.url, paths[1]], dataDir, { PARLEY_API_KEY: t.key });
    expect(progress.status).toBe(0);
    expect(progress.stderr).toMatch(/^1\/1 parking\.txt: synced$/m);
    expect(progress.stdout).toMatch(/1 imported, 0 failed/);

    expect((await runCliAsync(['docs', 'import', '--folder', folder, '--url', parley.url, paths[1]], dataDir)).status).toBe(2); // no key
    expect((await runCliAsync(['docs', 'import', '--folder', folder, path.join(files, 'nope.md')], dataDir, { PARLEY_API_KEY: t.key })).status).toBe(3);
    expect((await runCliAsync(['docs', 'import', '--folder', 'nothing12345', '--url', parley.url, paths[1]], dataDir, { PARLEY_API_KEY: t.key })).status).toBe(3);
    const offline = await runCliAsync(['docs', 'import', '--folder', folder, '--url', 'http://127.0.0.1:9', paths[1]], dataDir, { PARLEY_API_KEY: t.key });
    expect(offline.status).toBe(1);
    expect(offline.stderr).toMatch(/does not answer/);
  });
});
