import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { htmlText } from '../extract/html-text.js';

/** A page's title and main text (Readability's article, else the whole page's text). */
export function readableText(html: string): { title: string | undefined; text: string } {
  const { document } = parseHTML(html);
  const pageTitle = document.title?.trim() || undefined;
  let article: ReturnType<Readability['parse']> = null;
  try {
    article = new Readability(document as never, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  const articleText = article?.content ? htmlText(article.content) : '';
  // Readability keeps only what looks like an article; short pages (a contact page, a price list) lose too much.
  const text = articleText.length >= 200 ? articleText : htmlText(html);
  return { title: article?.title?.trim() || pageTitle, text };
}
