import { ExtractionError } from './extraction-error.js';

/** Pages beyond this are not read: a bound on the time one PDF may take. */
const MAX_PAGES = 2000;

/** The text of a PDF, page by page (pdf.js, in this process, no worker thread). */
export async function pdfText(bytes: Buffer): Promise<string> {
  if (bytes.subarray(0, 1024).indexOf('%PDF-') === -1) throw new ExtractionError('The file is not a valid PDF.');
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    const pdf = await task.promise;
    const pages: string[] = [];
    for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES); n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str + (item.hasEOL ? '\n' : '');
      }
      pages.push(text.trim());
      page.cleanup();
    }
    return pages.filter(Boolean).join('\n\n');
  } catch (err) {
    if ((err as Error).name === 'PasswordException') throw new ExtractionError('The PDF is protected by a password.');
    throw new ExtractionError(`The PDF could not be read (${(err as Error).message}).`);
  } finally {
    await task.destroy();
  }
}
