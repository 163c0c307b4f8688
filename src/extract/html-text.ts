import { convert } from 'html-to-text';

/** Readable text of an HTML document or fragment: block structure kept, markup, scripts and styles dropped. */
export function htmlText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
      { selector: 'table', options: { uppercaseHeaderCells: false } },
    ],
  }).trim();
}

/** Whether pasted content is HTML rather than plain text (it has at least one element tag). */
export function looksLikeHtml(content: string): boolean {
  return /<(!doctype\s+html|html|body|p|div|h[1-6]|ul|ol|li|table|br|span|a|strong|em|b|i|article|section)\b[^>]*>/i.test(content);
}
