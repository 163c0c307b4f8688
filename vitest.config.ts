import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // The reliability suites run on their own: npm run test:reliability (vitest.reliability.config.ts).
    exclude: ['**/node_modules/**', 'test/reliability/**'],
    // Integration tests boot real servers on free ports; two cores run two files at a time.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
