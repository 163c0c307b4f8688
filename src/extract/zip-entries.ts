import { unzipSync } from 'fflate';
import { ExtractionError } from './extraction-error.js';

/** More than this, uncompressed, is taken for a zip bomb. */
const MAX_UNZIPPED_BYTES = 512 * 1024 * 1024;

/**
 * The entries of an Office (zip) file whose names pass `want`, uncompressed; checks the sizes the
 * zip declares first, so a small file cannot expand into gigabytes.
 */
export function zipEntries(bytes: Buffer, what: string, want: (name: string) => boolean = () => true): Record<string, Uint8Array> {
  if (bytes.readUInt32LE(0) !== 0x04034b50) throw new ExtractionError(`The file is not a valid ${what} file.`);
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_UNZIPPED_BYTES) throw new ExtractionError(`The ${what} file expands to more than ${MAX_UNZIPPED_BYTES} bytes.`);
        return want(f.name);
      },
    });
  } catch (err) {
    if (err instanceof ExtractionError) throw err;
    throw new ExtractionError(`The file is not a valid ${what} file (${(err as Error).message}).`);
  }
}
