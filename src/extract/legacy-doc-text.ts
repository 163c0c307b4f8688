import WordExtractor from 'word-extractor';
import { ExtractionError } from './extraction-error.js';

const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The body text of a Word 97–2003 document (.doc). */
export async function legacyDocText(bytes: Buffer): Promise<string> {
  if (!bytes.subarray(0, 8).equals(OLE_MAGIC)) throw new ExtractionError('The file is not a valid Word 97–2003 (.doc) file.');
  try {
    const doc = await new WordExtractor().extract(bytes);
    return doc.getBody();
  } catch (err) {
    throw new ExtractionError(`The Word 97–2003 file could not be read (${(err as Error).message}).`);
  }
}
