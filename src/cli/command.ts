import type { ModelCatalog } from '../chat-model/model-catalog.js';
import type { Store } from '../store/store.js';

export type Flags = Record<string, string | boolean | undefined>;

/** What commands may need besides the store. */
export interface CommandContext {
  models: ModelCatalog;
}

/** One `parley GROUP VERB` command: positional arguments after the verb, then the flags. */
export type Command = (store: Store, args: string[], flags: Flags, ctx: CommandContext) => Promise<void>;
