/**
 * The catalogues of FORM-1.md: each is a table with a stable code, a Vietnamese name, an order and
 * validity dates; expired entries may name a successor (provinces after 01/07/2025, ministries after
 * 01/03/2025). Only NGO Department staff edit them. One definition here drives the migration, the seeds,
 * the editing pages and the form options.
 */
export const CATALOGUE_TABLES = [
  'provinces',
  'ministries',
  'fields',
  'natures',
  'association_kinds',
  'leader_positions',
  'hq_origins',
  'document_types',
  'statuses',
] as const;
export type CatalogueTable = (typeof CATALOGUE_TABLES)[number];

export interface CatalogueKind {
  /** URL segment and key. */
  slug: string;
  table: CatalogueTable;
  label: string;
  /** Singular noun for messages. */
  itemLabel: string;
  hint: string;
  /** Whether entries can point to a successor in the same catalogue. */
  successor: boolean;
  /** Label of the successor field and column (when `successor`). */
  successorLabel?: string;
  /** Codes the application's rules depend on: their names can be edited, the entries cannot be retired. */
  fixedCodes?: boolean;
  /** Extra column: a field's default managing ministry. */
  defaultMinistry?: boolean;
}

export const CATALOGUE_KINDS: readonly CatalogueKind[] = [
  {
    slug: 'tinh',
    table: 'provinces',
    label: 'Tỉnh, thành phố',
    itemLabel: 'tỉnh, thành phố',
    hint: '34 đơn vị hành chính cấp tỉnh từ 01/07/2025 và 63 tỉnh, thành phố trước đó (đã hết hiệu lực, liên kết tới đơn vị kế thừa).',
    successor: true,
    successorLabel: 'Đơn vị kế thừa',
  },
  {
    slug: 'bo-nganh',
    table: 'ministries',
    label: 'Bộ, ngành quản lý',
    itemLabel: 'bộ, ngành',
    hint: 'Các bộ, cơ quan ngang bộ từ 01/03/2025 và các bộ trước đó (liên kết tới cơ quan kế thừa).',
    successor: true,
    successorLabel: 'Cơ quan kế thừa',
  },
  {
    slug: 'linh-vuc',
    table: 'fields',
    label: 'Lĩnh vực hoạt động',
    itemLabel: 'lĩnh vực',
    hint: 'Mỗi lĩnh vực có bộ, ngành quản lý mặc định.',
    successor: true,
    successorLabel: 'Lĩnh vực thay thế',
    defaultMinistry: true,
  },
  {
    slug: 'tinh-chat',
    table: 'natures',
    label: 'Tính chất của hội',
    itemLabel: 'tính chất',
    hint: 'Phân loại theo tính chất, dùng cho báo cáo (l).',
    successor: true,
    successorLabel: 'Tính chất thay thế',
  },
  {
    slug: 'loai-hinh',
    table: 'association_kinds',
    label: 'Loại hình tổ chức',
    itemLabel: 'loại hình',
    hint: 'Hội, liên hiệp hội, tổng hội, liên đoàn, hiệp hội …',
    successor: false,
  },
  {
    slug: 'chuc-vu',
    table: 'leader_positions',
    label: 'Chức vụ trong hội',
    itemLabel: 'chức vụ',
    hint: 'Chức vụ của người lãnh đạo hội; "Chủ tịch" dùng cho báo cáo (đ).',
    successor: false,
  },
  {
    slug: 'nguon-goc-tru-so',
    table: 'hq_origins',
    label: 'Nguồn gốc trụ sở',
    itemLabel: 'nguồn gốc trụ sở',
    hint: 'Dùng cho báo cáo (k).',
    successor: false,
  },
  {
    slug: 'loai-van-ban',
    table: 'document_types',
    label: 'Loại văn bản, tài liệu',
    itemLabel: 'loại văn bản',
    hint: 'Phân loại quyết định và tài liệu đính kèm của hồ sơ hội.',
    successor: false,
  },
  {
    slug: 'trang-thai',
    table: 'statuses',
    label: 'Trạng thái của hội',
    itemLabel: 'trạng thái',
    hint: 'Các trạng thái pháp lý; mã do hệ thống dùng nên chỉ sửa được tên gọi.',
    successor: false,
    fixedCodes: true,
  },
];

export function catalogueBySlug(slug: string): CatalogueKind | undefined {
  return CATALOGUE_KINDS.find((k) => k.slug === slug);
}

export function catalogueByTable(table: string): CatalogueKind | undefined {
  return CATALOGUE_KINDS.find((k) => k.table === table);
}
