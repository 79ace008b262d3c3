/**
 * SQL of the annual report: one method per section, each an independent query over its own tables (the
 * register, submissions, access, violations, the exploitation log, incidents, backups, job runs) for a year
 * [from, to) in Viet Nam time. Counts come back as numbers; annual-report.ts turns them into sections.
 */
import type { Knex } from 'knex';
import { LIVE_STATUSES } from './cycles.repository.js';

export interface YearRange {
  year: number;
  /** [from, to) in Viet Nam time. */
  from: Date;
  to: Date;
}

/** Statuses of a record that no longer operates. */
const TERMINATED = ['giai_the', 'cham_dut_do_chia', 'cham_dut_do_sap_nhap', 'cham_dut_do_hop_nhat', 'het_hieu_luc_qd_thanh_lap'];

const n = (v: unknown) => Number(v ?? 0);
async function count(q: Knex.QueryBuilder): Promise<number> {
  return n((await q.count<{ n: number }[]>('* as n').first())?.n);
}

/** Grouped rows with their count `n` as a number (PostgreSQL returns bigint counts as strings). */
function counted<T extends { n: unknown }>(rows: readonly T[]): Array<Omit<T, 'n'> & { n: number }> {
  return rows.map((r) => ({ ...r, n: n(r.n) }));
}

/** Rows of `table` whose `col` falls in [from, to). */
function inRange(db: Knex, table: string, col: string, { from, to }: YearRange) {
  return db(table).where(col, '>=', from).where(col, '<', to);
}

/** Records added, changed, dissolved or otherwise terminated in the year (associations, association_versions). */
async function records(db: Knex, range: YearRange) {
  const versionsInYear = () => inRange(db, 'association_versions', 'created_at', range);
  const added = await count(inRange(db, 'associations', 'created_at', range));
  const changed = n((await versionsInYear().whereNot('source', 'create').countDistinct<{ n: number }[]>('association_id as n').first())?.n);
  const versions = await count(versionsInYear());
  // A record whose saved status became a terminated one during the year (the version before it was not).
  const transitions = await db
    .from(
      db('association_versions')
        .select(
          'association_id',
          'created_at',
          db.raw("snapshot->'record'->>'status' as st"),
          db.raw("lag(snapshot->'record'->>'status') over (partition by association_id order by version) as prev"),
        )
        .as('v'),
    )
    .where('v.created_at', '>=', range.from)
    .where('v.created_at', '<', range.to)
    .whereIn('v.st', TERMINATED)
    .where((w) => w.whereNull('v.prev').orWhereNotIn('v.prev', TERMINATED))
    .select('v.st')
    .count<{ st: string; n: number }[]>('* as n')
    .groupBy('v.st');
  const bySource = await versionsInYear()
    .select(db.raw("split_part(source, ':', 1) as src"))
    .count<{ src: string; n: number }[]>('* as n')
    .groupByRaw("split_part(source, ':', 1)")
    .orderBy('src');
  const liveAtEnd = await count(db('associations').whereIn('status', LIVE_STATUSES).where('created_at', '<', range.to));
  return {
    added,
    changed,
    versions,
    dissolved: transitions.filter((t) => t.st === 'giai_the').reduce((s, t) => s + n(t.n), 0),
    terminated: transitions.reduce((s, t) => s + n(t.n), 0),
    bySource: counted(bySource),
    liveAtEnd,
  };
}

/** The quarterly update cycles of the year and their reminders. */
async function cycles(db: Knex, year: number) {
  const rows = await db('update_cycles as c')
    .leftJoin('quarter_snapshots as s', 's.quarter', 'c.quarter')
    .where('c.quarter', 'like', `${year}-Q%`)
    .orderBy('c.quarter')
    .select('c.quarter', 'c.opened_at', 's.data');
  const reminders = () => db('notifications').where('kind', 'cycle.quarterly').where('dedupe_key', 'like', `cycle:${year}-Q%`);
  return {
    cycles: rows.map((r: { quarter: string; data: unknown }) => ({
      quarter: r.quarter,
      snapshot: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, number> | null,
    })),
    reminders: await count(reminders()),
    emailed: await count(reminders().whereNotNull('emailed_at')),
  };
}

/** Exports and print-outs of reports (audit_events `report.export`) and views of personal data. */
async function reportExports(db: Knex, range: YearRange) {
  const inYear = () => inRange(db, 'audit_events', 'occurred_at', range);
  const byFormat = await inYear()
    .where('action', 'report.export')
    .select(db.raw("coalesce(details->>'format', '') as format"))
    .count<{ format: string; n: number }[]>('* as n')
    .groupByRaw("details->>'format'")
    .orderBy('format');
  const byCategory = await inYear()
    .where('action', 'report.export')
    .select(db.raw("coalesce(details->>'category', '') as category"))
    .count<{ category: string; n: number }[]>('* as n')
    .groupByRaw("details->>'category'")
    .orderBy('category');
  const personal = await count(inYear().where('action', 'personal_data.view'));
  return { byFormat: counted(byFormat), byCategory: counted(byCategory), personal };
}

/** Scheduled jobs (job_runs) and notifications sent. */
async function operations(db: Knex, range: YearRange) {
  const runs = await inRange(db, 'job_runs', 'started_at', range)
    .select('job', 'status')
    .count<{ job: string; status: string; n: number }[]>('* as n')
    .groupBy('job', 'status')
    .orderBy(['job', 'status']);
  const notices = await inRange(db, 'notifications', 'created_at', range)
    .select('kind')
    .count<{ kind: string; n: number }[]>('* as n')
    .groupBy('kind')
    .orderBy('kind');
  return { runs: counted(runs), notices: counted(notices) };
}

/** Submissions (Biểu mẫu 1 online, R-12) received and handled in the year, and how long handling took (days). */
async function submissions(db: Knex, range: YearRange) {
  const events = (action: string) => count(inRange(db, 'submission_events', 'at', range).where('action', action));
  const decided = () => inRange(db, 'submissions', 'reviewed_at', range).whereIn('status', ['approved', 'rejected']);
  const outcomes = await decided().select('status').count<{ status: string; n: number }[]>('* as n').groupBy('status');
  // Handling time: first submission to the final decision, in days.
  const times = await decided()
    .whereNotNull('submitted_at')
    .first(
      db.raw('avg(extract(epoch from (reviewed_at - submitted_at)) / 86400) as avg_days'),
      db.raw('max(extract(epoch from (reviewed_at - submitted_at)) / 86400) as max_days'),
    );
  const days = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    received: await events('submitted'),
    resubmitted: await events('resubmitted'),
    returned: await events('returned'),
    outcomes: counted(outcomes),
    avgDays: days(times?.avg_days),
    maxDays: days(times?.max_days),
  };
}

/** Access registrations, grants given and revoked. */
async function access(db: Knex, range: YearRange) {
  const decided = await inRange(db, 'access_registrations', 'decided_at', range)
    .select('status')
    .count<{ status: string; n: number }[]>('* as n')
    .groupBy('status');
  return {
    registrations: await count(inRange(db, 'access_registrations', 'created_at', range)),
    decided: counted(decided),
    grants: await count(inRange(db, 'access_grants', 'created_at', range)),
    revoked: await count(inRange(db, 'access_grants', 'revoked_at', range)),
    active: await count(db('access_grants').whereNull('revoked_at').where('valid_from', '<', range.to).where('expires_at', '>=', range.to)),
  };
}

/** Violations recorded and actions decided. */
async function violations(db: Knex, range: YearRange) {
  const actions = await inRange(db, 'violation_actions', 'decided_at', range)
    .select('action')
    .count<{ action: string; n: number }[]>('* as n')
    .groupBy('action');
  return { recorded: await count(inRange(db, 'violations', 'created_at', range)), actions: counted(actions) };
}

/** Reads and exports by exploiting organisations (exploitation_log, R-16). */
async function exploitation(db: Knex, range: YearRange) {
  const byFormat = await inRange(db, 'exploitation_log', 'at', range)
    .select('format')
    .count<{ format: string; n: number }[]>('* as n')
    .sum<{ format: string; n: number; rows: number }[]>('rows as rows')
    .groupBy('format');
  const orgs = n((await inRange(db, 'exploitation_log', 'at', range).countDistinct<{ n: number }[]>('organisation_id as n').first())?.n);
  const byCategory = await inRange(db, 'exploitation_log', 'at', range)
    .select('category')
    .count<{ category: string; n: number }[]>('* as n')
    .groupBy('category')
    .orderBy('category');
  return {
    orgs,
    byFormat: byFormat.map((r) => ({ format: r.format, n: n(r.n), rows: n(r.rows) })),
    byCategory: counted(byCategory),
  };
}

/** Incidents and software change requests: recorded, routed to the IT Centre, resolved, still open. */
async function incidents(db: Knex, range: YearRange) {
  const byKind = await inRange(db, 'incidents', 'created_at', range)
    .select('kind')
    .count<{ kind: string; n: number }[]>('* as n')
    .groupBy('kind');
  return {
    byKind: counted(byKind),
    routed: await count(inRange(db, 'incidents', 'routed_at', range)),
    resolved: await count(inRange(db, 'incidents', 'resolved_at', range)),
    open: await count(db('incidents').where('created_at', '<', range.to).whereNotIn('status', ['da_giai_quyet', 'dong'])),
  };
}

/** Backups and restore drills (R-20.1, RELIABILITY 38): runs by kind and status, restore times (seconds). */
async function backups(db: Knex, range: YearRange) {
  const runs = await inRange(db, 'backup_runs', 'started_at', range)
    .select('kind', 'status')
    .count<{ kind: string; status: string; n: number }[]>('* as n')
    .groupBy('kind', 'status');
  const drillTimes = await inRange(db, 'backup_runs', 'started_at', range)
    .where({ kind: 'drill', status: 'succeeded' })
    .first(db.raw('avg(restore_seconds) as avg_s'), db.raw('max(restore_seconds) as max_s'));
  const secs = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    runs: counted(runs),
    avgRestoreSeconds: secs(drillTimes?.avg_s),
    maxRestoreSeconds: secs(drillTimes?.max_s),
  };
}

export function createAnnualReportRepository(db: Knex) {
  return {
    records: (range: YearRange) => records(db, range),
    cycles: (year: number) => cycles(db, year),
    exports: (range: YearRange) => reportExports(db, range),
    operations: (range: YearRange) => operations(db, range),
    submissions: (range: YearRange) => submissions(db, range),
    access: (range: YearRange) => access(db, range),
    violations: (range: YearRange) => violations(db, range),
    exploitation: (range: YearRange) => exploitation(db, range),
    incidents: (range: YearRange) => incidents(db, range),
    backups: (range: YearRange) => backups(db, range),
  };
}

export type AnnualReportRepository = ReturnType<typeof createAnnualReportRepository>;
