/** Summary tables of signed parts (reports, public counts): tests make their parts pile up past the folding slack. */
import type { Knex } from 'knex';
import { expect } from 'vitest';
import { bulkColumns } from '../../src/features/imports/bulk-file.js';
import type { Actor } from '../../src/lib/auth-context.js';
import type { TestContext } from './app.js';

/**
 * Moves the given associations between two scopes, one statement at a time (each appends parts), until `counts`
 * shows more parts than twice the groups plus `slack` — the point past which a read folds them.
 */
export async function pileUpParts(
  k: Knex,
  ids: readonly number[],
  counts: () => Promise<{ parts: number; groups: number }>,
  slack: number,
): Promise<void> {
  for (let i = 0; ; i++) {
    const { parts, groups } = await counts();
    if (parts > 2 * groups + slack) return;
    await k.raw(
      `UPDATE associations SET scope = CASE WHEN scope = 'lien_tinh' THEN 'toan_quoc' ELSE 'lien_tinh' END
        WHERE id IN (${ids.map(Number).join(',')})`,
    );
    expect(i).toBeLessThan(slack);
  }
}

/**
 * Imports `count` new associations through the bulk import (a CSV of the main columns, as staff upload it), named
 * `<prefix> 1…count`, with the scope and main field `pick` chooses; the import must create them all.
 */
export async function importAssociations(
  t: TestContext,
  actor: Actor,
  options: { prefix: string; count: number; scope: () => string; field: () => string },
): Promise<void> {
  const keys = ['code', 'name', 'kind_code', 'scope', 'main_field_code', 'status', 'data_level', 'hq_province_code'];
  const columns = bulkColumns();
  const label = (key: string) => columns.find((c) => c.key === key)?.label as string;
  const lines = [keys.map(label).join(',')];
  for (let i = 0; i < options.count; i++)
    lines.push(['', `${options.prefix} ${i + 1}`, 'hoi', options.scope(), options.field(), 'hoat_dong', 'raw', '01'].join(','));
  const summary = await t.services.imports.runImport({
    actor,
    data: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'),
    originalName: 'nhap-khau.csv',
    format: 'csv',
    mode: 'all',
    hooks: {},
  });
  expect(summary).toMatchObject({ invalid: 0, created: options.count });
}
