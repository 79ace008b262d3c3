/** Which database the suite runs on: a PostgreSQL server when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite. */
export function testServerUrl(): string | null {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
}

/**
 * Names of one run's databases: `csdl_hoi_test_<run>_template` and `csdl_hoi_test_<run>_<file>`. The run id keeps
 * two runs on one server (CI and a developer, two worktrees) from dropping each other's databases.
 */
export function runPrefix(runId: string): string {
  return `csdl_hoi_test_${runId}`;
}

export function templateName(runId: string): string {
  return `${runPrefix(runId)}_template`;
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
