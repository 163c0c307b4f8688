import { createApp } from '../app.js';
import type { Config } from '../config/config.js';
import { bootstrapFirstRun } from '../domain/bootstrap-first-run.js';
import { encodeId } from '../transport/public-ids.js';

/** `parley serve`: runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  const first = await bootstrapFirstRun(app.store, config.llm.model ?? null);
  const address = await app.listen();
  if (first) {
    const base = config.publicUrl ?? address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
    process.stdout.write([
      '',
      'First start: created the account "default", the bot "Default bot" and this API key (shown once):',
      '',
      `  ${first.key}`,
      '',
      'Try it:',
      `  curl -s ${base}/api/v1/bots -H "Authorization: Bearer ${first.key}"`,
      `  curl -s ${base}/api/v1/conversations -H "Authorization: Bearer ${first.key}" \\`,
      `    -H "Content-Type: application/json" -d '{"name":"First chat","bot_id":"${encodeId(first.bot.id)}"}'`,
      '',
    ].join('\n') + '\n');
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.server.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (err) => {
        app.server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
