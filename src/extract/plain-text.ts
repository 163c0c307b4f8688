import { ExtractionError } from './extraction-error.js';

/** A text file's contents: UTF-8 (or UTF-16 with its byte order mark); binary data is refused. */
export function plainText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  if (bytes.subarray(0, 8192).includes(0)) throw new ExtractionError('The file is not a text file.');
  // Text that is not valid UTF-8 is most likely Windows-1252, the other encoding editors still save.
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
