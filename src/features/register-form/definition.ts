/**
 * Biểu mẫu 1 in one place (FORM-1.md, R-5): every field of the association record and of its sub-lists, with
 * its Vietnamese label, section, type, rules, the reports it feeds and the public regimes that show it.
 * This catalogue drives the staff form, the validation (schema.ts), the record page, the history diff (diff.ts),
 * the Excel template and bulk import (workbook.ts), the public fields and open data (public/public-fields.ts) and
 * report (a). Adding a field, public and reported or not, = one entry here + a migration.
 */
// server-text-file: the field labels, hints, section titles and options are translated by field name in locales/<lang>/form.json (form:fields.<name>, form:lists.<list>.fields.<name>); the format messages, and the labels and list titles that validation messages quote, have English texts in locales/texts/en/register-form.json

export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'url'
  | 'phone'
  | 'int'
  | 'decimal'
  | 'money'
  | 'date'
  | 'year'
  | 'bool'
  | 'select'
  | 'multiselect';

/** Options: a catalogue table (codes from the database) or a fixed list. */
export type OptionSource = { catalogue: string } | { values: ReadonlyArray<readonly [string, string]> };

export interface FieldDef {
  /** Column name (and form field name). */
  name: string;
  label: string;
  /** A shorter column heading for tables of a sub-list (the record page) when the label is long; the label stays its title. */
  heading?: string;
  type: FieldType;
  required?: boolean;
  /** Max length for text; max value for numbers. */
  max?: number;
  min?: number;
  options?: OptionSource;
  /**
   * A multiselect's own table (required for one): a row per chosen code, `column` holding the code beside
   * `association_id`.
   */
  table?: { name: string; column: string };
  hint?: string;
  /** A text's required shape (after trimming), the message when it does not match, and a valid example. */
  format?: { pattern: RegExp; message: string; example: string };
  /** categories this field feeds. */
  reports?: readonly string[];
  /** Personal data (leaders' contacts, birth year …): never public, logged when viewed. */
  personal?: boolean;
  /** Shown to anyone for a published association, under the regimes named (public/public-fields.ts). */
  public?: PublicAttr;
}

/**
 * The public-field regimes (SPEC §6, R-3.2, R-17.2): '113' (Quyết định 113/QĐ-BNV: general information and the list
 * by field) and '79-2022' (Quyết định 79/QĐ-BNV năm 2022: basic information as well).
 */
export type PublicRegime = '113' | '79-2022';
export type PublicValueKind = 'text' | 'longtext' | 'int' | 'date' | 'list' | 'url' | 'email';
/** The sections of the public record page. */
export type PublicGroup = 'identity' | 'activity' | 'contact' | 'founding' | 'leadership';

export interface PublicAttr {
  /** The regimes that publish the field. */
  regimes: readonly PublicRegime[];
  group: PublicGroup;
  /** Position in every public output (record page, CSV columns, JSON keys): ascending. */
  order: number;
  /** Public key (JSON property, CSV column id); default: the field name, a catalogue code's `_code` dropped. */
  key?: string;
  /** Public label when it differs from the form's. */
  label?: string;
}

/** Published under both regimes. */
const PUBLIC_113: readonly PublicRegime[] = ['113', '79-2022'];
/** Basic information added by Quyết định 79/QĐ-BNV (2022). */
const PUBLIC_79: readonly PublicRegime[] = ['79-2022'];

/** A section of Biểu mẫu 1 (A … I, and K for record management): its own fields, then its sub-lists. */
export interface SectionDef {
  key: string;
  /** The section's own page of the form's task list (`/quan-tri/hoi/H000123/sua/dinh-danh`). */
  slug: string;
  title: string;
  fields: readonly FieldDef[];
  /** Names of the sub-lists shown after the fields, in order. */
  sublists: readonly string[];
}
/** A section with fields of its own. */
export type GroupDef = SectionDef;

export interface SubListDef {
  /** Form key and table. */
  name: string;
  table: string;
  title: string;
  itemLabel: string;
  fields: readonly FieldDef[];
  /** Blank rows offered for additions on the form. */
  blankRows: number;
  maxRows: number;
  /** The sort the record page and the snapshot use. */
  orderBy: readonly string[];
}

export const SCOPES = [
  ['toan_quoc', 'Toàn quốc'],
  ['lien_tinh', 'Liên tỉnh'],
  ['tinh', 'Tỉnh'],
  ['xa', 'Xã'],
  ['huyen', 'Huyện (chỉ hồ sơ trước 01/07/2025)'],
] as const;

export const DATA_LEVELS = [
  ['raw', 'Dữ liệu thô'],
  ['basic', 'Dữ liệu cơ bản'],
  ['advanced', 'Dữ liệu nâng cao'],
] as const;

export const DECISION_EVENTS = [
  ['cong_nhan_ban_van_dong', 'Công nhận ban vận động thành lập'],
  ['cho_phep_thanh_lap', 'Cho phép thành lập'],
  ['dai_hoi_thanh_lap', 'Đại hội thành lập'],
  ['phe_duyet_dieu_le', 'Phê duyệt điều lệ'],
  ['sua_doi_dieu_le', 'Phê duyệt sửa đổi, bổ sung điều lệ'],
  ['doi_ten', 'Đổi tên'],
  ['chia', 'Chia'],
  ['tach', 'Tách'],
  ['sap_nhap', 'Sáp nhập'],
  ['hop_nhat', 'Hợp nhất'],
  ['dinh_chi', 'Đình chỉ có thời hạn'],
  ['giai_the', 'Giải thể'],
  ['khac', 'Khác'],
] as const;

export const FUND_SOURCES = [
  ['nsnn_bien_che', 'NSNN theo biên chế'],
  ['nsnn_nhiem_vu', 'NSNN hỗ trợ nhiệm vụ được giao'],
  ['hoi_phi', 'Hội phí'],
  ['dich_vu', 'Thu dịch vụ'],
  ['tai_tro_trong_nuoc', 'Tài trợ trong nước'],
  ['tai_tro_nuoc_ngoai', 'Tài trợ nước ngoài'],
] as const;

const GENDERS = [
  ['nam', 'Nam'],
  ['nu', 'Nữ'],
  ['khac', 'Khác'],
] as const;

const OFFICIAL_STATUS = [
  ['khong', 'Không phải cán bộ, công chức, viên chức'],
  ['dang_chuc', 'Cán bộ, công chức, viên chức đương chức'],
  ['nghi_huu', 'Cán bộ, công chức, viên chức đã nghỉ hưu'],
] as const;

const LEGAL_ENTITY_KINDS = [
  ['trung_tam', 'Trung tâm'],
  ['vien', 'Viện'],
  ['tap_chi', 'Tạp chí'],
  ['doanh_nghiep', 'Doanh nghiệp'],
  ['khac', 'Khác'],
] as const;

const CONGRESS_TYPES = [
  ['thanh_lap', 'Đại hội thành lập'],
  ['nhiem_ky', 'Đại hội nhiệm kỳ'],
  ['bat_thuong', 'Đại hội bất thường'],
] as const;

const ASSEMBLY_FORMS = [
  ['toan_the', 'Toàn thể hội viên'],
  ['dai_bieu', 'Đại biểu'],
] as const;

const MEETING_MODES = [
  ['truc_tiep', 'Trực tiếp'],
  ['truc_tuyen', 'Trực tuyến'],
  ['ket_hop', 'Kết hợp trực tiếp và trực tuyến'],
] as const;

/** The order of the form, the record page and the Excel template: each section's own fields, then its sub-lists. */
export const SECTIONS: readonly SectionDef[] = [
  {
    key: 'A',
    slug: 'dinh-danh',
    title: 'A. Thông tin định danh',
    sublists: ['offices'],
    fields: [
      {
        name: 'name',
        label: 'Tên hội (tiếng Việt)',
        type: 'text',
        required: true,
        max: 300,
        reports: ['a', 'b'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 2, label: 'Tên hội' },
      },
      {
        name: 'abbreviation',
        label: 'Tên viết tắt',
        type: 'text',
        max: 60,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 3 },
      },
      {
        name: 'foreign_name',
        label: 'Tên tiếng nước ngoài',
        type: 'text',
        max: 300,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 4 },
      },
      {
        name: 'foreign_abbreviation',
        label: 'Tên viết tắt tiếng nước ngoài',
        type: 'text',
        max: 60,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 5 },
      },
      {
        name: 'kind_code',
        label: 'Loại hình',
        type: 'select',
        required: true,
        options: { catalogue: 'association_kinds' },
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 6 },
      },
      {
        name: 'hq_address',
        label: 'Trụ sở chính: số nhà, đường',
        type: 'text',
        max: 300,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 13 },
      },
      {
        name: 'hq_ward',
        label: 'Trụ sở chính: xã, phường, đặc khu',
        type: 'text',
        max: 120,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 14 },
      },
      {
        name: 'hq_province_code',
        label: 'Trụ sở chính: tỉnh, thành phố',
        type: 'select',
        options: { catalogue: 'provinces' },
        reports: ['a', 'k'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 15 },
      },
      {
        name: 'phone',
        label: 'Điện thoại',
        type: 'phone',
        max: 40,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 16, label: 'Điện thoại của hội' },
      },
      {
        name: 'email',
        label: 'Thư điện tử',
        type: 'email',
        max: 200,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 17, label: 'Thư điện tử của hội' },
      },
      {
        name: 'website',
        label: 'Trang thông tin điện tử',
        type: 'url',
        max: 300,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'contact', order: 18 },
      },
      {
        name: 'tax_code',
        label: 'Mã số thuế',
        type: 'text',
        max: 20,
        hint: '10 hoặc 13 chữ số (dạng 0101234567-001).',
        format: {
          pattern: /^\d{10}(-\d{3})?$/,
          message: 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết dạng 0101234567-001.',
          example: '0101234567-001',
        },
        reports: ['a'],
      },
      { name: 'other_identifiers', label: 'Mã định danh khác', type: 'text', max: 300, reports: ['a'] },
    ],
  },
  { key: 'B', slug: 'phap-ly', title: 'B. Đời sống pháp lý', sublists: ['decisions'], fields: [] },
  {
    key: 'C',
    slug: 'ton-chi-linh-vuc',
    title: 'C. Tôn chỉ, mục đích, phạm vi, lĩnh vực, tính chất, quản lý nhà nước',
    sublists: [],
    fields: [
      {
        name: 'purpose',
        label: 'Tôn chỉ, mục đích',
        type: 'textarea',
        max: 5000,
        reports: ['a'],
        public: { regimes: PUBLIC_113, group: 'activity', order: 12 },
      },
      {
        name: 'scope',
        label: 'Phạm vi hoạt động',
        type: 'select',
        required: true,
        options: { values: SCOPES },
        reports: ['a', 'b'],
        public: { regimes: PUBLIC_113, group: 'activity', order: 8 },
      },
      {
        name: 'main_field_code',
        label: 'Lĩnh vực hoạt động chính',
        type: 'select',
        required: true,
        options: { catalogue: 'fields' },
        reports: ['a', 'b'],
        public: { regimes: PUBLIC_113, group: 'activity', order: 9 },
      },
      {
        name: 'other_field_codes',
        label: 'Lĩnh vực hoạt động khác',
        type: 'multiselect',
        options: { catalogue: 'fields' },
        table: { name: 'association_other_fields', column: 'field_code' },
        reports: ['a', 'b'],
        public: { regimes: PUBLIC_113, group: 'activity', order: 10 },
      },
      {
        name: 'managing_ministry_code',
        label: 'Bộ, ngành quản lý nhà nước về lĩnh vực chính',
        type: 'select',
        options: { catalogue: 'ministries' },
        reports: ['a', 'c'],
        public: { regimes: PUBLIC_113, group: 'activity', order: 11 },
      },
      {
        name: 'nature_code',
        label: 'Tính chất',
        type: 'select',
        options: { catalogue: 'natures' },
        reports: ['a', 'l'],
        public: { regimes: PUBLIC_79, group: 'activity', order: 21 },
      },
      {
        name: 'party_state_tasked',
        label: 'Hội được Đảng, Nhà nước giao nhiệm vụ',
        type: 'bool',
        hint: 'Trước đây gọi là "hội có tính chất đặc thù".',
        reports: ['a', 'h', 'i', 'l'],
      },
      { name: 'tasked_legal_basis', label: 'Căn cứ giao nhiệm vụ', type: 'text', max: 300, reports: ['a', 'h', 'i', 'l'] },
      { name: 'tasked_from', label: 'Giao nhiệm vụ từ ngày', type: 'date', reports: ['a', 'l'] },
      { name: 'tasked_to', label: 'Giao nhiệm vụ đến ngày', type: 'date', reports: ['a', 'l'] },
    ],
  },
  {
    key: 'D',
    slug: 'to-chuc',
    title: 'D. Tổ chức',
    sublists: ['legal_entities'],
    fields: [
      { name: 'exec_committee_count', label: 'Số ủy viên Ban Chấp hành', type: 'int', min: 0, max: 10_000, reports: ['a'] },
      { name: 'standing_committee_count', label: 'Số ủy viên Ban Thường vụ', type: 'int', min: 0, max: 10_000, reports: ['a'] },
      { name: 'inspection_committee_count', label: 'Số ủy viên Ban Kiểm tra', type: 'int', min: 0, max: 10_000, reports: ['a'] },
      {
        name: 'member_associations_count',
        label: 'Số hội thành viên (đối với liên hiệp, tổng hội)',
        type: 'int',
        min: 0,
        max: 100_000,
        reports: ['a'],
      },
      { name: 'branches_count', label: 'Số chi hội, phân hội, tổ chức cơ sở', type: 'int', min: 0, max: 1_000_000, reports: ['a'] },
    ],
  },
  {
    key: 'E',
    slug: 'hoi-vien',
    title: 'E. Hội viên',
    sublists: [],
    fields: [
      {
        name: 'members_total',
        label: 'Tổng số hội viên',
        type: 'int',
        min: 0,
        max: 100_000_000,
        reports: ['a'],
        public: { regimes: PUBLIC_79, group: 'activity', order: 22 },
      },
      { name: 'members_official', label: 'Hội viên chính thức', type: 'int', min: 0, max: 100_000_000, reports: ['a'] },
      { name: 'members_associate', label: 'Hội viên liên kết', type: 'int', min: 0, max: 100_000_000, reports: ['a'] },
      { name: 'members_honorary', label: 'Hội viên danh dự', type: 'int', min: 0, max: 100_000_000, reports: ['a'] },
      { name: 'members_organisations', label: 'Trong đó: hội viên tổ chức', type: 'int', min: 0, max: 100_000_000, reports: ['a'] },
      { name: 'members_individuals', label: 'Trong đó: hội viên cá nhân', type: 'int', min: 0, max: 100_000_000, reports: ['a'] },
    ],
  },
  { key: 'F', slug: 'lanh-dao', title: 'F. Lãnh đạo hội', sublists: ['leaders'], fields: [] },
  { key: 'G', slug: 'dai-hoi', title: 'G. Đại hội nhiệm kỳ', sublists: ['congresses', 'extensions'], fields: [] },
  {
    key: 'H',
    slug: 'ho-tro-tru-so',
    title: 'H. Hỗ trợ của Nhà nước, trụ sở',
    sublists: ['staff_quotas', 'funds'],
    fields: [
      { name: 'hq_area_m2', label: 'Diện tích trụ sở (m²)', type: 'decimal', min: 0, max: 10_000_000, reports: ['a', 'k'] },
      { name: 'hq_origin_code', label: 'Nguồn gốc trụ sở', type: 'select', options: { catalogue: 'hq_origins' }, reports: ['a', 'k'] },
      { name: 'hq_origin_document', label: 'Văn bản về trụ sở (số, ngày)', type: 'text', max: 300, reports: ['a', 'k'] },
    ],
  },
  {
    key: 'I',
    slug: 'hoat-dong',
    title: 'I. Hoạt động và giám sát',
    sublists: [],
    fields: [
      { name: 'annual_report_year', label: 'Báo cáo hoạt động hằng năm gần nhất: năm', type: 'year', min: 1945, max: 2100 },
      {
        name: 'annual_report_filed_on',
        label: 'Báo cáo hoạt động hằng năm gần nhất: ngày nộp',
        type: 'date',
        hint: 'Tệp báo cáo đính kèm ở phần tài liệu, loại «Báo cáo hoạt động năm».',
      },
      {
        name: 'inspections',
        label: 'Thanh tra, kiểm tra',
        type: 'textarea',
        max: 5000,
        hint: 'Mỗi lần một dòng: cơ quan, thời gian, kết luận.',
      },
      {
        name: 'violations_actions',
        label: 'Vi phạm và hình thức xử lý',
        type: 'textarea',
        max: 5000,
        hint: 'Mỗi vi phạm một dòng: nội dung, văn bản xử lý (số, ngày), hình thức xử lý.',
      },
      {
        name: 'awards',
        label: 'Khen thưởng',
        type: 'textarea',
        max: 5000,
        hint: 'Mỗi khen thưởng một dòng: hình thức, cấp quyết định, năm.',
      },
    ],
  },
  {
    key: 'K',
    slug: 'quan-ly-ho-so',
    title: 'Quản lý hồ sơ',
    sublists: [],
    fields: [
      {
        name: 'status',
        label: 'Trạng thái',
        type: 'select',
        required: true,
        options: { catalogue: 'statuses' },
        reports: ['a', 'b'],
        public: { regimes: PUBLIC_113, group: 'identity', order: 7 },
      },
      {
        name: 'data_level',
        label: 'Mức dữ liệu',
        type: 'select',
        required: true,
        options: { values: DATA_LEVELS },
        hint: 'Điều 2 QĐ 113: thô, cơ bản (chuẩn hóa theo Biểu mẫu 1), nâng cao (đã được Vụ hiệu chỉnh, bổ sung).',
      },
      {
        name: 'paper_dossier_ref',
        label: 'Nơi lưu hồ sơ giấy',
        type: 'text',
        max: 200,
        hint: 'Ví dụ: Kho lưu trữ Vụ TCPCP, hộp 12, ngăn 3.',
      },
    ],
  },
];

export const SUBLISTS: readonly SubListDef[] = [
  {
    name: 'offices',
    table: 'representative_offices',
    title: 'Văn phòng đại diện',
    itemLabel: 'văn phòng đại diện',
    blankRows: 1,
    maxRows: 200,
    orderBy: ['province_code', 'address'],
    fields: [
      { name: 'address', label: 'Địa chỉ', type: 'text', required: true, max: 300, reports: ['a'] },
      { name: 'province_code', label: 'Tỉnh, thành phố', type: 'select', options: { catalogue: 'provinces' }, reports: ['a'] },
      { name: 'decision_number', label: 'Quyết định cho phép: số', type: 'text', max: 60, reports: ['a'] },
      { name: 'decision_date', label: 'Quyết định cho phép: ngày', type: 'date', reports: ['a'] },
    ],
  },
  {
    name: 'decisions',
    table: 'decisions',
    title: 'Quyết định và sự kiện pháp lý',
    itemLabel: 'quyết định',
    blankRows: 1,
    maxRows: 300,
    orderBy: ['signed_on', 'id'],
    fields: [
      { name: 'event_type', label: 'Sự kiện', type: 'select', required: true, options: { values: DECISION_EVENTS }, reports: ['a'] },
      {
        name: 'number',
        label: 'Số quyết định',
        type: 'text',
        max: 60,
        reports: ['a'],
        // Of the founding decision: the earliest «cho phép thành lập» one.
        public: {
          regimes: PUBLIC_113,
          group: 'founding',
          order: 19,
          key: 'founding_decision_number',
          label: 'Số quyết định cho phép thành lập',
        },
      },
      {
        name: 'signed_on',
        label: 'Ngày ký',
        type: 'date',
        reports: ['a'],
        public: {
          regimes: PUBLIC_113,
          group: 'founding',
          order: 20,
          key: 'founding_decision_date',
          label: 'Ngày quyết định cho phép thành lập',
        },
      },
      { name: 'issuer', label: 'Cơ quan ban hành', type: 'text', max: 200, reports: ['a'] },
      { name: 'summary', label: 'Trích yếu', type: 'text', max: 1000 },
      { name: 'old_name', label: 'Tên cũ (khi đổi tên)', type: 'text', max: 300 },
      { name: 'new_name', label: 'Tên mới (khi đổi tên)', type: 'text', max: 300 },
      { name: 'related_association_code', label: 'Hội liên quan (mã hội, khi chia, tách, sáp nhập, hợp nhất)', type: 'text', max: 20 },
    ],
  },
  {
    name: 'legal_entities',
    table: 'legal_entities',
    title: 'Pháp nhân trực thuộc',
    itemLabel: 'pháp nhân',
    blankRows: 1,
    maxRows: 500,
    orderBy: ['name'],
    fields: [
      { name: 'name', label: 'Tên', type: 'text', required: true, max: 300 },
      { name: 'entity_kind', label: 'Loại', type: 'select', required: true, options: { values: LEGAL_ENTITY_KINDS } },
      { name: 'registration_number', label: 'Số đăng ký', type: 'text', max: 60 },
      { name: 'registration_date', label: 'Ngày đăng ký', heading: 'Ngày', type: 'date' },
      { name: 'issuer', label: 'Cơ quan cấp', type: 'text', max: 200 },
    ],
  },
  {
    name: 'leaders',
    table: 'leaders',
    title: 'Lãnh đạo hội',
    itemLabel: 'người lãnh đạo',
    blankRows: 2,
    maxRows: 500,
    orderBy: ['left_on', 'position_code', 'full_name'],
    fields: [
      {
        name: 'full_name',
        label: 'Họ và tên',
        type: 'text',
        required: true,
        max: 120,
        reports: ['a', 'd', 'dd'],
        // Of the current president only (a CT leader still in office), never another leader's.
        public: { regimes: PUBLIC_79, group: 'leadership', order: 23, key: 'president_name', label: 'Chủ tịch hội (họ và tên)' },
      },
      {
        name: 'position_code',
        label: 'Chức vụ trong hội',
        heading: 'Chức vụ',
        type: 'select',
        required: true,
        options: { catalogue: 'leader_positions' },
        reports: ['a', 'd', 'dd'],
        public: { regimes: PUBLIC_79, group: 'leadership', order: 24, key: 'president_position', label: 'Chức vụ' },
      },
      { name: 'term_number', label: 'Nhiệm kỳ (khóa)', heading: 'Khóa', type: 'int', min: 1, max: 100, reports: ['d'] },
      { name: 'birth_year', label: 'Năm sinh', type: 'year', min: 1900, max: 2100, reports: ['d'], personal: true },
      { name: 'gender', label: 'Giới tính', type: 'select', options: { values: GENDERS }, reports: ['d'], personal: true },
      { name: 'qualification', label: 'Trình độ chuyên môn', heading: 'Trình độ', type: 'text', max: 200, reports: ['d'], personal: true },
      { name: 'academic_title', label: 'Học hàm, học vị', type: 'text', max: 120, reports: ['d'], personal: true },
      {
        name: 'outside_position',
        label: 'Chức vụ, đơn vị công tác ngoài hội',
        heading: 'Chức vụ ngoài hội',
        type: 'text',
        max: 300,
        reports: ['d'],
        personal: true,
      },
      {
        name: 'official_status',
        label: 'Là cán bộ, công chức, viên chức',
        heading: 'CB, CC, VC',
        type: 'select',
        required: true,
        options: { values: OFFICIAL_STATUS },
        reports: ['d'],
      },
      { name: 'full_time', label: 'Chuyên trách', type: 'bool', reports: ['d'] },
      { name: 'elected_on', label: 'Ngày bầu', type: 'date', reports: ['d'] },
      { name: 'left_on', label: 'Ngày thôi', type: 'date', hint: 'Để trống nếu đang giữ chức vụ.', reports: ['d'] },
      { name: 'left_reason', label: 'Lý do thôi', type: 'text', max: 300 },
      { name: 'phone', label: 'Điện thoại', type: 'phone', max: 40, personal: true },
      { name: 'email', label: 'Thư điện tử', type: 'email', max: 200, personal: true },
    ],
  },
  {
    name: 'congresses',
    table: 'congresses',
    title: 'Đại hội',
    itemLabel: 'đại hội',
    blankRows: 1,
    maxRows: 100,
    orderBy: ['held_on'],
    fields: [
      { name: 'term_number', label: 'Nhiệm kỳ (khóa)', type: 'int', required: true, min: 1, max: 100, reports: ['a', 'e'] },
      {
        name: 'congress_type',
        label: 'Loại đại hội',
        type: 'select',
        required: true,
        options: { values: CONGRESS_TYPES },
        reports: ['a', 'e'],
      },
      { name: 'held_on', label: 'Ngày kết thúc đại hội', type: 'date', required: true, reports: ['a', 'e'] },
      {
        name: 'term_years',
        label: 'Thời hạn nhiệm kỳ (năm)',
        type: 'int',
        required: true,
        min: 1,
        max: 5,
        hint: 'Theo điều lệ, không quá 5 năm.',
        reports: ['e'],
      },
      { name: 'assembly_form', label: 'Hình thức', type: 'select', options: { values: ASSEMBLY_FORMS }, reports: ['e'] },
      { name: 'meeting_mode', label: 'Cách thức tổ chức', type: 'select', options: { values: MEETING_MODES }, reports: ['e'] },
      { name: 'delegates', label: 'Số đại biểu', type: 'int', min: 0, max: 1_000_000, reports: ['e'] },
      { name: 'pre_report_filed_on', label: 'Ngày nộp báo cáo trước đại hội', type: 'date', reports: ['e'] },
      { name: 'authority_opinion_number', label: 'Văn bản ý kiến của cơ quan có thẩm quyền: số', type: 'text', max: 60, reports: ['e'] },
      { name: 'authority_opinion_date', label: 'Văn bản ý kiến: ngày', type: 'date', reports: ['e'] },
      { name: 'post_report_filed_on', label: 'Ngày nộp báo cáo sau đại hội', type: 'date', reports: ['e'] },
    ],
  },
  {
    name: 'extensions',
    table: 'congress_extensions',
    title: 'Gia hạn tổ chức đại hội',
    itemLabel: 'gia hạn',
    blankRows: 1,
    maxRows: 50,
    orderBy: ['decided_on'],
    fields: [
      { name: 'decision_number', label: 'Văn bản gia hạn: số', type: 'text', required: true, max: 60, reports: ['e'] },
      { name: 'decided_on', label: 'Ngày văn bản', type: 'date', required: true, reports: ['e'] },
      { name: 'new_deadline', label: 'Hạn mới tổ chức đại hội', type: 'date', required: true, reports: ['e'] },
    ],
  },
  {
    name: 'staff_quotas',
    table: 'staff_quotas',
    title: 'Biên chế được giao',
    itemLabel: 'năm biên chế',
    blankRows: 1,
    maxRows: 100,
    orderBy: ['year'],
    fields: [
      { name: 'year', label: 'Năm', type: 'year', required: true, min: 1945, max: 2100, reports: ['h'] },
      {
        name: 'quota',
        label: 'Biên chế được giao',
        heading: 'Được giao',
        type: 'int',
        required: true,
        min: 0,
        max: 100_000,
        reports: ['h'],
      },
      { name: 'deciding_document', label: 'Văn bản giao biên chế', heading: 'Văn bản', type: 'text', max: 200, reports: ['h'] },
      { name: 'in_use', label: 'Biên chế đang sử dụng', heading: 'Đang sử dụng', type: 'int', min: 0, max: 100_000, reports: ['h'] },
      {
        name: 'on_quota',
        label: 'Người làm việc: trong biên chế',
        heading: 'Trong biên chế',
        type: 'int',
        min: 0,
        max: 100_000,
        reports: ['h'],
      },
      { name: 'on_contract', label: 'Người làm việc: hợp đồng', heading: 'Hợp đồng', type: 'int', min: 0, max: 100_000, reports: ['h'] },
      {
        name: 'elected_retirees',
        label: 'Người làm việc: nghỉ hưu được bầu',
        heading: 'Nghỉ hưu được bầu',
        type: 'int',
        min: 0,
        max: 100_000,
        reports: ['h'],
      },
    ],
  },
  {
    name: 'funds',
    table: 'funds',
    title: 'Kinh phí hoạt động',
    itemLabel: 'khoản kinh phí',
    blankRows: 2,
    maxRows: 600,
    orderBy: ['year', 'source'],
    fields: [
      { name: 'year', label: 'Năm', type: 'year', required: true, min: 1945, max: 2100, reports: ['i'] },
      { name: 'source', label: 'Nguồn', type: 'select', required: true, options: { values: FUND_SOURCES }, reports: ['i'] },
      { name: 'amount_vnd', label: 'Số tiền (đồng)', type: 'money', required: true, min: 0, max: 1e15, reports: ['i'] },
    ],
  },
];

/** The sections with fields of their own. */
export const GROUPS: readonly GroupDef[] = SECTIONS.filter((section) => section.fields.length > 0);

export const ALL_FIELDS: readonly FieldDef[] = GROUPS.flatMap((g) => g.fields);
/** Columns of the associations table that the form writes (a multiselect lives in its own table). */
export const RECORD_COLUMNS: readonly string[] = ALL_FIELDS.filter((f) => !f.table).map((f) => f.name);

export function fixedOptionLabel(source: OptionSource | undefined, code: string | null | undefined): string | null {
  if (!source || !('values' in source) || code === null || code === undefined) return null;
  return source.values.find(([c]) => c === code)?.[1] ?? code;
}
