import { beforeAll, describe, expect, it } from 'vitest';
import { countPromptTokens, countTokens, countTokensInTurns, keptMessageTokens, loadTokenizer, messageTokens } from './token-count.js';

describe('token counts', () => {
  beforeAll(() => loadTokenizer());

  it('counts short text as the tokenizer does, long runs cut as the long-text path cuts them', async () => {
    expect(countTokens('')).toBe(0);
    expect(countTokens('Hello, world!')).toBe(4);
    const long = 'word '.repeat(10_000) + 'x'.repeat(500);
    expect(await countTokensInTurns(long)).toBe(countTokens(long));
  });

  it('counts a message only as far as a limit, and keeps the exact count apart from a lower bound', async () => {
    const long = 'many words here '.repeat(20_000); // 60,000 tokens or so, in several slices
    const exact = countTokens(long) + 4;
    const bounded = await messageTokens(9_000_001, long, 1_000);
    expect(bounded).toBeGreaterThan(1_000);
    expect(bounded).toBeLessThan(exact);
    // A lower bound answers for limits below it, never for a larger one.
    expect(keptMessageTokens(9_000_001, long, 500)).toBe(bounded);
    expect(keptMessageTokens(9_000_001, long, exact)).toBeUndefined();
    expect(await messageTokens(9_000_001, long)).toBe(exact);
    expect(keptMessageTokens(9_000_001, long, 10)).toBe(exact);
    expect(await messageTokens(9_000_002, 'short', 1_000)).toBe(countTokens('short') + 4);
  });

  it('counts system messages alike whether kept (instructions) or counted afresh (grounding), every time', async () => {
    const instructions = { role: 'system' as const, content: 'You answer questions about the handbook, briefly.' };
    const grounding = { role: 'system' as const, content: 'Answer from the knowledge base passages below.\n\n[1] (Handbook)\n' + 'Leave is booked a week ahead. '.repeat(100) };
    const expected = 3 + 4 + countTokens(instructions.content) + 4 + countTokens(grounding.content);
    expect(await countPromptTokens([instructions], [grounding])).toBe(expected);
    expect(await countPromptTokens([instructions], [grounding])).toBe(expected);
    expect(await countPromptTokens([instructions, grounding])).toBe(expected);
    expect(await countPromptTokens([], [instructions, grounding])).toBe(expected);
    expect(await countPromptTokens([])).toBe(3);
  });
});
