// `npm run bench -- [flags]` (see --help): the benchmark harness of issue 6.
import { runBench } from './bench.js';
import { parseOptions } from './options.js';

try {
  await runBench(parseOptions(process.argv.slice(2)));
  process.exit(0);
} catch (err) {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
}
