import type { RetrievedPassage } from '../retriever/retriever.js';

export const NOTHING_FOUND = 'I could not find anything about that in the knowledge base.';

/** How many passages an extractive answer quotes. */
export const EXTRACTIVE_PASSAGES = 3;

/** What a bot's `model` shows when no language model is configured: it answers in extractive mode. */
export const EXTRACTIVE_MODEL = 'extractive';

/**
 * The reply when no language model is configured: the most relevant passages, quoted with the
 * names of their documents; or a plain statement that the knowledge base has nothing on it.
 */
export function extractiveAnswer(passages: RetrievedPassage[]): string {
  if (!passages.length) return NOTHING_FOUND;
  const quotes = passages
    .slice(0, EXTRACTIVE_PASSAGES)
    .map((p) => `From "${p.documentName}"${p.section.length ? ` (${p.section.join(' › ')})` : ''}:\n> ${p.passage.trim().replace(/\n+/g, '\n> ')}`);
  return `Here is what the knowledge base says:\n\n${quotes.join('\n\n')}`;
}

/** Splits a text into word-sized pieces (each keeping its trailing space) to stream like a model would. */
export function wordPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
