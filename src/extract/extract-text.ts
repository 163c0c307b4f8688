import { docxText } from './docx-text.js';
import { ExtractionError } from './extraction-error.js';
import type { FileFormat } from './file-formats.js';
import { htmlText } from './html-text.js';
import { legacyDocText } from './legacy-doc-text.js';
import { pdfText } from './pdf-text.js';
import { plainText } from './plain-text.js';
import { pptxText } from './pptx-text.js';
import { rtfText } from './rtf-text.js';

/**
 * A file's text, by its format. Throws ExtractionError, whose message tells the user why, for
 * anything that is not what its name says, is damaged, or holds no text.
 */
export async function extractText(bytes: Buffer, format: FileFormat): Promise<string> {
  // NUL is no text (and PostgreSQL cannot store it): a file's NULs are dropped on every store alike.
  const text = (await extract(bytes, format)).replaceAll('\u0000', '');
  if (!text.trim()) throw new ExtractionError('The file contains no text.');
  return text;
}

async function extract(bytes: Buffer, format: FileFormat): Promise<string> {
  switch (format) {
    case 'txt':
    case 'md':
      return plainText(bytes);
    case 'html':
    case 'htm':
      return htmlText(plainText(bytes));
    case 'rtf':
      return rtfText(bytes);
    case 'pdf':
      return pdfText(bytes);
    case 'docx':
    case 'docm':
      return docxText(bytes);
    case 'pptx':
    case 'pptm':
      return pptxText(bytes);
    case 'doc':
      return legacyDocText(bytes);
    case 'ppt':
      throw new ExtractionError('The file format is not supported: PowerPoint 97–2003 (.ppt). Save it as .pptx and upload it again.');
  }
}
