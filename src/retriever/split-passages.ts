import { marked, type Token, type Tokens } from 'marked';
import { detectTextFormat } from '../extract/text-format.js';
import { sentences } from './sentences.js';

/** Passages of about this many characters: small enough to quote, big enough to carry a fact with its context. */
export const PASSAGE_CHARS = 900;

/**
 * A code block or table is kept whole up to this many passages' worth of characters; past that it
 * is cut between lines, as a quote of several thousand characters helps nobody.
 */
const WHOLE_BLOCK_PASSAGES = 3;

/** A part of a document: its text, and the titles of the sections it sits in, outermost first. */
export interface Passage {
  text: string;
  section: string[];
}

type Block =
  | { kind: 'heading'; depth: number; title: string }
  | { kind: 'body'; text: string; cut: 'sentences' | 'items' | 'lines'; items?: string[] };

/**
 * Splits a document's stored text (Markdown, plain text, or the Markdown-like text Parley makes
 * of HTML and other formats) along its structure: each heading opens a passage, which knows its
 * section's title path; paragraphs, list items, code blocks and tables are packed together up to
 * `maxChars` and never cut in the middle (code and tables unless very long); a paragraph longer
 * than a passage is cut between sentences, found by `Intl.Segmenter`.
 */
export function splitPassages(text: string, maxChars = PASSAGE_CHARS): Passage[] {
  const source = text.replace(/\r\n?/g, '\n');
  const tokens = marked.lexer(source);
  // Plain text is read for its paragraphs and lists only: its `<b>`, `[x](y)` and `**` are words.
  const blocks = blocksOf(tokens, detectTextFormat(source, tokens) === 'text');
  if (!blocks.some((b) => b.kind === 'heading')) markPlainHeadings(blocks);

  const passages: Passage[] = [];
  const path: { depth: number; title: string }[] = [];
  let parts: string[] = [];
  let size = 0;
  let hasBody = false;
  const section = () => path.map((p) => p.title);
  const flush = () => {
    if (hasBody) passages.push({ text: parts.join('\n\n'), section: section() });
    parts = [];
    size = 0;
    hasBody = false;
  };
  const add = (piece: string) => {
    if (hasBody && size + 2 + piece.length > maxChars) flush();
    parts.push(piece);
    size += (size ? 2 : 0) + piece.length;
    hasBody = true;
  };

  for (const block of blocks) {
    if (block.kind === 'heading') {
      // A heading with nothing under it yet (a chapter title straight above its first section) stays
      // with the next one, so that no passage is a bare title.
      if (hasBody) flush();
      while (path.length && path[path.length - 1].depth >= block.depth) path.pop();
      path.push({ depth: block.depth, title: block.title });
      parts.push(block.title);
      size += (size ? 2 : 0) + block.title.length;
      continue;
    }
    for (const piece of piecesOf(block, maxChars)) add(piece);
  }
  flush();
  // A document of headings only still has text worth finding.
  if (!passages.length && parts.length) passages.push({ text: parts.join('\n\n'), section: section() });
  return passages;
}

function blocksOf(tokens: Token[], plainText: boolean): Block[] {
  const inline = plainText ? plainInline : inlineText;
  const blocks: Block[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'heading': {
        const title = inline((token as Tokens.Heading).text).trim();
        if (title) blocks.push({ kind: 'heading', depth: (token as Tokens.Heading).depth, title });
        break;
      }
      case 'code':
      case 'table':
        blocks.push({ kind: 'body', text: token.raw.trim(), cut: 'lines' });
        break;
      case 'list': {
        const items = (token as Tokens.List).items.map((i) => inline(i.raw).trim()).filter(Boolean);
        if (items.length) blocks.push({ kind: 'body', text: items.join('\n'), cut: 'items', items });
        break;
      }
      case 'html': {
        if (plainText) {
          blocks.push({ kind: 'body', text: plainInline(token.raw).trim(), cut: 'sentences' });
          break;
        }
        const heading = /^\s*<h([1-6])\b/i.exec(token.raw);
        const plain = htmlBlockText(token.raw);
        if (!plain) break;
        blocks.push(heading ? { kind: 'heading', depth: Number(heading[1]), title: plain } : { kind: 'body', text: plain, cut: 'sentences' });
        break;
      }
      case 'space':
      case 'hr':
      case 'def':
        break;
      default: {
        const plain = inline(token.raw).trim();
        if (plain) blocks.push({ kind: 'body', text: plain, cut: 'sentences' });
      }
    }
  }
  return blocks;
}

/**
 * In a text without Markdown headings, a short line standing alone between paragraphs, without a
 * sentence's closing punctuation, is taken for a heading: that is how plain-text documents title
 * their sections.
 */
function markPlainHeadings(blocks: Block[]): void {
  for (let i = 0; i < blocks.length - 1; i++) {
    const b = blocks[i];
    if (b.kind === 'body' && b.cut === 'sentences' && isPlainHeading(b.text) && blocks[i + 1].kind === 'body') {
      blocks[i] = { kind: 'heading', depth: 1, title: b.text };
    }
  }
}

function isPlainHeading(line: string): boolean {
  return line.length <= 80 && !line.includes('\n') && /\p{L}/u.test(line) && !/[.!?,;:…]["')\]]?$/.test(line);
}

/** The pieces a block is packed as: itself when it fits, else cut where its kind allows. */
function piecesOf(block: Extract<Block, { kind: 'body' }>, maxChars: number): string[] {
  if (block.text.length <= maxChars) return [block.text];
  switch (block.cut) {
    case 'lines':
      if (block.text.length <= WHOLE_BLOCK_PASSAGES * maxChars) return [block.text];
      // A line longer than a passage (minified code, say) is cut between words, or where it must be.
      return pack(block.text.split('\n').flatMap((l) => (l.length <= maxChars ? [l] : splitWords(l, maxChars))), '\n', maxChars);
    case 'items':
      return pack(block.items!.flatMap((i) => (i.length <= maxChars ? [i] : packSentences(i, maxChars))), '\n', maxChars);
    case 'sentences':
      return packSentences(block.text, maxChars);
  }
}

function packSentences(text: string, maxChars: number): string[] {
  return pack(sentences(text).flatMap((s) => (s.length <= maxChars ? [s] : splitWords(s, maxChars))), ' ', maxChars);
}

/** Joins consecutive pieces with `sep` into chunks of at most `maxChars` (a longer piece stays whole). */
function pack(pieces: string[], sep: string, maxChars: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + sep.length + piece.length > maxChars) {
      out.push(current);
      current = '';
    }
    current = current ? current + sep + piece : piece;
  }
  if (current) out.push(current);
  return out;
}

function splitWords(sentence: string, maxChars: number): string[] {
  // A single "word" longer than a passage (a base64 blob, say) is cut where it must be.
  const words = sentence.split(/\s+/).flatMap((w) => w.match(new RegExp(`[^]{1,${maxChars}}`, 'g')) ?? []);
  return pack(words, ' ', maxChars);
}

/**
 * Markdown inline text as a reader sees it: links by their text, no images, emphasis marks and
 * tags dropped; code spans (where a tag is an example, not markup) kept as written.
 */
export function inlineText(markdown: string): string {
  return markdown
    // Links first: their text may hold code spans.
    // Images go: in a README they are logos and badges, whose alt text would be found for every question.
    .replace(/!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[\s*\]/g, '')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 ? part : part
      .replace(/<\/?[A-Za-z][^>]*>/g, '')
      .replace(/(\*\*|__)(?=\S)([^]*?\S)\1/g, '$2')
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n */g, '\n')))
    .join('');
}

/** Plain text's lines, spaces tidied, every character kept. */
function plainInline(text: string): string {
  return text.replace(/[ \t]+/g, ' ').replace(/ *\n */g, '\n');
}

function htmlBlockText(html: string): string {
  return html
    .replace(/<(script|style)\b[^]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
