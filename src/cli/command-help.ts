import { ownEntry } from '../shared/own-entry.js';
/** One command's own `--help`: how to call it, what it does, examples. */
export interface CommandHelp {
  usage: string;
  does: string;
  examples: string[];
}

const PLANS = 'free|basic|premium|advanced|unlimited';

/** Every command's help, by `GROUP VERB` as typed; the global help lists their usage lines. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  serve: {
    usage: 'parley serve [--role api|stream|worker|all]',
    does: 'Runs the server on HOST:PORT until SIGTERM or SIGINT (then lets replies finish for SHUTDOWN_GRACE).\n' +
      'The first start creates an account, a bot reading a default folder, and an API key, printed once.\n' +
      '--role (or PARLEY_ROLE; default all) picks what this process does: api (/api/v1, uploads, the playground;\n' +
      'it generates the replies sent to it), stream (/stream/<token> only), worker (imports only), all (everything).\n' +
      'Every role answers /healthz, /readyz and /metrics.',
    examples: [
      'parley serve',
      'PORT=9000 LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=llama3.1 parley serve',
      'PORT=9001 REDIS_URL=redis://127.0.0.1:6379 parley serve --role stream',
    ],
  },
  status: {
    usage: 'parley status [--url URL]',
    does: "Shows this configuration's summary (store, bus, models, data folder, address) and asks the server\n" +
      'at URL (default: the configured HOST and PORT) for /healthz and /readyz. Exit code 1 when it does not answer.',
    examples: ['parley status', 'parley status --url https://chat.example.com --json'],
  },
  backup: {
    usage: 'parley backup PATH',
    does: 'Writes a consistent copy of the embedded SQLite store to PATH (a new file) while the server runs, and checks it.\n' +
      'For PostgreSQL, use pg_dump (see the README).',
    examples: ['parley backup /var/backups/parley-$(date +%F).db', 'parley backup ./parley.db.bak --json'],
  },
  restore: {
    usage: 'parley restore PATH',
    does: 'Puts the backup at PATH in place of the SQLite store (checked first). Stop the server first: a store\n' +
      'that a running server has open is refused. Migrations newer than the backup are applied at the next start.',
    examples: ['parley restore /var/backups/parley-2026-12-01.db'],
  },
  'account create': {
    usage: `parley account create --name N [--plan ${PLANS} | --message-limit N]`,
    does: 'Creates an account; a plan or a message limit bounds its messages per 30 days (none: unlimited).',
    examples: ['parley account create --name Acme --plan basic', 'parley account create --name Lab --message-limit 200 --json'],
  },
  'account list': { usage: 'parley account list', does: 'Lists every account.', examples: ['parley account list --json'] },
  'key create': {
    usage: 'parley key create --account ID [--name N]',
    does: 'Creates an API key for the account and prints it once (only its hash is kept).',
    examples: ['parley key create --account 3dT6KqW0pA --name ci'],
  },
  'key revoke': {
    usage: 'parley key revoke ID',
    does: 'Revokes a key; running servers refuse it within AUTH_CACHE_TTL.',
    examples: ['parley key revoke Qm8Lr2Xc9T'],
  },
  'key list': { usage: 'parley key list --account ID', does: "Lists an account's keys (prefix, last use, revocation).", examples: ['parley key list --account 3dT6KqW0pA'] },
  'bot create': {
    usage: 'parley bot create --account ID --name N [--description TEXT] [--model M] [--fallback-model M]\n' +
      '                  [--prompt TEXT] [--temperature T] [--max-tokens N] [--folders ID,ID]',
    does: 'Creates a bot. Unknown models are refused; --folders names the folders it answers from.',
    examples: [
      'parley bot create --account 3dT6KqW0pA --name Support --description "Answers from the handbook" --folders Xb2kP0sQeA',
      'parley bot create --account 3dT6KqW0pA --name Writer --model gpt-4o-mini --temperature 0.7 --json',
    ],
  },
  'bot list': { usage: 'parley bot list --account ID', does: "Lists an account's bots with their settings and folders.", examples: ['parley bot list --account 3dT6KqW0pA'] },
  'bot update': {
    usage: 'parley bot update ID [--name N] [--description TEXT] [--model M] [--fallback-model M]\n' +
      '                  [--prompt TEXT] [--temperature T] [--max-tokens N] [--folders ID,ID]',
    does: 'Changes a bot. An empty value (--model "") puts a setting back to its default; --folders "" clears them.',
    examples: ['parley bot update Bx8qDnk2Ps --folders Xb2kP0sQeA,Rt5vN1mZoE', 'parley bot update Bx8qDnk2Ps --model ""'],
  },
  'folder create': { usage: 'parley folder create --account ID --name N', does: 'Creates a folder.', examples: ['parley folder create --account 3dT6KqW0pA --name Handbook'] },
  'folder list': { usage: 'parley folder list --account ID', does: "Lists an account's folders.", examples: ['parley folder list --account 3dT6KqW0pA --json'] },
  'docs import': {
    usage: 'parley docs import --folder ID [--url URL] [--key KEY] PATH...',
    does: 'Uploads files to a running server (signed upload URLs) and imports them into the folder,\n' +
      'with a progress bar; waits until each is synced or sync_failed. The key comes from --key or PARLEY_API_KEY.\n' +
      'Exit code 1 when any file failed.',
    examples: ['PARLEY_API_KEY=parley_... parley docs import --folder Xb2kP0sQeA docs/*.md handbook.pdf'],
  },
  usage: {
    usage: 'parley usage --account ID [--since DATE]',
    does: "Adds up an account's messages, replies and tokens since DATE (default: 30 days ago).",
    examples: ['parley usage --account 3dT6KqW0pA --since 2026-11-01'],
  },
};

/** `parley --help`: every command's usage line. */
export function globalHelp(): string {
  const lines = Object.values(COMMAND_HELP).map((h) => `  ${h.usage.replace(/\n/g, '\n  ')}`);
  return [
    'parley — a self-hosted server for the Cody AI API v1',
    '',
    'Usage:',
    ...lines,
    '',
    'Every command takes --json and then prints exactly one JSON object; `parley COMMAND --help` shows its examples.',
    'Exit codes: 0 done, 1 failed (configuration, connection, a failed import), 2 usage error, 3 not found.',
    'Configuration comes from environment variables (and .env); see the README.',
  ].join('\n');
}

/** `parley COMMAND --help`. */
export function commandHelp(name: string): string | undefined {
  const h = ownEntry(COMMAND_HELP, name);
  if (!h) return undefined;
  return [`Usage: ${h.usage}`, '', h.does, '', 'Examples:', ...h.examples.map((e) => `  ${e}`)].join('\n');
}
