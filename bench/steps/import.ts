/** SPEC §7: bulk import of a 10,000-row Excel file with validation, ≥ 2,000 rows/s (issue: bulk import). */
import type { Knex } from 'knex';
import { findFeature } from '../lib/feature.js';
import type { BenchStep } from '../lib/step.js';

/** What src/features/<import>/bench-hook.ts exports to plug in: import `rows` generated rows, say how long it took. */
export interface ImportHook {
  benchImport(args: { knex: Knex; rows: number; baseUrl: string; cookie: string }): Promise<{ rows: number; seconds: number }>;
}

export const importStep: BenchStep = {
  name: 'import',
  async run(ctx) {
    const { folder, hook } = await findFeature<ImportHook>(['imports', 'import', 'bulk-import']);
    if (!hook) {
      const why = folder
        ? `bulk import present (src/features/${folder}) but it has no bench-hook.ts exporting benchImport yet`
        : 'bulk import is not on this branch (issue: bulk import)';
      Object.assign(ctx.results, { import_rows_per_s: null, import_note: why });
      ctx.rows.push({ measure: 'bulk import 10,000 rows', value: 'not measured', goal: '≥ 2,000 rows/s', ok: null });
      ctx.notes.push(`import: ${why}`);
      return;
    }
    const r = await hook.benchImport({ knex: ctx.db.knex, rows: 10_000, baseUrl: ctx.app.baseUrl, cookie: ctx.cookies.staff });
    const rate = Math.round(r.rows / r.seconds);
    Object.assign(ctx.results, { import_rows_per_s: rate, import_rows: r.rows, import_s: r.seconds });
    ctx.rows.push({ measure: `bulk import ${r.rows} rows`, value: `${rate} rows/s`, goal: '≥ 2,000 rows/s', ok: rate >= 2000 });
  },
};
