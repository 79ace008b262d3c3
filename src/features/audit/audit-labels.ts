/**
 * What the audit trail's codes mean, in plain Vietnamese (the IT Centre's audit log page and its CSV): each action
 * written by `audit.record` (test/unit/audit-labels.test.ts checks that every action written in src/ has a label
 * here), the results, the kinds of record an event names, and the reasons a login failed. Pure data.
 */
import { CATALOGUE_KINDS } from '../catalogues/catalogue-kinds.js';
import { categoryByKey } from '../reports/categories.js';

/** Every action of the trail, grouped as the filter's list shows them; the order of this table is that list's. */
export const ACTION_LABELS: Readonly<Record<string, string>> = {
  // Signing in, accounts and sessions.
  login: 'Đăng nhập',
  'login.totp': 'Nhập mã xác thực hai lớp khi đăng nhập',
  'login.recovery_code': 'Đăng nhập bằng mã khôi phục',
  logout: 'Đăng xuất',
  'session.expired': 'Hết phiên đăng nhập',
  'password.change': 'Đổi mật khẩu',
  'notice_email.update': 'Đổi cách nhận thư thông báo',
  'notice_email.unsubscribe': 'Ngừng nhận thư thông báo qua liên kết trong thư',
  'totp.enrol': 'Đăng ký xác thực hai lớp',
  'access.denied': 'Bị từ chối truy cập trang',
  'user.create': 'Tạo tài khoản',
  'user.view': 'Xem thông tin tài khoản',
  'user.disable': 'Vô hiệu hóa tài khoản',
  'user.enable': 'Kích hoạt lại tài khoản',
  'user.unlock': 'Mở khóa tài khoản',
  'user.totp_reset': 'Đặt lại xác thực hai lớp của tài khoản',
  'session.revoke': 'Thu hồi phiên đăng nhập',
  'audit_log.view': 'Xem nhật ký thao tác',
  'audit_log.export': 'Xuất nhật ký thao tác (CSV)',
  // The register.
  'association.create': 'Tạo hồ sơ hội',
  'association.update': 'Sửa hồ sơ hội',
  'association.publish': 'Công khai hồ sơ hội',
  'association.unpublish': 'Thôi công khai hồ sơ hội',
  'association.paper_check': 'Đối chiếu hồ sơ hội với hồ sơ giấy',
  'association.withhold_field': 'Không công khai một trường của hồ sơ hội',
  'association.release_field': 'Công khai lại một trường của hồ sơ hội',
  'association.list_export': 'Xuất danh sách hội (CSV, Excel)',
  'charter.text_create': 'Thêm phiên bản điều lệ (văn bản nhập)',
  'charter.text_enter': 'Nhập văn bản cho phiên bản điều lệ',
  'follow.add': 'Theo dõi hồ sơ hội',
  'follow.remove': 'Bỏ theo dõi hồ sơ hội',
  'saved_search.add': 'Lưu tìm kiếm',
  'saved_search.remove': 'Xóa tìm kiếm đã lưu',
  'personal_data.view': 'Xem dữ liệu cá nhân',
  'record.view_as': 'Xem trước hồ sơ hội như người dùng khác thấy',
  'document.upload': 'Tải lên tài liệu',
  'document.download': 'Tải xuống tài liệu',
  'catalogue.create': 'Thêm mục danh mục',
  'catalogue.update': 'Sửa mục danh mục',
  'quality_rule.update': 'Sửa quy tắc chấm điểm chất lượng dữ liệu',
  'legal_document.create': 'Thêm văn bản về hội',
  'legal_document.update': 'Sửa văn bản về hội',
  // Biểu mẫu 1 filed online and its review.
  'submission.create': 'Lập Biểu mẫu 1 trực tuyến',
  'submission.save': 'Lưu nháp Biểu mẫu 1',
  'submission.submit': 'Nộp Biểu mẫu 1',
  'submission.resubmit': 'Nộp lại Biểu mẫu 1',
  'submission.upload': 'Tải lên Biểu mẫu 1 (tệp Excel)',
  'submission.template_export': 'Tải mẫu Biểu mẫu 1 (tệp Excel)',
  'submission.approve': 'Duyệt Biểu mẫu 1',
  'submission.return': 'Trả lại Biểu mẫu 1 để bổ sung',
  'submission.reject': 'Từ chối Biểu mẫu 1',
  'submission.detach': 'Gỡ tài liệu khỏi hồ sơ đại hội',
  // Bulk import.
  'import.upload': 'Tải lên tệp nhập dữ liệu',
  'import.apply': 'Áp dụng lô nhập dữ liệu',
  'import.rerun': 'Chạy lại lô nhập dữ liệu',
  'import.download': 'Tải xuống tệp nhập dữ liệu gốc',
  // Reports and exports.
  'report.export': 'Xuất hoặc in báo cáo',
  'saved_report.save': 'Lưu mẫu báo cáo tự chọn',
  'annual_report.print': 'In báo cáo năm',
  'exploitation_log.export': 'Xuất nhật ký khai thác',
  'quality_report.export': 'Xuất báo cáo chất lượng dữ liệu (CSV)',
  // Access to the data.
  'access_registration.submit': 'Gửi đăng ký khai thác dữ liệu',
  'access_registration.approve': 'Duyệt đăng ký khai thác dữ liệu',
  'access_registration.refuse': 'Từ chối đăng ký khai thác dữ liệu',
  'access_request.add_officer': 'Đề nghị thêm cán bộ khai thác',
  'access_request.renewal': 'Đề nghị gia hạn quyền khai thác',
  'access_request.approve': 'Duyệt đề nghị của tổ chức khai thác',
  'access_request.refuse': 'Từ chối đề nghị của tổ chức khai thác',
  'access.officer_remove': 'Khóa tài khoản cán bộ khai thác',
  'access_grant.revoke': 'Thu hồi quyền khai thác',
  'api_key.create': 'Tạo khóa API của tổ chức khai thác',
  'api_key.revoke': 'Thu hồi khóa API của tổ chức khai thác',
  // Fees and violations.
  'fee_schedule.create': 'Thêm mức phí',
  'fee_schedule.update': 'Sửa mức phí',
  'fee.contract': 'Ghi phí hợp đồng cung cấp dữ liệu',
  'fee.statement.view': 'Xem bảng kê phí của tổ chức',
  'violation.record': 'Ghi nhận vi phạm',
  'violation.warning': 'Xử lý vi phạm: cảnh cáo',
  'violation.suspension': 'Xử lý vi phạm: tạm đình chỉ quyền khai thác',
  'violation.revocation': 'Xử lý vi phạm: thu hồi quyền truy cập',
  'violation.lift': 'Chấm dứt tạm đình chỉ trước hạn',
  'violation.evidence.download': 'Tải xuống chứng cứ vi phạm',
  // Questions, incidents, jobs and backups.
  'support.ask': 'Gửi câu hỏi',
  'support.reply': 'Bổ sung câu hỏi',
  'support.answer': 'Trả lời câu hỏi',
  'support.close': 'Đóng câu hỏi',
  'incident.create': 'Ghi nhận sự cố',
  'incident.tiep_nhan': 'Tiếp nhận xử lý sự cố',
  'incident.giai_quyet': 'Giải quyết sự cố',
  'incident.chuyen_tttt': 'Chuyển sự cố cho Trung tâm Thông tin',
  'incident.dong': 'Đóng sự cố',
  'incident.mo_lai': 'Mở lại sự cố',
  'incident.binh_luan': 'Thêm ghi chú vào sự cố',
  'personal_data_request.create': 'Gửi yêu cầu về dữ liệu cá nhân (trực tuyến)',
  'personal_data_request.record_paper': 'Ghi nhận yêu cầu về dữ liệu cá nhân nhận bằng văn bản',
  'personal_data_request.view': 'Xem yêu cầu về dữ liệu cá nhân',
  'personal_data_request.verify': 'Xác minh danh tính người yêu cầu về dữ liệu cá nhân',
  'personal_data_request.transition': 'Chuyển trạng thái yêu cầu về dữ liệu cá nhân',
  'personal_data_request.list_export': 'Xuất sổ yêu cầu về dữ liệu cá nhân (CSV)',
  'personal_data_request.subject_export': 'Xuất dữ liệu đang lưu về người yêu cầu',
  'personal_data_deadline.update': 'Sửa thời hạn giải quyết yêu cầu về dữ liệu cá nhân',
  'job.run_manual': 'Chạy ngay tác vụ định kỳ',
  'backup.restore': 'Khôi phục dữ liệu từ bản sao lưu',
};

export const ACTION_CODES = Object.keys(ACTION_LABELS);

/** The label of an action; an action written by newer code than this table still reads as Vietnamese. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action] ?? 'Thao tác khác';
}

export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  success: 'Thành công',
  failure: 'Không thành công',
  denied: 'Bị từ chối',
};

/** Why a login step or an upload failed (`details.reason`). */
const REASON_LABELS: Readonly<Record<string, string>> = {
  unknown: 'tên đăng nhập không tồn tại',
  bad_password: 'sai mật khẩu',
  bad_code: 'sai mã xác thực',
  locked: 'tài khoản đang bị khóa tạm thời',
  disabled: 'tài khoản đã bị vô hiệu hóa',
  expired: 'mật khẩu đã hết hạn',
  suspended: 'quyền khai thác đang bị tạm đình chỉ',
  stale_enrolment: 'lần đăng ký xác thực đã cũ',
  classified: 'tài liệu có độ mật',
  file_type: 'loại tệp không được phép',
  idle: 'không thao tác quá lâu',
  absolute: 'quá thời gian tối đa của một phiên',
};

/** Notes on one event from its details, in Vietnamese: the reason of a failure, a lockout it caused. */
export function detailNotes(action: string, actorUserId: number | null, actorUsername: string | null, details: unknown): string[] {
  const d = details && typeof details === 'object' ? (details as Record<string, unknown>) : {};
  const notes: string[] = [];
  const reason = typeof d.reason === 'string' ? REASON_LABELS[d.reason] : undefined;
  if (reason) notes.push(`lý do: ${reason}`);
  if (d.locked === true) notes.push('tài khoản bị khóa tạm thời sau lần này');
  // A failed login under a name that matches no account: the name typed is worth seeing (it is the visitor's text).
  if (actorUserId === null && actorUsername && action.startsWith('login')) notes.push(`tên đăng nhập đã nhập: ${actorUsername}`);
  return notes;
}

/** Kinds of record an event names (`target_type`), as the filter lists them; `id` says what identifies one. */
export const TARGET_TYPES: ReadonlyArray<{ type: string; label: string; id: 'number' | 'code' | 'user' }> = [
  { type: 'association', label: 'Hồ sơ hội', id: 'code' },
  { type: 'user', label: 'Tài khoản', id: 'user' },
  { type: 'submission', label: 'Biểu mẫu 1 trực tuyến', id: 'number' },
  { type: 'attachment', label: 'Tài liệu', id: 'number' },
  { type: 'import_batch', label: 'Lô nhập dữ liệu', id: 'number' },
  { type: 'report', label: 'Báo cáo', id: 'code' },
  { type: 'saved_report', label: 'Mẫu báo cáo tự chọn', id: 'number' },
  { type: 'annual_report', label: 'Báo cáo năm', id: 'code' },
  { type: 'access_registration', label: 'Đăng ký khai thác dữ liệu', id: 'number' },
  { type: 'access_request', label: 'Đề nghị của tổ chức khai thác', id: 'number' },
  { type: 'access_grant', label: 'Quyền khai thác', id: 'number' },
  { type: 'organisation', label: 'Tổ chức khai thác', id: 'number' },
  { type: 'api_key', label: 'Khóa API', id: 'number' },
  { type: 'fee_schedule', label: 'Mức phí', id: 'number' },
  { type: 'violation', label: 'Vi phạm', id: 'number' },
  { type: 'legal_document', label: 'Văn bản về hội', id: 'number' },
  { type: 'support_thread', label: 'Câu hỏi', id: 'number' },
  { type: 'incident', label: 'Sự cố', id: 'number' },
  { type: 'personal_data_request', label: 'Yêu cầu về dữ liệu cá nhân', id: 'number' },
  { type: 'personal_data_deadline', label: 'Thời hạn yêu cầu về dữ liệu cá nhân', id: 'code' },
  { type: 'job', label: 'Tác vụ định kỳ', id: 'code' },
  { type: 'backup', label: 'Bản sao lưu', id: 'code' },
  { type: 'quality_rule', label: 'Quy tắc chất lượng dữ liệu', id: 'code' },
  // The catalogues (catalogue.create / catalogue.update name the catalogue's table and the entry's code).
  ...CATALOGUE_KINDS.map((k) => ({ type: k.table, label: `Danh mục ${k.label.toLowerCase()}`, id: 'code' as const })),
];

/** Records without an id of their own: the page named, or the whole log. */
const OTHER_TARGETS: Readonly<Record<string, string>> = {
  route: 'Trang',
  exploitation_log: 'Nhật ký khai thác',
  audit_log: 'Nhật ký thao tác',
};

const JOB_TITLES: Readonly<Record<string, string>> = {
  backup: 'Sao lưu định kỳ',
  'backup-drill': 'Diễn tập khôi phục bản sao lưu',
  'quarterly-cycle': 'Kỳ cập nhật dữ liệu hằng quý',
  'congress-alerts': 'Cảnh báo hạn đại hội nhiệm kỳ',
  'annual-report-reminder': 'Nhắc lập báo cáo năm',
  'personal-data-alerts': 'Nhắc hạn yêu cầu về dữ liệu cá nhân',
  'quality-scores': 'Tính lại điểm chất lượng dữ liệu',
};

export function targetTypeLabel(type: string): string {
  return TARGET_TYPES.find((t) => t.type === type)?.label ?? OTHER_TARGETS[type] ?? 'Đối tượng khác';
}

/**
 * The record an event names, as a reader knows it: "Hồ sơ hội H000042", "Tài khoản nguyen.van.a", "Trang
 * /quan-tri/hoi". `username` is the account's name when the record is a user; `association` the code an event
 * kept in its details when its id is the record's number.
 */
export function targetText(
  type: string | null,
  id: string | null,
  extra: { username?: string | null; association?: unknown } = {},
): string {
  if (!type) return '';
  const label = targetTypeLabel(type);
  // Each text is one template with words in it (not "label id"), so that the English catalogue can hold it.
  if (type === 'user') return extra.username ? `Tài khoản ${extra.username}` : id ? `Tài khoản số ${id}` : label;
  if (type === 'association' && typeof extra.association === 'string') return `Hồ sơ hội ${extra.association}`;
  if (type === 'job' && id) return `Tác vụ định kỳ: ${JOB_TITLES[id] ?? id}`;
  if (type === 'report' && id) {
    const category = categoryByKey(id);
    return category ? `Báo cáo (${category.letter}) ${category.title}` : `Báo cáo ${id}`;
  }
  if (type === 'route' && id) {
    const [method, path] = id.split(' ', 2);
    if (!path) return `Trang ${id}`;
    return method === 'GET' ? `Trang ${path}` : `Trang ${path} (gửi biểu mẫu)`;
  }
  if (!id) return label;
  const kind = TARGET_TYPES.find((t) => t.type === type)?.id;
  if (kind === 'number') return NUMBER_TEXTS[type]?.(id) ?? `${label} #${id}`;
  return CODE_TEXTS[type]?.(id) ?? `${label} ${id}`;
}

/**
 * Records named by their number, one text per kind: a pattern as wide as "… số …" in the English catalogue would
 * catch other texts that hold the word (test/unit/audit-labels-english.test.ts checks every numbered kind is here).
 */
const NUMBER_TEXTS: Readonly<Record<string, (id: string) => string>> = {
  submission: (id) => `Biểu mẫu 1 trực tuyến số ${id}`,
  attachment: (id) => `Tài liệu số ${id}`,
  import_batch: (id) => `Lô nhập dữ liệu số ${id}`,
  saved_report: (id) => `Mẫu báo cáo tự chọn số ${id}`,
  access_registration: (id) => `Đăng ký khai thác dữ liệu số ${id}`,
  access_request: (id) => `Đề nghị của tổ chức khai thác số ${id}`,
  access_grant: (id) => `Quyền khai thác số ${id}`,
  organisation: (id) => `Tổ chức khai thác số ${id}`,
  api_key: (id) => `Khóa API số ${id}`,
  fee_schedule: (id) => `Mức phí số ${id}`,
  violation: (id) => `Vi phạm số ${id}`,
  legal_document: (id) => `Văn bản về hội số ${id}`,
  support_thread: (id) => `Câu hỏi số ${id}`,
  incident: (id) => `Sự cố số ${id}`,
  personal_data_request: (id) => `Yêu cầu về dữ liệu cá nhân số ${id}`,
};

/** Records named by a code (the catalogues' entries keep "Danh mục … code"). */
const CODE_TEXTS: Readonly<Record<string, (id: string) => string>> = {
  association: (id) => `Hồ sơ hội ${id}`,
  annual_report: (id) => `Báo cáo năm ${id}`,
  personal_data_deadline: (id) => `Thời hạn yêu cầu về dữ liệu cá nhân ${id}`,
  backup: (id) => `Bản sao lưu ${id}`,
  quality_rule: (id) => `Quy tắc chất lượng dữ liệu ${id}`,
};
