import type { FirstRun } from '../domain/bootstrap-first-run.js';
import { encodeId } from '../transport/public-ids.js';

/** What the first start prints once: the key, and curl lines that add a document and ask about it. */
export function firstRunBanner(first: FirstRun, base: string): string {
  const auth = `-H "Authorization: Bearer ${first.key}"`;
  const json = '-H "Content-Type: application/json"';
  const bot = encodeId('bot', first.bot.id);
  const folder = encodeId('folder', first.folder.id);
  return [
    '',
    'First start: created the account "default", the bot "Default bot" (it reads the folder',
    '"Default folder") and this API key (shown once):',
    '',
    `  ${first.key}`,
    '',
    'Try it: list the bots, add a document to the Default folder, start a conversation, ask about it.',
    `  curl -s ${base}/api/v1/bots ${auth}`,
    `  curl -s ${base}/api/v1/documents ${auth} ${json} \\`,
    `    -d '{"name":"Wifi","content":"The office wifi password is tulip-42.","folder_id":"${folder}"}'`,
    `  curl -s ${base}/api/v1/conversations ${auth} ${json} -d '{"name":"First chat","bot_id":"${bot}"}'`,
    `  curl -s ${base}/api/v1/messages ${auth} ${json} -d '{"content":"What is the wifi password?","conversation_id":"ID"}'`,
    '  (ID: the "id" the conversation call printed)',
    '',
  ].join('\n') + '\n';
}
