// Builds the client: one ES module for Node 20 and browsers alike (the SSE parser it shares with
// the server bundled in, so the package needs nothing but fetch), and its type declarations.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
rmSync(path.join(here, 'dist'), { recursive: true, force: true });
await build({
  entryPoints: [path.join(here, 'src/index.ts')],
  outfile: path.join(here, 'dist/parley-client.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
const tsc = path.join(here, '../node_modules/typescript/bin/tsc');
execFileSync(process.execPath, [
  tsc, '-p', path.join(here, 'tsconfig.json'),
  '--noEmit', 'false', '--declaration', '--emitDeclarationOnly', '--outDir', path.join(here, 'dist/types'),
], { stdio: 'inherit' });
