import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes a PARLEY_MODELS file and returns its path. */
export function modelsFile(content: object): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'parley-models-')), 'models.json');
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}
