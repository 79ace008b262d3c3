/** SQL of the quarterly update cycle: cycles, frozen snapshots, records not updated in a quarter. */
import type { Knex } from 'knex';
import { LIVE_STATUSES } from '../associations/statuses.js';

/** Statuses of an association that still operates: only these are asked to update their record (statuses.ts). */
export { LIVE_STATUSES };

export interface SnapshotData {
  total: number;
  live: number;
  published: number;
  updated_in_quarter: number;
  not_updated_in_quarter: number;
  by_status: Record<string, number>;
  by_scope: Record<string, number>;
  by_field: Record<string, number>;
  by_province: Record<string, number>;
  by_data_level: Record<string, number>;
  by_kind: Record<string, number>;
  by_nature: Record<string, number>;
}

export const SNAPSHOT_DIMENSIONS = {
  status: 'by_status',
  scope: 'by_scope',
  field: 'by_field',
  province: 'by_province',
  data_level: 'by_data_level',
  kind: 'by_kind',
  nature: 'by_nature',
} as const;
export type SnapshotDimension = keyof typeof SNAPSHOT_DIMENSIONS;

const COLUMN: Record<SnapshotDimension, string> = {
  status: 'status',
  scope: 'scope',
  field: 'main_field_code',
  province: 'hq_province_code',
  data_level: 'data_level',
  kind: 'kind_code',
  nature: 'nature_code',
};

export interface CycleRow {
  id: number;
  quarter: string;
  period_start: string;
  period_end: string;
  opened_at: Date;
  job_run_id: number | null;
  snapshot_total: number | null;
  snapshot_not_updated: number | null;
}

function updatedIn(db: Knex, from: Date, to: Date) {
  return db('association_versions as v')
    .whereRaw('v.association_id = a.id')
    .where('v.created_at', '>=', from)
    .where('v.created_at', '<', to);
}

async function snapshotData(trx: Knex, from: Date, to: Date): Promise<SnapshotData> {
  const groups = {} as Record<SnapshotDimension, Record<string, number>>;
  for (const dim of Object.keys(COLUMN) as SnapshotDimension[]) {
    const rows = await trx('associations')
      .select(trx.raw(`coalesce(${COLUMN[dim]}, '') as key`))
      .count<{ key: string; n: number }[]>('* as n')
      .groupByRaw(COLUMN[dim]);
    groups[dim] = Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
  }
  const one = async (q: Knex.QueryBuilder) => Number((await q.count<{ n: number }[]>('* as n').first())?.n ?? 0);
  const total = await one(trx('associations'));
  const live = await one(trx('associations').whereIn('status', LIVE_STATUSES));
  const published = await one(trx('associations').where('published', true));
  const updated = await one(
    trx('associations as a')
      .whereIn('a.status', LIVE_STATUSES)
      .whereExists(updatedIn(trx, from, to)),
  );
  return {
    total,
    live,
    published,
    updated_in_quarter: updated,
    not_updated_in_quarter: live - updated,
    by_status: groups.status,
    by_scope: groups.scope,
    by_field: groups.field,
    by_province: groups.province,
    by_data_level: groups.data_level,
    by_kind: groups.kind,
    by_nature: groups.nature,
  };
}

function parseSnapshot(data: unknown): SnapshotData {
  return (typeof data === 'string' ? JSON.parse(data) : data) as SnapshotData;
}

export function createCyclesRepository(db: Knex) {
  return {
    /** The quarter's cycle row, once (a re-run leaves the first one). */
    async openCycle(trx: Knex, row: { quarter: string; period_start: string; period_end: string; opened_at: Date }): Promise<void> {
      await trx('update_cycles').insert(row).onConflict('quarter').ignore();
    },

    /** The quarter's statistics, taken once: a re-run never recomputes them. */
    async freezeSnapshot(trx: Knex, quarter: string, from: Date, to: Date, at: Date): Promise<void> {
      if (await trx('quarter_snapshots').where({ quarter }).first('quarter')) return;
      const data = await snapshotData(trx, from, to);
      await trx('quarter_snapshots')
        .insert({ quarter, taken_at: at, data: JSON.stringify(data) })
        .onConflict('quarter')
        .ignore();
    },

    async findSnapshot(quarter: string): Promise<SnapshotData | null> {
      const row = await db('quarter_snapshots').where({ quarter }).first('data');
      return row ? parseSnapshot(row.data) : null;
    },

    /** Officers (role `association`, not disabled) of live associations, by association. */
    async liveOfficers(trx: Knex): Promise<Array<{ association_id: number; code: string; name: string; user_id: number }>> {
      return trx('users as u')
        .join('associations as a', 'a.id', 'u.association_id')
        .whereNull('u.disabled_at')
        .whereRaw("'association' = ANY(u.roles)")
        .whereIn('a.status', LIVE_STATUSES)
        .orderBy(['a.id', 'u.id'])
        .select('a.id as association_id', 'a.code', 'a.name', 'u.id as user_id');
    },

    async countLive(trx: Knex = db): Promise<number> {
      const row = await trx('associations').whereIn('status', LIVE_STATUSES).count<{ n: number }[]>('* as n').first();
      return Number(row?.n ?? 0);
    },

    /**
     * The next notices of a cycle still to e-mail: recipient with an address, not disabled, who chose to receive each
     * notice at once (`users.notice_email`; the others get theirs through the notice-mail path: digest or nothing).
     */
    pendingEmails(
      prefix: string,
      afterId: number,
      limit: number,
    ): Promise<
      Array<{
        id: number;
        user_id: number;
        title: string;
        body: string;
        link: string | null;
        created_at: Date;
        email: string;
        display_name: string;
      }>
    > {
      return db('notifications as n')
        .join('users as u', 'u.id', 'n.user_id')
        .where('n.kind', 'cycle.quarterly')
        .where('n.dedupe_key', 'like', `${prefix}%`)
        .whereNull('n.emailed_at')
        .whereNull('n.mail_state')
        .where('u.notice_email', 'immediately')
        .whereNull('u.disabled_at')
        .whereNotNull('u.email')
        .whereRaw("u.email <> ''")
        .where('n.id', '>', afterId)
        .orderBy('n.id')
        .limit(limit)
        .select('n.id', 'n.user_id', 'n.title', 'n.body', 'n.link', 'n.created_at', 'u.email', 'u.display_name');
    },

    async markEmailed(id: number, at: Date): Promise<void> {
      await db('notifications').where({ id }).whereNull('emailed_at').update({ emailed_at: at, mail_state: 'sent' });
    },

    async countWithoutAddress(prefix: string): Promise<number> {
      const row = await db('notifications as n')
        .join('users as u', 'u.id', 'n.user_id')
        .where('n.kind', 'cycle.quarterly')
        .where('n.dedupe_key', 'like', `${prefix}%`)
        .whereNull('n.emailed_at')
        .where((w) => w.whereNull('u.email').orWhere('u.email', ''))
        .count<{ n: number }[]>('* as n')
        .first();
      return Number(row?.n ?? 0);
    },

    async listCycles(): Promise<CycleRow[]> {
      const rows = await db('update_cycles as c')
        .leftJoin('quarter_snapshots as s', 's.quarter', 'c.quarter')
        .orderBy('c.quarter', 'desc')
        .select('c.*', 's.data');
      return rows.map((r: CycleRow & { data: unknown }) => {
        const data = r.data ? parseSnapshot(r.data) : null;
        return { ...r, snapshot_total: data?.total ?? null, snapshot_not_updated: data?.not_updated_in_quarter ?? null };
      });
    },

    findCycle(quarter: string): Promise<CycleRow | undefined> {
      return db('update_cycles').where({ quarter }).first();
    },

    async snapshots(limit: number): Promise<Array<{ quarter: string; taken_at: Date; data: SnapshotData }>> {
      const rows = await db('quarter_snapshots').orderBy('quarter', 'desc').limit(limit).select('*');
      return rows
        .map((r: { quarter: string; taken_at: Date; data: unknown }) => ({
          ...r,
          data: parseSnapshot(r.data),
        }))
        .reverse();
    },

    /** Live records with no saved version in [from, to), oldest update first. */
    async notUpdated(
      from: Date,
      to: Date,
      page: number,
      pageSize: number,
    ): Promise<{ rows: Array<{ code: string; name: string; status: string; updated_at: Date }>; total: number }> {
      const base = () =>
        db('associations as a')
          .whereIn('a.status', LIVE_STATUSES)
          .whereNotExists(updatedIn(db, from, to));
      const [rows, total] = await Promise.all([
        base()
          .orderBy([{ column: 'a.updated_at' }, { column: 'a.code' }])
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .select('a.code', 'a.name', 'a.status', 'a.updated_at'),
        base().count<{ n: number }[]>('* as n').first(),
      ]);
      return { rows, total: Number(total?.n ?? 0) };
    },
  };
}

export type CyclesRepository = ReturnType<typeof createCyclesRepository>;
