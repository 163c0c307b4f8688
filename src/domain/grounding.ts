import type { ChatMessage } from '../chat-model/chat-model.js';
import type { RetrievedPassage } from '../retriever/retriever.js';
import type { SourceRef } from './entities.js';

/** What the model is told when no passage reaches the relevance floor. */
export const NOTHING_IN_KNOWLEDGE_BASE =
  'The knowledge base has nothing on this question. Say so plainly, and do not present anything you add as coming from it.';

/**
 * The instruction and the passages the model is asked to answer from, as one system message; with
 * no passages, the plain statement that the knowledge base has nothing on the question.
 */
export function groundingMessage(passages: RetrievedPassage[]): ChatMessage {
  if (!passages.length) return { role: 'system', content: NOTHING_IN_KNOWLEDGE_BASE };
  const numbered = passages
    .map((p, i) => `[${i + 1}] (${[p.documentName, ...p.section].join(' › ')})\n${p.passage}`)
    .join('\n\n');
  return {
    role: 'system',
    content:
      'Answer from the knowledge base passages below. If they do not contain the answer, say so plainly ' +
      'rather than guessing. Mention the documents you used by name.\n\n' + numbered,
  };
}

/** The documents the passages come from, each once, most relevant first. */
export function sourcesOf(passages: RetrievedPassage[]): SourceRef[] {
  const seen = new Map<number, SourceRef>();
  for (const p of passages) {
    if (!seen.has(p.documentId)) seen.set(p.documentId, { documentId: p.documentId, documentName: p.documentName });
  }
  return [...seen.values()];
}
