import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The backend is PGlite unless DATABASE_URL (or TEST_DATABASE_URL) names a PostgreSQL server; CI runs both.
    globalSetup: ['test/helpers/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
    ],
  },
});
