import mammoth from 'mammoth';
import { ExtractionError } from './extraction-error.js';
import { zipEntries } from './zip-entries.js';

/** The text of a Word document (.docx, .docm), paragraph by paragraph. */
export async function docxText(bytes: Buffer): Promise<string> {
  const entries = zipEntries(bytes, 'Word', (name) => name === 'word/document.xml');
  if (!entries['word/document.xml']) throw new ExtractionError('The file is not a valid Word file (it has no word/document.xml).');
  try {
    const { value } = await mammoth.extractRawText({ buffer: bytes });
    return value.trim();
  } catch (err) {
    throw new ExtractionError(`The Word file could not be read (${(err as Error).message}).`);
  }
}
