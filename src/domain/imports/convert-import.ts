import { readWholeBlob, type BlobStore } from '../../blob-store/blob-store.js';
import { extractText } from '../../extract/extract-text.js';
import { ExtractionError } from '../../extract/extraction-error.js';
import { formatOf, type FileFormat } from '../../extract/file-formats.js';
import { htmlText } from '../../extract/html-text.js';
import { plainText } from '../../extract/plain-text.js';
import { detectTextFormat } from '../../extract/text-format.js';
import type { ImportPayload } from '../../store/knowledge-repos.js';
import { guardedFetch, type FetchLimits } from '../../webpage/guarded-fetch.js';
import { readableText } from '../../webpage/readable-text.js';

export interface Converted {
  text: string;
  /** A better name than the one the document was created with (a page's title). */
  name?: string;
}

/** Page content types the importer reads, and how. */
const PAGE_FORMATS: Record<string, FileFormat> = {
  'text/plain': 'txt', 'text/markdown': 'md', 'application/pdf': 'pdf',
};

/** Turns an import job's source into text; throws ExtractionError or FetchError with a reason for the user. */
export async function convertImport(
  payload: ImportPayload, deps: { blobs: BlobStore; webpage: FetchLimits },
): Promise<Converted> {
  switch (payload.kind) {
    case 'text':
      // Markdown and plain text are stored as written: their structure is what passages follow.
      return { text: detectTextFormat(payload.content) === 'html' ? htmlText(payload.content) : payload.content };
    case 'file': {
      const format = formatOf(payload.fileName);
      if (!format) throw new ExtractionError('The file format is not supported.');
      const bytes = await readWholeBlob(deps.blobs, payload.key);
      if (!bytes) throw new ExtractionError('The uploaded file is no longer there.');
      return { text: await extractText(bytes, format) };
    }
    case 'webpage':
      return convertPage(payload.url, deps.webpage);
  }
}

async function convertPage(url: string, limits: FetchLimits): Promise<Converted> {
  const page = await guardedFetch(url, limits);
  const type = page.contentType.split(';')[0].trim().toLowerCase();
  if (type === 'text/html' || type === 'application/xhtml+xml' || type === '') {
    const charset = /charset=["']?([\w-]+)/i.exec(page.contentType)?.[1];
    const html = charset ? decode(page.body, charset) : plainText(page.body);
    const { title, text } = readableText(html.replaceAll('\u0000', ''));
    if (!text.trim()) throw new ExtractionError('The page contains no text.');
    return { text, name: title?.slice(0, 255) };
  }
  const format = PAGE_FORMATS[type];
  if (!format) throw new ExtractionError(`The page is neither HTML nor text (its type is ${type}).`);
  return { text: await extractText(page.body, format) };
}

function decode(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return plainText(bytes);
  }
}
