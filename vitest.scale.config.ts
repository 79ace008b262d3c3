import { defineConfig } from 'vitest/config';

/**
 * Scale-out proof (`npm run test:scale`, issue 19): real processes on this machine — nginx in front of two app
 * instances, the local PostgreSQL and a streaming standby made with pg_basebackup. Never part of `npm test`.
 */
export default defineConfig({
  test: {
    name: 'scale',
    include: ['test/scale/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
