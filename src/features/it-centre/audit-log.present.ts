/**
 * One audit row as the IT Centre's audit log shows it, on the page and in the CSV: when (HH:mm:ss dd/mm/yyyy, Viet
 * Nam time), who (name and roles, "Khách" for a visitor not signed in), what (the action and its result in plain
 * Vietnamese), which record (with a link where the IT Centre has a page for it), from which address.
 */
import { formatTimeToSecond } from '../../lib/format.js';
import { isRole, ROLE_LABELS } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { AuditEventRow } from '../audit/audit.repository.js';
import { actionLabel, detailNotes, OUTCOME_LABELS, targetText } from '../audit/audit-labels.js';
import type { AuditUsers } from '../audit/audit-log.service.js';

/** Actions run on the server's command line (no signed-in user): `npm run user:create`, `npm run restore`. */
const COMMAND_LINE_ACTIONS = new Set(['user.create', 'backup.restore']);

export interface AuditLogEntry {
  id: number;
  when: string;
  who: { name: string; username: string | null; roles: string; href: string | null };
  what: string;
  /** Null when the action succeeded; else its result, and whether it was refused or failed. */
  outcome: { label: string; refused: boolean } | null;
  notes: string[];
  target: { text: string; href: string | null };
  ip: string;
  requestId: string;
}

/** An IPv4-mapped IPv6 address (what a dual-stack socket reports) is shown as its IPv4 address. */
function shownIp(ip: string | null): string {
  if (!ip) return '';
  return /^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip) ? ip.slice(7) : ip;
}

function who(r: AuditEventRow, users: AuditUsers): AuditLogEntry['who'] {
  if (r.actor_user_id === null) {
    const name = COMMAND_LINE_ACTIONS.has(r.action) ? 'Lệnh quản trị trên máy chủ' : 'Khách';
    return { name, username: null, roles: '', href: null };
  }
  const u = users.get(Number(r.actor_user_id));
  const roles = (u?.roles ?? []).map((x) => (isRole(x) ? ROLE_LABELS[x] : '')).filter(Boolean);
  return {
    name: u?.display_name ?? r.actor_username ?? `Tài khoản số ${r.actor_user_id}`,
    username: u?.username ?? r.actor_username,
    roles: roles.join(', '),
    href: paths.itCentre.user(Number(r.actor_user_id)),
  };
}

/** A link to the record where the IT Centre has a page for it (accounts, incidents, jobs, backups). */
function targetHref(type: string | null, id: string | null): string | null {
  if (!type || !id) return type === 'backup' ? paths.itCentre.backups() : null;
  const n = /^\d{1,9}$/.test(id) ? Number(id) : null;
  if (type === 'user' && n !== null) return paths.itCentre.user(n);
  if (type === 'incident' && n !== null) return paths.incidents.show(n);
  if (type === 'job') return paths.jobs.runs({ 'tac-vu': id });
  if (type === 'backup') return paths.itCentre.backups();
  return null;
}

export function presentEntry(r: AuditEventRow, users: AuditUsers): AuditLogEntry {
  const details = r.details && typeof r.details === 'object' ? r.details : {};
  const targetUser = r.target_type === 'user' && r.target_id && /^\d{1,9}$/.test(r.target_id) ? users.get(Number(r.target_id)) : undefined;
  return {
    id: Number(r.id),
    when: formatTimeToSecond(r.occurred_at),
    who: who(r, users),
    what: actionLabel(r.action),
    outcome: r.outcome === 'success' ? null : { label: OUTCOME_LABELS[r.outcome] ?? 'Không thành công', refused: r.outcome === 'denied' },
    notes: detailNotes(r.action, r.actor_user_id, r.actor_username, details),
    target: {
      text: targetText(r.target_type, r.target_id, { username: targetUser?.username ?? null, association: details.association }),
      href: targetHref(r.target_type, r.target_id),
    },
    ip: shownIp(r.ip),
    requestId: r.request_id ?? '',
  };
}

export const CSV_HEADER = [
  'Thời điểm',
  'Người thực hiện',
  'Tên đăng nhập',
  'Vai trò',
  'Thao tác',
  'Kết quả',
  'Chi tiết',
  'Đối tượng',
  'Địa chỉ IP',
  'Mã yêu cầu',
] as const;

/** The CSV cells of one row (neutralised and quoted by the caller's csvLine). */
export function csvCells(r: AuditEventRow, e: AuditLogEntry): string[] {
  return [
    e.when,
    e.who.name,
    r.actor_username ?? '',
    e.who.roles,
    e.what,
    e.outcome?.label ?? OUTCOME_LABELS.success ?? '',
    e.notes.join('; '),
    e.target.text,
    e.ip,
    e.requestId,
  ];
}
