import type { ModelCatalog } from '../chat-model/model-catalog.js';
import { CliError } from './cli-error.js';

/** `model` when the configuration has it; else a CliError saying which models there are. */
export function checkedModel(model: string, flagName: string, models: ModelCatalog): string {
  if (models.accepts(model)) return model;
  const known = models.names();
  throw new CliError(`--${flagName}: the model "${model}" is not configured` +
    (known.length ? ` (configured: ${known.join(', ')})` : ' (no models are configured: set LLM_BASE_URL or PARLEY_MODELS)'));
}
