/**
 * HOUSE-STYLE: a migration round trip (up, down, up) leaves the same schema and every `down` removes what its
 * `up` made; /readyz answers 503 naming the pending migrations while the schema is behind (SPEC §6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrateLatest, migrationConfig, pendingMigrations, rollback } from '../../src/db/migrations.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent } from '../helpers/http.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

async function rows<T>(sql: string): Promise<T[]> {
  const res = (await t.db.knex.raw(sql)) as { rows: T[] };
  return res.rows;
}

/** Tables, columns, indexes, constraints, triggers and our own functions: what a migration can make. */
async function schemaFingerprint(): Promise<string[]> {
  const columns = await rows<{ x: string }>(`
    SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') AS x
    FROM information_schema.columns WHERE table_schema = 'public'`);
  const indexes = await rows<{ x: string }>(`SELECT indexdef AS x FROM pg_indexes WHERE schemaname = 'public'`);
  const constraints = await rows<{ x: string }>(`
    SELECT c.conrelid::regclass::text || ' ' || pg_get_constraintdef(c.oid) AS x
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'`);
  const triggers = await rows<{ x: string }>(`
    SELECT event_object_table || ' ' || trigger_name || ' ' || event_manipulation || ' ' || action_timing AS x
    FROM information_schema.triggers WHERE trigger_schema = 'public'`);
  const functions = await rows<{ x: string }>(`
    SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS x
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`);
  return [...columns, ...indexes, ...constraints, ...triggers, ...functions].map((r) => r.x).sort();
}

async function publicTables(): Promise<string[]> {
  return (await rows<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).map(
    (r) => r.tablename,
  );
}

describe('migrations round trip (HOUSE-STYLE; RELIABILITY check 38 relies on it)', () => {
  it('down all, up, down all, up: every down removes its objects and up rebuilds the same schema', async () => {
    const migrated = await schemaFingerprint();
    expect(migrated.length).toBeGreaterThan(20);
    const all = MIGRATIONS.map(([name]) => name);

    expect((await rollback(t.db.knex, true)).sort()).toEqual([...all].sort());
    expect(await publicTables()).toEqual(['knex_migrations', 'knex_migrations_lock']);
    const empty = (await schemaFingerprint()).filter((x) => !x.includes('knex_migrations'));
    expect(empty, 'objects left behind by down migrations').toEqual([]);
    expect(await pendingMigrations(t.db.knex)).toEqual(all);

    expect(await migrateLatest(t.db.knex)).toEqual(all);
    expect(await schemaFingerprint()).toEqual(migrated);

    await rollback(t.db.knex, true);
    expect(await publicTables()).toEqual(['knex_migrations', 'knex_migrations_lock']);
    expect(await migrateLatest(t.db.knex)).toEqual(all);
    expect(await schemaFingerprint()).toEqual(migrated);
    expect(await pendingMigrations(t.db.knex)).toEqual([]);

    // The rebuilt schema works for the app: the audit trail is append-only again.
    await t.db.knex('audit_events').insert({ action: 'test.roundtrip' });
    await expect(t.db.knex.raw('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });

  it('/readyz answers 503 listing pending migrations while the schema is behind, 200 once current', async () => {
    await migrateLatest(t.db.knex);
    const ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    // `degraded`, not `ready`: this database has no backup yet (a warning, never a 503).
    expect(ready.body).toMatchObject({ status: 'degraded', checks: { database: { ok: true }, migrations: { ok: true } } });

    // Exactly one migration down (rollback() would undo the whole last batch).
    await t.db.knex.migrate.down(migrationConfig);
    const last = MIGRATIONS[MIGRATIONS.length - 1]?.[0];
    expect(await pendingMigrations(t.db.knex)).toEqual([last]);
    const behind = await agent(t).get('/readyz');
    expect(behind.status).toBe(503);
    expect(behind.body).toMatchObject({
      status: 'not_ready',
      checks: { database: { ok: true }, migrations: { ok: false, detail: [last] } },
    });
    // Liveness does not depend on the schema: the process is fine, only not ready.
    expect((await agent(t).get('/healthz')).status).toBe(200);

    await migrateLatest(t.db.knex);
    const again = await agent(t).get('/readyz');
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('degraded');
  });
});
