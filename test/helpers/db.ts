/** A fresh, migrated database for one test file, copied from the run's template. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/knex.js';
import { runPrefix, templateName, withDatabase } from './backend.js';

export interface TestDatabase extends Database {
  /** The server URL of this copy (PostgreSQL) or null (PGlite). */
  url: string | null;
  destroy(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('serverUrl');
  if (serverUrl) {
    const runId = inject('runId');
    const name = `${runPrefix(runId)}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateName(runId)}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const db = await createDatabase({ backend: 'postgres', url, poolMax: 10 });
    return {
      ...db,
      url,
      async destroy() {
        await db.close();
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const template = inject('pgliteTemplate');
  if (!template) throw new Error('global setup did not provide a PGlite template');
  const db = await createDatabase({ backend: 'pglite', dataDir: null, loadDataDir: new Blob([readFileSync(template)]) });
  return { ...db, url: null, destroy: () => db.close() };
}
