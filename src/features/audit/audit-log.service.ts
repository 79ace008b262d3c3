/**
 * The IT Centre's audit log (SPEC §1, R-21): pages of the trail and its CSV export. Both show personal data (names,
 * addresses), so each view and each export is itself written to the trail (RELIABILITY check 30) with the filters
 * used. Who may read it is the route's guard (it_admin only).
 */
import type { Actor } from '../../lib/auth-context.js';
import type { AuditEventRow } from './audit.repository.js';
import type { AuditService } from './audit.service.js';
import type { AuditActorRow, AuditLogCursor, AuditLogFilters, AuditLogPage, AuditLogRepository } from './audit-log.repository.js';

/** Rows per page: fixed, so a page's cost is fixed too. */
export const AUDIT_LOG_PAGE_SIZE = 50;
/** Rows per read of an export: the file is written as it is read, never held whole in memory. */
const EXPORT_BATCH = 500;

/** The accounts a set of rows names, by id: who acted, and the account acted on. */
export type AuditUsers = ReadonlyMap<number, AuditActorRow>;

/** The filters as the audit row of a view or an export records them (what was asked, in the trail's own words). */
export type AuditLogFilterRecord = Record<string, string>;

function namedUserIds(rows: readonly AuditEventRow[]): number[] {
  const ids: number[] = [];
  for (const r of rows) {
    if (r.actor_user_id !== null) ids.push(Number(r.actor_user_id));
    if (r.target_type === 'user' && r.target_id && /^\d{1,9}$/.test(r.target_id)) ids.push(Number(r.target_id));
  }
  return ids;
}

export function createAuditLogService(deps: { repo: AuditLogRepository; audit: AuditService }) {
  const { repo, audit } = deps;

  async function usersOf(rows: readonly AuditEventRow[]): Promise<AuditUsers> {
    return new Map((await repo.users(namedUserIds(rows))).map((u) => [u.id, u]));
  }

  return {
    userIdByUsername: (username: string) => repo.userIdByUsername(username),

    /** One page, and the view written to the trail once it is read. */
    async page(
      actor: Actor,
      filters: AuditLogFilters,
      recorded: AuditLogFilterRecord,
      cursor: AuditLogCursor | null,
    ): Promise<AuditLogPage & { users: AuditUsers }> {
      const page = await repo.page(filters, cursor, AUDIT_LOG_PAGE_SIZE);
      const users = await usersOf(page.rows);
      await audit.record(actor, {
        action: 'audit_log.view',
        targetType: 'audit_log',
        details: { filters: recorded, rows: page.rows.length },
      });
      return { ...page, users };
    },

    /**
     * Every matching row, newest first, in batches. The first batch is read before the export is written to the
     * trail, so the export's own row (newer than all of them) is not in its file; then the export is recorded,
     * before a byte is sent.
     */
    async export(
      actor: Actor,
      filters: AuditLogFilters,
      recorded: AuditLogFilterRecord,
    ): Promise<AsyncGenerator<{ rows: AuditEventRow[]; users: AuditUsers }>> {
      const first = await repo.batch(filters, null, EXPORT_BATCH);
      await audit.record(actor, { action: 'audit_log.export', targetType: 'audit_log', details: { filters: recorded, format: 'csv' } });
      return (async function* () {
        let rows = first;
        while (rows.length > 0) {
          yield { rows, users: await usersOf(rows) };
          if (rows.length < EXPORT_BATCH) return;
          rows = await repo.batch(filters, (rows.at(-1) as AuditEventRow).id, EXPORT_BATCH);
        }
      })();
    },
  };
}

export type AuditLogService = ReturnType<typeof createAuditLogService>;
