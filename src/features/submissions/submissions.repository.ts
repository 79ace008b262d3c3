/** SQL for Biểu mẫu 1 submissions (Knex only). Every officer query is scoped by the association in the WHERE. */
import type { Knex } from 'knex';
import type { FullRecord } from '../associations/associations.repository.js';
import type { FlatBody } from '../register-form/flat-body.js';

export const SUBMISSION_STATUSES = ['draft', 'submitted', 'returned', 'resubmitted', 'approved', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
export const OPEN_STATUSES: readonly SubmissionStatus[] = ['draft', 'submitted', 'returned', 'resubmitted'];
export const WAITING_STATUSES: readonly SubmissionStatus[] = ['submitted', 'resubmitted'];
/** 'form': Biểu mẫu 1; 'congress': a term congress's outcome filed as one package (congress-package.ts). */
export type SubmissionKind = 'form' | 'congress';

export interface Decision {
  decision: 'accepted' | 'returned';
  comment: string;
  fingerprint: string;
}
export type Decisions = Record<string, Decision>;

export interface SubmissionRow {
  id: number;
  association_id: number;
  kind: SubmissionKind;
  status: SubmissionStatus;
  origin: 'web' | 'excel';
  body: FlatBody;
  /** The Biểu mẫu 1 sections the officer has saved in this filing (the task list's "not started" until then). */
  sections_saved: string[];
  base_version: number;
  decisions: Decisions;
  round: number;
  declared_at: Date | null;
  submitted_at: Date | null;
  submitted_by: number | null;
  reviewed_at: Date | null;
  reviewed_by: number | null;
  review_comment: string | null;
  applied_version: number | null;
  /** A congress package's minutes and amended charter (attachments of the association); null for Biểu mẫu 1. */
  minutes_attachment_id: number | null;
  charter_attachment_id: number | null;
  version: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface SubmissionEvent {
  id: number;
  action: string;
  comment: string | null;
  at: Date;
  actor_name: string | null;
}

export interface QueueItem {
  id: number;
  kind: SubmissionKind;
  status: SubmissionStatus;
  submitted_at: Date;
  round: number;
  origin: string;
  association_code: string;
  association_name: string;
}

function json<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function hydrate(row: Record<string, unknown> | undefined): SubmissionRow | undefined {
  if (!row) return undefined;
  return {
    ...(row as unknown as SubmissionRow),
    body: json(row.body, {}),
    decisions: json(row.decisions, {}),
    sections_saved: json(row.sections_saved, []),
  };
}

export function createSubmissionsRepository(db: Knex) {
  return {
    async find(id: number, trx: Knex = db): Promise<SubmissionRow | undefined> {
      return hydrate(await trx('submissions').where({ id }).first());
    },

    /** Row-locks the submission for the rest of the transaction (two reviewers: the second waits, then sees the first's result). */
    async findForUpdate(trx: Knex, id: number): Promise<SubmissionRow | undefined> {
      return hydrate(await trx('submissions').where({ id }).forUpdate().first());
    },

    /** A submission only through the association it belongs to (no IDOR by id alone). */
    async findForAssociation(associationId: number, id: number, trx: Knex = db): Promise<SubmissionRow | undefined> {
      return hydrate(await trx('submissions').where({ id, association_id: associationId }).first());
    },

    async openFor(associationId: number, trx: Knex = db): Promise<SubmissionRow | undefined> {
      return hydrate(
        await trx('submissions')
          .where({ association_id: associationId })
          .whereIn('status', [...OPEN_STATUSES])
          .first(),
      );
    },

    async listForAssociation(associationId: number, limit = 50): Promise<SubmissionRow[]> {
      const rows = await db('submissions')
        .where({ association_id: associationId })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit);
      return rows.map((r: Record<string, unknown>) => hydrate(r) as SubmissionRow);
    },

    async insert(
      trx: Knex,
      row: Partial<SubmissionRow> & { association_id: number; base_version: number; body: FlatBody },
    ): Promise<SubmissionRow> {
      const [inserted] = await trx('submissions')
        .insert({ ...row, body: JSON.stringify(row.body), decisions: JSON.stringify(row.decisions ?? {}) })
        .returning('*');
      return hydrate(inserted) as SubmissionRow;
    },

    /** Optimistic locking on the submission itself: null when someone changed it first. */
    async updateIfVersion(
      trx: Knex,
      id: number,
      expectedVersion: number,
      statuses: readonly SubmissionStatus[],
      patch: Partial<Omit<SubmissionRow, 'id' | 'version'>>,
      at: Date,
    ): Promise<SubmissionRow | null> {
      const values: Record<string, unknown> = { ...patch, version: expectedVersion + 1, updated_at: at };
      if (patch.body) values.body = JSON.stringify(patch.body);
      if (patch.decisions) values.decisions = JSON.stringify(patch.decisions);
      if (patch.sections_saved) values.sections_saved = JSON.stringify(patch.sections_saved);
      const [row] = await trx('submissions')
        .where({ id, version: expectedVersion })
        .whereIn('status', [...statuses])
        .update(values)
        .returning('*');
      return hydrate(row) ?? null;
    },

    async addEvent(trx: Knex, e: { submissionId: number; action: string; comment: string | null; actorId: number | null; at: Date }) {
      await trx('submission_events').insert({
        submission_id: e.submissionId,
        action: e.action,
        comment: e.comment,
        actor_id: e.actorId,
        at: e.at,
      });
    },

    events(submissionId: number): Promise<SubmissionEvent[]> {
      return db('submission_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_id')
        .where('e.submission_id', submissionId)
        .orderBy([
          { column: 'e.at', order: 'asc' },
          { column: 'e.id', order: 'asc' },
        ])
        .select('e.id', 'e.action', 'e.comment', 'e.at', 'u.display_name as actor_name');
    },

    /** Waiting submissions, oldest first (or every status when `all`), paginated. */
    /** `kind` narrows to Biểu mẫu 1 or congress packages (the staff work list links each). */
    async queue(
      all: boolean,
      page: number,
      pageSize: number,
      kind: SubmissionKind | null = null,
    ): Promise<{ rows: QueueItem[]; total: number }> {
      const base = db('submissions as s').modify((q) => {
        if (all) q.whereNot('s.status', 'draft');
        else q.whereIn('s.status', [...WAITING_STATUSES]);
        if (kind) q.where('s.kind', kind);
      });
      const count = await base.clone().count<{ n: string | number }[]>('* as n').first();
      const rows = await base
        .clone()
        .join('associations as a', 'a.id', 's.association_id')
        .select(
          's.id',
          's.kind',
          's.status',
          's.submitted_at',
          's.round',
          's.origin',
          'a.code as association_code',
          'a.name as association_name',
        )
        .orderBy([
          { column: 's.submitted_at', order: all ? 'desc' : 'asc' },
          { column: 's.id', order: 'asc' },
        ])
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return { rows: rows as QueueItem[], total: Number(count?.n ?? 0) };
    },

    async associationCode(associationId: number, trx: Knex = db): Promise<string | undefined> {
      const row = await trx('associations').where({ id: associationId }).first('code');
      return row?.code;
    },

    /** The record as it was at the version the form was filled from (association_versions' snapshot). */
    async recordAtVersion(associationId: number, version: number): Promise<FullRecord | null> {
      const row = await db('association_versions').where({ association_id: associationId, version }).first('snapshot');
      return row ? json<FullRecord | null>(row.snapshot, null) : null;
    },

    /** Attachments the association sent with this submission (provenance `submission:<id>`). */
    attachmentIds(associationId: number, submissionId: number): Promise<number[]> {
      return db('attachments')
        .where({ association_id: associationId, source: `submission:${submissionId}` })
        .pluck('id');
    },
  };
}

export type SubmissionsRepository = ReturnType<typeof createSubmissionsRepository>;
