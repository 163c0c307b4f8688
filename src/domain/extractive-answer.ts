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
    .map((p) => `From "${p.documentName}"${p.section.length ? ` (${p.section.join(' › ')})` : ''}:\n${quoted(unwrapProse(p.passage.trim()))}`);
  return `Here is what the knowledge base says:\n\n${quotes.join('\n\n')}`;
}

/** A Markdown block quote of the text, its blank lines kept (as `>`) so that paragraphs stay apart. */
function quoted(text: string): string {
  return text.replace(/\n(?:[ \t]*\n)+/g, '\n\n').split('\n').map((line) => (line ? `> ${line}` : '>')).join('\n');
}

/** A fence that opens or closes a Markdown code block. */
const FENCE = /^\s{0,3}(?:```|~~~)/;
/** A line that starts a block of its own (list item, table row, heading, quote, indented code) or ends with a hard break. */
const BLOCK_START = /^(?:\s{0,3}(?:[-*+]\s|\d+[.)]\s|\||#|>)|\s{4}|\t)/;

/**
 * The passage with the lines of each prose paragraph joined: documents are often wrapped at 80
 * columns, and a quote marker at each line break would fall inside sentences (and inside the
 * phrase a reader or a test looks for). Code blocks, lists and tables keep their lines.
 */
export function unwrapProse(text: string): string {
  const out: string[] = [];
  let inCode = false;
  let joinable = false;
  for (const line of text.split('\n')) {
    if (FENCE.test(line)) {
      inCode = !inCode;
      out.push(line);
      joinable = false;
      continue;
    }
    if (!inCode && joinable && line.trim() && !BLOCK_START.test(line)) {
      out[out.length - 1] += ` ${line.trim()}`;
      continue;
    }
    out.push(line);
    // A line ending with two spaces or a backslash is a Markdown hard break: the next line stays apart.
    joinable = !inCode && Boolean(line.trim()) && !/^(?:\s{0,3}(?:\||#)|\s{4}|\t)/.test(line) && !/(?: {2}|\\)$/.test(line);
  }
  return out.join('\n');
}

/** Splits a text into word-sized pieces (each keeping its trailing space) to stream like a model would. */
export function wordPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
