import { defineConfig } from 'vitest/config';

/** The reliability suites (npm run test:reliability): long, so kept out of the default `npm test`. */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    // One suite at a time: the load suite's figures (stalls, p99s) must not include another suite's work.
    poolOptions: { forks: { singleFork: true, execArgv: ['--expose-gc'] } },
    fileParallelism: false,
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
  },
});
