import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    // The app's modules are imported once per worker, not once per file (about a quarter of the run). Files stay
    // independent: each integration file builds its own app on its own database copy (test/helpers/app.ts), src/
    // keeps no per-request state at module level, and a file that spies or fakes timers restores them.
    isolate: false,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One migrated template database per run, copied per test file. The backend is PGlite unless
          // TEST_DATABASE_URL or DATABASE_URL names a PostgreSQL server; CI runs both.
          globalSetup: ['test/helpers/global-setup.ts'],
        },
      },
    ],
  },
});
