#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CliError, EXIT } from './cli/cli-error.js';
import { COMMAND_HELP, commandHelp, globalHelp } from './cli/command-help.js';
import { docsImport } from './cli/docs-import.js';
import { status } from './cli/status.js';
import { backup, restore } from './cli/sqlite-backup.js';
import { ListenError } from './cli/listen-error.js';
import { commands } from './cli/commands.js';
import { serve } from './cli/serve.js';
import { loadModelCatalog } from './chat-model/model-catalog.js';
import { ConfigError, loadConfig } from './config/config.js';
import { isServerRole, SERVER_ROLES } from './config/server-role.js';
import { openStore } from './store/open-store.js';
import { ownEntry } from './shared/own-entry.js';

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      name: { type: 'string' }, plan: { type: 'string' }, 'message-limit': { type: 'string' },
      account: { type: 'string' }, id: { type: 'string' }, model: { type: 'string' }, prompt: { type: 'string' },
      temperature: { type: 'string' }, 'max-tokens': { type: 'string' }, 'fallback-model': { type: 'string' },
      since: { type: 'string' }, folders: { type: 'string' }, description: { type: 'string' },
      folder: { type: 'string' }, url: { type: 'string' }, key: { type: 'string' }, role: { type: 'string' },
    },
  });
  const [group, verb, ...rest] = positionals;
  if (!group || group === 'help' && !verb) {
    process.stdout.write(globalHelp() + '\n');
    return;
  }
  // `parley bot create --help`, `parley help bot create`, `parley usage --help`.
  const asked = group === 'help' ? positionals.slice(1) : positionals;
  if (values.help || group === 'help') {
    const help = commandHelp(asked.slice(0, 2).join(' ')) ?? commandHelp(asked[0]);
    if (!help) throw new CliError(`unknown command "${asked.join(' ')}" (parley --help lists them)`);
    process.stdout.write(help + '\n');
    return;
  }
  if (group === 'serve') {
    // The flag is checked before the environment, so that a mistyped role is a usage error (exit 2).
    if (values.role !== undefined && !isServerRole(values.role)) {
      throw new CliError(`--role must be one of ${SERVER_ROLES.join(', ')} (got ${JSON.stringify(values.role)})\nusage: ${COMMAND_HELP.serve.usage}`);
    }
    const config = loadConfig();
    return serve(values.role === undefined ? config : { ...config, role: values.role });
  }
  const config = loadConfig();
  if (group === 'status') return status(config, values);
  if (group === 'docs' && verb === 'import') return docsImport(config, rest, values);
  if (group === 'backup') return backup(config, verb, values);
  if (group === 'restore') return restore(config, verb, values);

  const command = ownEntry(commands, `${group} ${verb}`) ?? (verb === undefined ? ownEntry(commands, group) : undefined);
  if (!command) throw new CliError(`unknown command "${positionals.join(' ')}" (parley --help lists them)`);
  // Opening the store applies any pending migration before the command touches it.
  const store = await openStore(config.databaseUrl);
  try {
    await command(store, rest, values, { models: loadModelCatalog(config) });
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`parley: configuration error: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof ListenError) {
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof CliError) {
    process.stderr.write(`parley: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`parley: ${(err as Error).message} (parley --help lists the commands)\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(`parley: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
