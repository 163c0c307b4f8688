import { adminCommands } from './admin-commands.js';
import type { Command } from './command.js';
import { knowledgeCommands } from './knowledge-commands.js';

/** Every store command, by `GROUP VERB` (or a group alone, such as `usage`). */
export const commands: Record<string, Command> = { ...adminCommands, ...knowledgeCommands };
