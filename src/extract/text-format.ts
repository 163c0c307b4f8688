import { marked, type Token } from 'marked';

/** How a text's structure is written. */
export type TextFormat = 'html' | 'markdown' | 'text';

/** A document element (doctype, `<html>`, `<head>` or `<body>`) opening the text, after comments. */
const HTML_DOCUMENT = /^(?:\s|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html|head|body)\b/i;

/** Markdown marks a plain text would not have: ATX headings, fences, tables, links, setext headings. */
const MARKDOWN_TOKENS = new Set(['heading', 'code', 'table']);

/**
 * The format of pasted or fetched text, judged by its structure rather than by any tag in it:
 * HTML when it is an HTML document, or a fragment made of HTML blocks only (as pasted from a web
 * page); Markdown when it has headings, fenced code, tables or links; plain text otherwise. A tag
 * inside a Markdown code sample or paragraph leaves the text Markdown. `lexed`: the text's tokens,
 * when the caller has them already.
 */
export function detectTextFormat(content: string, lexed: Token[] = marked.lexer(content)): TextFormat {
  if (HTML_DOCUMENT.test(content)) return 'html';
  const tokens = lexed.filter((t) => t.type !== 'space');
  if (tokens.length && tokens.every((t) => t.type === 'html')) return 'html';
  return tokens.some(isMarkdownMark) ? 'markdown' : 'text';
}

function isMarkdownMark(token: Token): boolean {
  if (MARKDOWN_TOKENS.has(token.type)) {
    // An indented block is as likely a plain text's indentation as a Markdown code block.
    return token.type !== 'code' || token.raw.trimStart().startsWith('```') || token.raw.trimStart().startsWith('~~~');
  }
  return token.type === 'paragraph' && /\[[^\]\n]+\]\([^)\s]+\)/.test(token.raw);
}
