#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CliError } from './cli/cli-error.js';
import { ListenError } from './cli/listen-error.js';
import { commands } from './cli/commands.js';
import { serve } from './cli/serve.js';
import { loadModelCatalog } from './chat-model/model-catalog.js';
import { ConfigError, loadConfig } from './config/config.js';
import { openStore } from './store/open-store.js';

const HELP = `parley — a self-hosted server for the Cody AI API v1

Usage:
  parley serve
  parley account create --name N [--plan free|basic|premium|advanced|unlimited | --message-limit N]
  parley account list
  parley key create --account ID [--name N]
  parley key revoke ID
  parley key list --account ID
  parley bot create --account ID --name N [--description TEXT] [--model M] [--fallback-model M]
                    [--prompt TEXT] [--temperature T] [--max-tokens N] [--folders ID,ID]
  parley bot list --account ID
  parley bot update ID [--name N] [--description TEXT] [--model M] [--fallback-model M]
                    [--prompt TEXT] [--temperature T] [--max-tokens N] [--folders ID,ID]
  parley folder create --account ID --name N
  parley folder list --account ID
  parley usage --account ID [--since DATE]

Every command takes --json and then prints exactly one JSON object.
Configuration comes from environment variables (and .env); see the README.`;

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
    },
  });
  const [group, verb, ...rest] = positionals;
  if (values.help || !group) {
    process.stdout.write(HELP + '\n');
    return;
  }
  const config = loadConfig();
  if (group === 'serve') return serve(config);

  const command = commands[`${group} ${verb}`] ?? (verb === undefined ? commands[group] : undefined);
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
  if (err instanceof CliError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`parley: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`parley: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
