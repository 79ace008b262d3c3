/**
 * the NGO Department's annual report on the management of the database, for the leadership before
 * 31 December. A list of independent sections, each one query module: add a section by appending to SECTIONS.
 *
 * Every section is an independent query over its own tables (the register, submissions, access, violations, the
 * exploitation log, incidents, backups, job runs); a new section is one more function in SECTIONS.
 */
import type { Knex } from 'knex';
import { LIVE_STATUSES } from './cycles.repository.js';

export interface YearRange {
  year: number;
  /** [from, to) in Viet Nam time. */
  from: Date;
  to: Date;
}

export interface SectionLine {
  label: string;
  value: number | string;
  /** Optional note shown after the value. */
  note?: string;
}

export interface SectionTable {
  caption: string;
  columns: string[];
  rows: Array<Array<string | number>>;
}

export interface SectionResult {
  key: string;
  title: string;
  available: boolean;
  lines: SectionLine[];
  tables: SectionTable[];
  note?: string;
}

export type Section = (db: Knex, range: YearRange) => Promise<SectionResult>;

export function yearRange(year: number): YearRange {
  return { year, from: new Date(`${year}-01-01T00:00:00+07:00`), to: new Date(`${year + 1}-01-01T00:00:00+07:00`) };
}

const n = (v: unknown) => Number(v ?? 0);
async function count(q: Knex.QueryBuilder): Promise<number> {
  return n((await q.count<{ n: number }[]>('* as n').first())?.n);
}

const TERMINATED = ['giai_the', 'cham_dut_do_chia', 'cham_dut_do_sap_nhap', 'cham_dut_do_hop_nhat', 'het_hieu_luc_qd_thanh_lap'];

const SOURCE_LABELS: Record<string, string> = {
  create: 'Tạo mới',
  edit: 'Cán bộ Vụ sửa',
  publish: 'Công khai / thôi công khai',
  paper_check: 'Đối chiếu hồ sơ giấy',
  submission: 'Duyệt biểu mẫu của hội',
  import: 'Nhập hàng loạt',
};

/** 1. Records added, changed, dissolved or otherwise terminated in the year (associations, association_versions). */
export const recordsSection: Section = async (db, { from, to }) => {
  const inYear = (q: Knex.QueryBuilder, col: string) => q.where(col, '>=', from).where(col, '<', to);
  const added = await count(inYear(db('associations'), 'created_at'));
  const changed = n(
    (
      await inYear(db('association_versions'), 'created_at')
        .whereNot('source', 'create')
        .countDistinct<{ n: number }[]>('association_id as n')
        .first()
    )?.n,
  );
  const versions = await count(inYear(db('association_versions'), 'created_at'));
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
    .where('v.created_at', '>=', from)
    .where('v.created_at', '<', to)
    .whereIn('v.st', TERMINATED)
    .where((w) => w.whereNull('v.prev').orWhereNotIn('v.prev', TERMINATED))
    .select('v.st')
    .count<{ st: string; n: number }[]>('* as n')
    .groupBy('v.st');
  const dissolved = transitions.filter((t) => t.st === 'giai_the').reduce((s, t) => s + n(t.n), 0);
  const terminated = transitions.reduce((s, t) => s + n(t.n), 0);
  const bySource = await inYear(db('association_versions'), 'created_at')
    .select(db.raw("split_part(source, ':', 1) as src"))
    .count<{ src: string; n: number }[]>('* as n')
    .groupByRaw("split_part(source, ':', 1)")
    .orderBy('src');
  const liveAtEnd = await count(db('associations').whereIn('status', LIVE_STATUSES).where('created_at', '<', to));
  return {
    key: 'ho-so',
    title: 'Hồ sơ hội trong cơ sở dữ liệu',
    available: true,
    lines: [
      { label: 'Hồ sơ hội được thêm mới', value: added },
      { label: 'Hồ sơ hội được thay đổi, bổ sung (số hội)', value: changed },
      { label: 'Số lần lưu phiên bản hồ sơ', value: versions },
      { label: 'Hội giải thể trong năm', value: dissolved },
      { label: 'Hội chấm dứt hoạt động (giải thể, chia, sáp nhập, hợp nhất, hết hiệu lực)', value: terminated },
      { label: 'Hội đang hoạt động hiện có (thành lập trước cuối năm)', value: liveAtEnd },
    ],
    tables: [
      {
        caption: 'Phiên bản hồ sơ được lưu theo nguồn thay đổi',
        columns: ['Nguồn', 'Số phiên bản'],
        rows: bySource.map((r) => [SOURCE_LABELS[r.src] ?? r.src, n(r.n)]),
      },
    ],
  };
};

/** 2. The quarterly update cycles of the year. */
export const cyclesSection: Section = async (db, { year }) => {
  const rows = await db('update_cycles as c')
    .leftJoin('quarter_snapshots as s', 's.quarter', 'c.quarter')
    .where('c.quarter', 'like', `${year}-Q%`)
    .orderBy('c.quarter')
    .select('c.quarter', 'c.opened_at', 's.data');
  const reminders = await count(db('notifications').where('kind', 'cycle.quarterly').where('dedupe_key', 'like', `cycle:${year}-Q%`));
  const emailed = await count(
    db('notifications').where('kind', 'cycle.quarterly').where('dedupe_key', 'like', `cycle:${year}-Q%`).whereNotNull('emailed_at'),
  );
  return {
    key: 'cap-nhat-quy',
    title: 'Cập nhật dữ liệu hằng quý',
    available: true,
    lines: [
      { label: 'Kỳ cập nhật đã mở', value: rows.length },
      { label: 'Thông báo nhắc cập nhật đã gửi (trong ứng dụng)', value: reminders },
      { label: 'Thư điện tử nhắc cập nhật đã gửi', value: emailed },
    ],
    tables: [
      {
        caption: 'Các kỳ cập nhật trong năm',
        columns: ['Quý', 'Tổng số hồ sơ', 'Đã cập nhật trong quý', 'Chưa cập nhật trong quý'],
        rows: rows.map((r: { quarter: string; data: unknown }) => {
          const d = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, number> | null;
          return [r.quarter, n(d?.total), n(d?.updated_in_quarter), n(d?.not_updated_in_quarter)];
        }),
      },
    ],
  };
};

/** 3. Exports and print-outs of reports (audit_events `report.export`) and views of personal data. */
export const exportsSection: Section = async (db, { from, to }) => {
  const inYear = () => db('audit_events').where('occurred_at', '>=', from).where('occurred_at', '<', to);
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
  const total = byFormat.reduce((s, r) => s + n(r.n), 0);
  return {
    key: 'khai-thac',
    title: 'Kết xuất, in báo cáo và xem dữ liệu cá nhân',
    available: true,
    lines: [
      { label: 'Lượt kết xuất, in báo cáo', value: total },
      { label: 'Lượt xem dữ liệu cá nhân của người đứng đầu hội', value: personal },
    ],
    tables: [
      {
        caption: 'Kết xuất theo định dạng',
        columns: ['Định dạng', 'Số lượt'],
        rows: byFormat.map((r) => [r.format.toUpperCase(), n(r.n)]),
      },
      {
        caption: 'Kết xuất theo loại báo cáo (Điều 17)',
        columns: ['Loại báo cáo', 'Số lượt'],
        rows: byCategory.map((r) => [r.category, n(r.n)]),
      },
    ],
  };
};

/** 4. Scheduled jobs (job_runs) and notifications sent. */
export const operationsSection: Section = async (db, { from, to }) => {
  const runs = await db('job_runs')
    .where('started_at', '>=', from)
    .where('started_at', '<', to)
    .select('job', 'status')
    .count<{ job: string; status: string; n: number }[]>('* as n')
    .groupBy('job', 'status')
    .orderBy(['job', 'status']);
  const jobs = [...new Set(runs.map((r) => r.job))];
  const cell = (job: string, status: string) => n(runs.find((r) => r.job === job && r.status === status)?.n);
  const notices = await db('notifications')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select('kind')
    .count<{ kind: string; n: number }[]>('* as n')
    .groupBy('kind')
    .orderBy('kind');
  return {
    key: 'van-hanh',
    title: 'Tác vụ tự động và thông báo',
    available: true,
    lines: [
      { label: 'Lượt chạy tác vụ tự động', value: runs.reduce((s, r) => s + n(r.n), 0) },
      { label: 'Lượt chạy thất bại', value: runs.filter((r) => r.status === 'failed').reduce((s, r) => s + n(r.n), 0) },
      { label: 'Thông báo đã gửi trong ứng dụng', value: notices.reduce((s, r) => s + n(r.n), 0) },
    ],
    tables: [
      {
        caption: 'Lượt chạy theo tác vụ',
        columns: ['Tác vụ', 'Thành công', 'Thất bại', 'Bỏ qua'],
        rows: jobs.map((j) => [j, cell(j, 'succeeded'), cell(j, 'failed'), cell(j, 'skipped')]),
      },
      { caption: 'Thông báo theo loại', columns: ['Loại', 'Số thông báo'], rows: notices.map((r) => [r.kind, n(r.n)]) },
    ],
  };
};

/** Counts rows of `table` whose `col` falls in [from, to). */
function inRange(db: Knex, table: string, col: string, { from, to }: YearRange) {
  return db(table).where(col, '>=', from).where(col, '<', to);
}

const SUBMISSION_OUTCOMES: Record<string, string> = { approved: 'Duyệt', returned: 'Trả lại để hội sửa', rejected: 'Từ chối' };

/** 5. Submissions (Biểu mẫu 1 online, R-12) received and handled in the year, and how long handling took. */
export const submissionsSection: Section = async (db, range) => {
  const received = await count(inRange(db, 'submission_events', 'at', range).where('action', 'submitted'));
  const resubmitted = await count(inRange(db, 'submission_events', 'at', range).where('action', 'resubmitted'));
  const outcomes = await inRange(db, 'submissions', 'reviewed_at', range)
    .whereIn('status', ['approved', 'rejected'])
    .select('status')
    .count<{ status: string; n: number }[]>('* as n')
    .groupBy('status');
  const returned = await count(inRange(db, 'submission_events', 'at', range).where('action', 'returned'));
  // Handling time: first submission to the final decision, in days.
  const times = await inRange(db, 'submissions', 'reviewed_at', range)
    .whereIn('status', ['approved', 'rejected'])
    .whereNotNull('submitted_at')
    .first(
      db.raw('avg(extract(epoch from (reviewed_at - submitted_at)) / 86400) as avg_days'),
      db.raw('max(extract(epoch from (reviewed_at - submitted_at)) / 86400) as max_days'),
    );
  const days = (v: unknown) =>
    v === null || v === undefined ? '—' : `${Number(v).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} ngày`;
  const outcome = (k: string) => n(outcomes.find((o) => o.status === k)?.n);
  return {
    key: 'bieu-mau',
    title: 'Biểu mẫu của hội đã xử lý và thời gian xử lý',
    available: true,
    lines: [
      { label: 'Biểu mẫu hội gửi lần đầu', value: received },
      { label: 'Biểu mẫu hội gửi lại sau khi sửa', value: resubmitted },
      { label: 'Thời gian xử lý trung bình (từ khi gửi đến khi duyệt hoặc từ chối)', value: days(times?.avg_days) },
      { label: 'Thời gian xử lý dài nhất', value: days(times?.max_days) },
    ],
    tables: [
      {
        caption: 'Kết quả xét duyệt',
        columns: ['Kết quả', 'Số lượt'],
        rows: [
          [SUBMISSION_OUTCOMES.approved as string, outcome('approved')],
          [SUBMISSION_OUTCOMES.returned as string, returned],
          [SUBMISSION_OUTCOMES.rejected as string, outcome('rejected')],
        ],
      },
    ],
  };
};

/** 6. Access registrations, grants given and revoked. */
export const accessSection: Section = async (db, range) => {
  const registrations = await count(inRange(db, 'access_registrations', 'created_at', range));
  const decided = await inRange(db, 'access_registrations', 'decided_at', range)
    .select('status')
    .count<{ status: string; n: number }[]>('* as n')
    .groupBy('status');
  const grants = await count(inRange(db, 'access_grants', 'created_at', range));
  const revoked = await count(inRange(db, 'access_grants', 'revoked_at', range));
  const active = await count(
    db('access_grants').whereNull('revoked_at').where('valid_from', '<', range.to).where('expires_at', '>=', range.to),
  );
  const st = (k: string) => n(decided.find((d) => d.status === k)?.n);
  return {
    key: 'dang-ky-khai-thac',
    title: 'Đăng ký khai thác, cấp và thu hồi quyền',
    available: true,
    lines: [
      { label: 'Phiếu đăng ký khai thác nhận được', value: registrations },
      { label: 'Phiếu được chấp thuận', value: st('approved') },
      { label: 'Phiếu không được chấp thuận', value: st('refused') },
      { label: 'Quyền khai thác được cấp (kể cả gia hạn)', value: grants },
      { label: 'Quyền khai thác bị thu hồi', value: revoked },
      { label: 'Quyền còn hiệu lực cuối năm', value: active },
    ],
    tables: [],
  };
};

const VIOLATION_ACTIONS: Record<string, string> = {
  warning: 'Cảnh cáo',
  suspension: 'Tạm đình chỉ',
  revocation: 'Thu hồi quyền truy cập',
  lift: 'Chấm dứt đình chỉ trước hạn',
};

/** 7. Violations recorded and actions decided. */
export const violationsSection: Section = async (db, range) => {
  const recorded = await count(inRange(db, 'violations', 'created_at', range));
  const actions = await inRange(db, 'violation_actions', 'decided_at', range)
    .select('action')
    .count<{ action: string; n: number }[]>('* as n')
    .groupBy('action');
  return {
    key: 'vi-pham',
    title: 'Vi phạm quy chế và biện pháp xử lý',
    available: true,
    lines: [{ label: 'Vi phạm được ghi nhận', value: recorded }],
    tables: [
      {
        caption: 'Biện pháp xử lý',
        columns: ['Biện pháp', 'Số lượt'],
        rows: Object.entries(VIOLATION_ACTIONS).map(([k, label]) => [label, n(actions.find((a) => a.action === k)?.n)]),
      },
    ],
  };
};

const LOG_FORMATS: Record<string, string> = { html: 'Xem trên trang', csv: 'Tải CSV', xlsx: 'Tải Excel', print: 'Bản in' };

/** 8. Reads and exports by exploiting organisations (exploitation_log, R-16). */
export const exploitationSection: Section = async (db, range) => {
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
    key: 'nhat-ky-khai-thac',
    title: 'Khai thác dữ liệu của tổ chức, cá nhân',
    available: true,
    lines: [
      { label: 'Tổ chức, cá nhân đã khai thác', value: orgs },
      { label: 'Lượt xem và tải', value: byFormat.reduce((s, r) => s + n(r.n), 0) },
      { label: 'Số dòng dữ liệu đã cung cấp', value: byFormat.reduce((s, r) => s + n(r.rows), 0) },
    ],
    tables: [
      {
        caption: 'Theo hình thức',
        columns: ['Hình thức', 'Số lượt', 'Số dòng'],
        rows: Object.entries(LOG_FORMATS).map(([k, label]) => {
          const r = byFormat.find((f) => f.format === k);
          return [label, n(r?.n), n(r?.rows)];
        }),
      },
      {
        caption: 'Theo loại thông tin (Điều 17)',
        columns: ['Loại thông tin', 'Số lượt'],
        rows: byCategory.map((r) => [r.category, n(r.n)]),
      },
    ],
  };
};

/** 9. Incidents and software change requests: recorded, routed to the IT Centre, resolved. */
export const incidentsSection: Section = async (db, range) => {
  const byKind = await inRange(db, 'incidents', 'created_at', range)
    .select('kind')
    .count<{ kind: string; n: number }[]>('* as n')
    .groupBy('kind');
  const routed = await count(inRange(db, 'incidents', 'routed_at', range));
  const resolved = await count(inRange(db, 'incidents', 'resolved_at', range));
  const open = await count(db('incidents').where('created_at', '<', range.to).whereNotIn('status', ['da_giai_quyet', 'dong']));
  const kind = (k: string) => n(byKind.find((r) => r.kind === k)?.n);
  return {
    key: 'su-co',
    title: 'Sự cố và yêu cầu thay đổi phần mềm',
    available: true,
    lines: [
      { label: 'Sự cố được ghi nhận', value: kind('su_co') },
      { label: 'Yêu cầu thay đổi phần mềm', value: kind('yeu_cau_thay_doi') },
      { label: 'Chuyển Trung tâm Thông tin xử lý', value: routed },
      { label: 'Đã giải quyết trong năm', value: resolved },
      { label: 'Chưa giải quyết xong (hiện tại)', value: open },
    ],
    tables: [],
  };
};

/** 10. Backups and restore drills (R-20.1, RELIABILITY 38): how many, how many failed, restore times. */
export const backupsSection: Section = async (db, range) => {
  const runs = await inRange(db, 'backup_runs', 'started_at', range)
    .select('kind', 'status')
    .count<{ kind: string; status: string; n: number }[]>('* as n')
    .groupBy('kind', 'status');
  const drillTimes = await inRange(db, 'backup_runs', 'started_at', range)
    .where({ kind: 'drill', status: 'succeeded' })
    .first(db.raw('avg(restore_seconds) as avg_s'), db.raw('max(restore_seconds) as max_s'));
  const cell = (kind: string, status: string) => n(runs.find((r) => r.kind === kind && r.status === status)?.n);
  const secs = (v: unknown) =>
    v === null || v === undefined ? '—' : `${Number(v).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} giây`;
  return {
    key: 'sao-luu',
    title: 'Sao lưu và diễn tập phục hồi',
    available: true,
    lines: [
      { label: 'Bản sao lưu thành công', value: cell('backup', 'succeeded') },
      { label: 'Lần sao lưu thất bại', value: cell('backup', 'failed') },
      { label: 'Diễn tập phục hồi đạt', value: cell('drill', 'succeeded') },
      { label: 'Diễn tập phục hồi không đạt', value: cell('drill', 'failed') },
      { label: 'Thời gian phục hồi trung bình khi diễn tập', value: secs(drillTimes?.avg_s) },
      { label: 'Thời gian phục hồi dài nhất khi diễn tập', value: secs(drillTimes?.max_s) },
    ],
    tables: [],
  };
};

export const SECTIONS: readonly Section[] = [
  recordsSection,
  cyclesSection,
  submissionsSection,
  accessSection,
  violationsSection,
  exportsSection,
  exploitationSection,
  incidentsSection,
  backupsSection,
  operationsSection,
];

export async function buildAnnualReport(db: Knex, year: number, sections: readonly Section[] = SECTIONS): Promise<SectionResult[]> {
  const range = yearRange(year);
  const out: SectionResult[] = [];
  for (const s of sections) out.push(await s(db, range));
  return out;
}
