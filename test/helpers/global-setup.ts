/**
 * Builds one migrated template database with the reference catalogues per run; every test file then gets its own copy (fast isolation):
 *  - PostgreSQL: CREATE DATABASE … TEMPLATE csdl_hoi_test_<run>_template;
 *  - PGlite: a data-directory dump loaded into a fresh in-memory instance.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { seedReference } from '../../seeds/reference/index.js';
import { createDatabase } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrations.js';
import { runPrefix, templateName, testServerUrl, withDatabase } from './backend.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string | null;
    serverUrl: string | null;
    runId: string;
  }
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = testServerUrl();
  const runId = `${process.pid}${Date.now().toString(36)}`;
  project.provide('runId', runId);
  if (serverUrl) {
    const template = templateName(runId);
    await adminQuery(serverUrl, `CREATE DATABASE ${template}`);
    const db = await createDatabase({ backend: 'postgres', url: withDatabase(serverUrl, template), poolMax: 1 });
    await migrateLatest(db.knex);
    await seedReference(db.knex);
    await db.close();
    project.provide('serverUrl', serverUrl);
    project.provide('pgliteTemplate', null);
    return async () => {
      // Drop what the run made: the template and any per-file database a crashed worker left behind.
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
        `${runPrefix(runId)}_%`,
      ]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      await client.end();
    };
  }
  const dir = path.join(os.tmpdir(), `csdl-hoi-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const db = await createDatabase({ backend: 'pglite', dataDir: null });
  await migrateLatest(db.knex);
  await seedReference(db.knex);
  if (!db.pglite) throw new Error('PGlite expected');
  const dump = await db.pglite.dumpDataDir('none');
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  project.provide('serverUrl', null);
  project.provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
