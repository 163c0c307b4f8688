import type { TokenUsage } from '../domain/entities.js';

/** A token count as a provider reported it: a whole number of zero or more, else not a count. */
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The usage a provider reported, when both counts are counts. Anything else (`{}`, `true`, `-1`,
 * `"12"`, a missing field) is not trusted: the reply then carries Parley's own estimate, and no
 * foreign value reaches the store, where a wrong type would make storing the reply fail.
 */
export function reportedUsage(promptTokens: unknown, completionTokens: unknown): TokenUsage | undefined {
  return isCount(promptTokens) && isCount(completionTokens) ? { promptTokens, completionTokens } : undefined;
}
