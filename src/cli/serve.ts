import { lookup } from 'node:dns/promises';
import { createApp } from '../app.js';
import type { Config } from '../config/config.js';
import { dutiesOf } from '../config/server-role.js';
import { bootstrapFirstRun } from '../domain/bootstrap-first-run.js';
import { firstRunBanner } from './first-run-banner.js';
import { listenError } from './listen-error.js';

/** `parley serve`: runs the server until SIGTERM or SIGINT, then shuts down gracefully. */
export async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  // The first-start key is for calling the API, so a process that does not serve it makes none.
  const first = dutiesOf(config.role).api ? await bootstrapFirstRun(app.store, config.llm.model ?? null) : undefined;
  let address: string;
  try {
    // fastify's listen neither resolves nor rejects for a HOST that does not resolve (the process
    // then just exits 0), so the name is looked up first.
    await lookup(config.host);
    address = await app.listen();
  } catch (err) {
    // Not app.close(): a server that never listened does not finish closing, and the exit that
    // follows closes the store as well.
    throw listenError(err, config.host, config.port);
  }
  app.server.log.info({ role: config.role }, 'serving as role');
  if (first) {
    const base = config.publicUrl ?? address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
    process.stdout.write(firstRunBanner(first, base));
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
