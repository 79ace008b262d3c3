import { defineConfig } from 'vitest/config';

/** Browser journeys (`npm run test:e2e`): real Chromium through playwright-core, never part of `npm test`. */
export default defineConfig({
  test: {
    name: 'e2e',
    include: ['test/e2e/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
