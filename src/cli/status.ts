import { loadModelCatalog } from '../chat-model/model-catalog.js';
import type { Config } from '../config/config.js';
import { withoutPassword } from '../config/database-url.js';
import { redisUrlWithoutPassword } from '../config/redis-url.js';
import { EXTRACTIVE_MODEL } from '../domain/extractive-answer.js';
import { EXIT } from './cli-error.js';
import type { Flags } from './command.js';
import { printResult } from './print-result.js';
import { serverUrl } from './server-url.js';

/** What one health endpoint answered, or why it did not. */
async function probe(url: string): Promise<{ status: number | null; body: unknown; error?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch (err) {
    return { status: null, body: null, error: (err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message };
  }
}

/**
 * `parley status`: the configuration this environment gives (no secrets: passwords and keys are
 * left out) and whether the server it names answers. Exit code 1 when it does not.
 */
export async function status(config: Config, flags: Flags): Promise<void> {
  const models = loadModelCatalog(config);
  const url = serverUrl(config, flags);
  const [health, ready] = await Promise.all([probe(`${url}/healthz`), probe(`${url}/readyz`)]);
  const up = health.status === 200;
  const summary = {
    server: { url, up, ready: ready.status === 200, ...(health.error && { error: health.error }) },
    listen: `${config.host}:${config.port}`,
    store: withoutPassword(config.databaseUrl),
    stream_bus: config.redisUrl ? redisUrlWithoutPassword(config.redisUrl) : 'in-process',
    blob_store: config.blobStore,
    role: config.role,
    data_dir: config.dataDir,
    models: models.names().length ? models.names() : [EXTRACTIVE_MODEL],
    default_model: models.defaultName ?? EXTRACTIVE_MODEL,
    embeddings: config.knowledge.embeddings.baseUrl ? config.knowledge.embeddings.model ?? null : null,
    public_url: config.publicUrl ?? null,
    stream_public_url: config.streamPublicUrl ?? null,
    metrics: config.metricsToken ? 'behind METRICS_TOKEN' : 'open',
  };
  const lines = [
    `server         ${url}: ${up ? (ready.status === 200 ? 'up and ready' : 'up, but its store does not answer') : `not answering (${health.error ?? `HTTP ${health.status}`})`}`,
    `listen         ${summary.listen}`,
    `store          ${summary.store}`,
    `stream bus     ${summary.stream_bus}`,
    `blob store     ${config.blobStore === 'local' ? `local (${summary.data_dir}/blobs)` : 'postgres (the store\'s database)'}`,
    `role           ${summary.role} (PARLEY_ROLE; parley serve --role wins)`,
    `data folder    ${summary.data_dir}`,
    `models         ${summary.models.join(', ')} (default: ${summary.default_model})`,
    `embeddings     ${summary.embeddings ?? 'off (full-text retrieval only)'}`,
    `public URL     ${summary.public_url ?? '(the address clients call)'}`,
    `metrics        /metrics, ${summary.metrics}`,
  ];
  printResult(!!flags.json, summary, lines.join('\n'));
  if (!up) process.exitCode = EXIT.failed;
}
