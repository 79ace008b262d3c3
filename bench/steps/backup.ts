/** SPEC §7: backup and restore of the whole data set, each ≤ 60 s, the restored database identical. */
import type { Knex } from 'knex';
import { findFeature } from '../lib/feature.js';
import type { BenchStep } from '../lib/step.js';

/** What src/features/<backup>/bench-hook.ts exports to plug in. */
export interface BackupHook {
  benchBackupRestore(args: {
    knex: Knex;
    databaseUrl: string | null;
  }): Promise<{ backup_s: number; restore_s: number; identical: boolean }>;
}

export const backupStep: BenchStep = {
  name: 'backup',
  async run(ctx) {
    const { folder, hook } = await findFeature<BackupHook>(['backup', 'backups']);
    if (!hook) {
      const why = folder
        ? `backup present (src/features/${folder}) but it has no bench-hook.ts exporting benchBackupRestore yet`
        : 'backup/restore is not on this branch (issue 7)';
      Object.assign(ctx.results, { backup_s: null, restore_s: null, backup_note: why });
      ctx.rows.push({ measure: 'backup / restore', value: 'not measured', goal: '≤ 60 s each', ok: null });
      ctx.notes.push(`backup: ${why}`);
      return;
    }
    const r = await hook.benchBackupRestore({ knex: ctx.db.knex, databaseUrl: ctx.target.url });
    Object.assign(ctx.results, { backup_s: r.backup_s, restore_s: r.restore_s, restore_identical: r.identical });
    ctx.rows.push(
      { measure: 'backup', value: `${r.backup_s.toFixed(1)} s`, goal: '≤ 60 s', ok: r.backup_s <= 60 },
      {
        measure: 'restore',
        value: `${r.restore_s.toFixed(1)} s${r.identical ? '' : ' (NOT identical)'}`,
        goal: '≤ 60 s, identical',
        ok: r.restore_s <= 60 && r.identical,
      },
    );
  },
};
