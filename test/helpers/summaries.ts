/** Summary tables of signed parts (reports, public counts): tests make their parts pile up past the folding slack. */
import type { Knex } from 'knex';
import { expect } from 'vitest';

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
