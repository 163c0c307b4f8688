// Loaded into a Parley process with NODE_OPTIONS=--import=...: measures its event loop's delays
// (monitorEventLoopDelay) from inside, writes them to PARLEY_LOOP_DELAY_FILE twice a second, and
// starts over on SIGUSR2 (so a suite can leave its warm-up out). Parley itself is unchanged.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.PARLEY_LOOP_DELAY_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const write = () => writeFileSync(file, JSON.stringify({
    maxMs: ms(histogram.max), p99Ms: ms(histogram.percentile(99)), meanMs: ms(histogram.mean), samples: histogram.count,
  }));
  setInterval(write, 500).unref();
  process.on('SIGUSR2', () => {
    histogram.reset();
    write();
  });
}
