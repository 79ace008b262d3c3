/**
 * the NGO Department's annual report on the management of the database, for the leadership before
 * 31 December. A list of independent sections: add a section by appending to SECTIONS (its query goes in
 * annual-report.repository.ts, its lines and tables here).
 */
import { formatQuarter } from '../../lib/format.js';
import { CATEGORIES } from '../reports/categories.js';
import type { AnnualReportRepository, YearRange } from './annual-report.repository.js';

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

/** Vietnamese names the sections print instead of codes: each job's title by its code (the job registry's). */
export interface ReportNames {
  jobTitles: Readonly<Record<string, string>>;
}

export type Section = (repo: AnnualReportRepository, range: YearRange, names: ReportNames) => Promise<SectionResult>;

/** Notification kinds (notifications.kind) as the report prints them. */
const NOTICE_KIND_LABELS: Record<string, string> = {
  'access_grant.created': 'Cấp quyền khai thác',
  'access_grant.revoked': 'Thu hồi quyền khai thác',
  'access_registration.submitted': 'Phiếu đăng ký khai thác mới',
  'access_request.submitted': 'Đề nghị mới của tổ chức khai thác',
  'access_request.approved': 'Đề nghị của tổ chức khai thác được chấp thuận',
  'access_request.refused': 'Đề nghị của tổ chức khai thác không được chấp thuận',
  'annual_report.reminder': 'Nhắc lập báo cáo năm',
  'backup.failed': 'Sao lưu thất bại',
  'congress.alert': 'Cảnh báo hạn đại hội nhiệm kỳ',
  'cycle.quarterly': 'Nhắc cập nhật dữ liệu hằng quý',
  'file.damaged': 'Tệp tài liệu bị hỏng',
  'incident.critical': 'Sự cố nghiêm trọng',
  'incident.routed': 'Sự cố chuyển Trung tâm Thông tin',
  'incident.resolved': 'Sự cố đã giải quyết',
  'job.failed': 'Tác vụ định kỳ thất bại',
  'job.lock_skipped': 'Tác vụ định kỳ bị bỏ qua một kỳ',
  'submission.received': 'Biểu mẫu của hội gửi đến',
  'support.question': 'Câu hỏi mới',
  'support.reply': 'Người hỏi trả lời thêm',
  'support.answer': 'Câu hỏi đã được trả lời',
  'violation.recorded': 'Vi phạm mới chờ xử lý',
  'violation.lift': 'Chấm dứt đình chỉ trước hạn',
};

/** A report category (Điều 17) as printed: "b) Danh sách hội theo lĩnh vực hoạt động". */
function categoryLabel(key: string): string {
  const c = CATEGORIES.find((x) => x.key === key);
  return c ? `${c.letter}) ${c.title}` : 'Không rõ loại';
}

const jobName = (names: ReportNames, job: string) => names.jobTitles[job] ?? 'Tác vụ khác';

export function yearRange(year: number): YearRange {
  return { year, from: new Date(`${year}-01-01T00:00:00+07:00`), to: new Date(`${year + 1}-01-01T00:00:00+07:00`) };
}

const SOURCE_LABELS: Record<string, string> = {
  create: 'Tạo mới',
  edit: 'Cán bộ Vụ sửa',
  publish: 'Công khai / thôi công khai',
  paper_check: 'Đối chiếu hồ sơ giấy',
  submission: 'Duyệt biểu mẫu của hội',
  import: 'Nhập hàng loạt',
};

/** 1. Records added, changed, dissolved or otherwise terminated in the year (associations, association_versions). */
export const recordsSection: Section = async (repo, range) => {
  const { added, changed, versions, dissolved, terminated, bySource, liveAtEnd } = await repo.records(range);
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
        rows: bySource.map((r) => [SOURCE_LABELS[r.src] ?? r.src, r.n]),
      },
    ],
  };
};

/** 2. The quarterly update cycles of the year. */
export const cyclesSection: Section = async (repo, { year }) => {
  const { cycles, reminders, emailed } = await repo.cycles(year);
  const n = (v: unknown) => Number(v ?? 0);
  return {
    key: 'cap-nhat-quy',
    title: 'Cập nhật dữ liệu hằng quý',
    available: true,
    lines: [
      { label: 'Kỳ cập nhật đã mở', value: cycles.length },
      { label: 'Thông báo nhắc cập nhật đã gửi (trong ứng dụng)', value: reminders },
      { label: 'Thư điện tử nhắc cập nhật đã gửi', value: emailed },
    ],
    tables: [
      {
        caption: 'Các kỳ cập nhật trong năm',
        columns: ['Quý', 'Tổng số hồ sơ', 'Đã cập nhật trong quý', 'Chưa cập nhật trong quý'],
        rows: cycles.map(({ quarter, snapshot: d }) => [
          formatQuarter(quarter),
          n(d?.total),
          n(d?.updated_in_quarter),
          n(d?.not_updated_in_quarter),
        ]),
      },
    ],
  };
};

/** 3. Exports and print-outs of reports (audit_events `report.export`) and views of personal data. */
export const exportsSection: Section = async (repo, range) => {
  const { byFormat, byCategory, personal } = await repo.exports(range);
  const total = byFormat.reduce((s, r) => s + r.n, 0);
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
        rows: byFormat.map((r) => [r.format.toUpperCase(), r.n]),
      },
      {
        caption: 'Kết xuất theo loại báo cáo (Điều 17)',
        columns: ['Loại báo cáo', 'Số lượt'],
        rows: byCategory.map((r) => [categoryLabel(r.category), r.n]),
      },
    ],
  };
};

/** 4. Scheduled jobs (job_runs) and notifications sent. */
export const operationsSection: Section = async (repo, range, names) => {
  const { runs, notices } = await repo.operations(range);
  const jobs = [...new Set(runs.map((r) => r.job))];
  const cell = (job: string, status: string) => runs.find((r) => r.job === job && r.status === status)?.n ?? 0;
  return {
    key: 'van-hanh',
    title: 'Tác vụ tự động và thông báo',
    available: true,
    lines: [
      { label: 'Lượt chạy tác vụ tự động', value: runs.reduce((s, r) => s + r.n, 0) },
      { label: 'Lượt chạy thất bại', value: runs.filter((r) => r.status === 'failed').reduce((s, r) => s + r.n, 0) },
      { label: 'Thông báo đã gửi trong ứng dụng', value: notices.reduce((s, r) => s + r.n, 0) },
    ],
    tables: [
      {
        caption: 'Lượt chạy theo tác vụ',
        columns: ['Tác vụ', 'Thành công', 'Thất bại', 'Bỏ qua'],
        rows: jobs.map((j) => [jobName(names, j), cell(j, 'succeeded'), cell(j, 'failed'), cell(j, 'skipped')]),
      },
      {
        caption: 'Thông báo theo loại',
        columns: ['Loại', 'Số thông báo'],
        rows: notices.map((r) => [NOTICE_KIND_LABELS[r.kind] ?? 'Thông báo khác', r.n]),
      },
    ],
  };
};

const SUBMISSION_OUTCOMES: Record<string, string> = { approved: 'Duyệt', returned: 'Trả lại để hội sửa', rejected: 'Từ chối' };

/** 5. Submissions (Biểu mẫu 1 online, R-12) received and handled in the year, and how long handling took. */
export const submissionsSection: Section = async (repo, range) => {
  const { received, resubmitted, returned, outcomes, avgDays, maxDays } = await repo.submissions(range);
  const days = (v: number | null) => (v === null ? '—' : `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} ngày`);
  const outcome = (k: string) => outcomes.find((o) => o.status === k)?.n ?? 0;
  return {
    key: 'bieu-mau',
    title: 'Biểu mẫu của hội đã xử lý và thời gian xử lý',
    available: true,
    lines: [
      { label: 'Biểu mẫu hội gửi lần đầu', value: received },
      { label: 'Biểu mẫu hội gửi lại sau khi sửa', value: resubmitted },
      { label: 'Thời gian xử lý trung bình (từ khi gửi đến khi duyệt hoặc từ chối)', value: days(avgDays) },
      { label: 'Thời gian xử lý dài nhất', value: days(maxDays) },
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
export const accessSection: Section = async (repo, range) => {
  const { registrations, decided, grants, revoked, active } = await repo.access(range);
  const st = (k: string) => decided.find((d) => d.status === k)?.n ?? 0;
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
export const violationsSection: Section = async (repo, range) => {
  const { recorded, actions } = await repo.violations(range);
  return {
    key: 'vi-pham',
    title: 'Vi phạm quy chế và biện pháp xử lý',
    available: true,
    lines: [{ label: 'Vi phạm được ghi nhận', value: recorded }],
    tables: [
      {
        caption: 'Biện pháp xử lý',
        columns: ['Biện pháp', 'Số lượt'],
        rows: Object.entries(VIOLATION_ACTIONS).map(([k, label]) => [label, actions.find((a) => a.action === k)?.n ?? 0]),
      },
    ],
  };
};

const LOG_FORMATS: Record<string, string> = { html: 'Xem trên trang', csv: 'Tải CSV', xlsx: 'Tải Excel', print: 'Bản in' };

/** 8. Reads and exports by exploiting organisations (exploitation_log, R-16). */
export const exploitationSection: Section = async (repo, range) => {
  const { orgs, byFormat, byCategory } = await repo.exploitation(range);
  return {
    key: 'nhat-ky-khai-thac',
    title: 'Khai thác dữ liệu của tổ chức, cá nhân',
    available: true,
    lines: [
      { label: 'Tổ chức, cá nhân đã khai thác', value: orgs },
      { label: 'Lượt xem và tải', value: byFormat.reduce((s, r) => s + r.n, 0) },
      { label: 'Số dòng dữ liệu đã cung cấp', value: byFormat.reduce((s, r) => s + r.rows, 0) },
    ],
    tables: [
      {
        caption: 'Theo hình thức',
        columns: ['Hình thức', 'Số lượt', 'Số dòng'],
        rows: Object.entries(LOG_FORMATS).map(([k, label]) => {
          const r = byFormat.find((f) => f.format === k);
          return [label, r?.n ?? 0, r?.rows ?? 0];
        }),
      },
      {
        caption: 'Theo loại thông tin (Điều 17)',
        columns: ['Loại thông tin', 'Số lượt'],
        rows: byCategory.map((r) => [categoryLabel(r.category), r.n]),
      },
    ],
  };
};

/** 9. Incidents and software change requests: recorded, routed to the IT Centre, resolved. */
export const incidentsSection: Section = async (repo, range) => {
  const { byKind, routed, resolved, open } = await repo.incidents(range);
  const kind = (k: string) => byKind.find((r) => r.kind === k)?.n ?? 0;
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
export const backupsSection: Section = async (repo, range) => {
  const { runs, avgRestoreSeconds, maxRestoreSeconds } = await repo.backups(range);
  const cell = (kind: string, status: string) => runs.find((r) => r.kind === kind && r.status === status)?.n ?? 0;
  const secs = (v: number | null) => (v === null ? '—' : `${v.toLocaleString('vi-VN', { maximumFractionDigits: 1 })} giây`);
  return {
    key: 'sao-luu',
    title: 'Sao lưu và diễn tập phục hồi',
    available: true,
    lines: [
      { label: 'Bản sao lưu thành công', value: cell('backup', 'succeeded') },
      { label: 'Lần sao lưu thất bại', value: cell('backup', 'failed') },
      { label: 'Diễn tập phục hồi đạt', value: cell('drill', 'succeeded') },
      { label: 'Diễn tập phục hồi không đạt', value: cell('drill', 'failed') },
      { label: 'Thời gian phục hồi trung bình khi diễn tập', value: secs(avgRestoreSeconds) },
      { label: 'Thời gian phục hồi dài nhất khi diễn tập', value: secs(maxRestoreSeconds) },
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

export async function buildAnnualReport(
  repo: AnnualReportRepository,
  year: number,
  sections: readonly Section[] = SECTIONS,
  names: ReportNames = { jobTitles: {} },
): Promise<SectionResult[]> {
  const range = yearRange(year);
  const out: SectionResult[] = [];
  for (const s of sections) out.push(await s(repo, range, names));
  return out;
}
