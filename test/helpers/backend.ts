/** Which database the suite runs on: a PostgreSQL server when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite. */
export function testServerUrl(): string | null {
  return process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null;
}

export const TEMPLATE_DB = 'csdl_hoi_test_template';

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
