/**
 * Demo associations (SPEC §6, FORM-1.md "Realistic demo data"): the real associations tasked by the Party and
 * State at central level (public names only), then generated ones up to `count`, each created through the
 * associations service so every record has version 1, provenance and an audit row. Every person is generated:
 * names are composed from common family, middle and given names; contacts are obviously fake.
 *
 * Deterministic (a seeded PRNG; dates relative to the clock's today) and idempotent: it does nothing when any
 * association exists already.
 */
import type { Knex } from 'knex';
import type { AssociationsService } from '../../src/features/associations/associations.service.js';
import { vietnamToday } from '../../src/features/associations/congress-term.js';
import type { AssociationInput, ListRow, ScalarValue } from '../../src/features/register-form/schema.js';
import type { Actor } from '../../src/lib/auth-context.js';
import type { Clock } from '../../src/lib/clock.js';
import { Rng } from '../generated/rng.js';
import { PROVINCES } from '../reference/catalogues.js';

export interface DemoAssociationsDeps {
  associations: Pick<AssociationsService, 'create' | 'setPublished'>;
  clock: Clock;
}

export interface DemoAssociationsOptions {
  count?: number;
  seed?: number;
}

export const DEMO_REASON = 'Dữ liệu mẫu';
export const DEMO_HOI_DEMO_ASSOCIATION = 'Hội Người cao tuổi Việt Nam';

// ---------------------------------------------------------------------------------------------------------------
// Dates (the deterministic randomness is seeds/generated/rng.ts, shared with the data generator)

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

const yearOf = (iso: string) => Number(iso.slice(0, 4));
const vnDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const minDate = (a: string, b: string) => (a < b ? a : b);

/** A working day (Monday–Friday) on or before `iso`. */
function workday(iso: string): string {
  const day = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return day === 0 ? addDays(iso, -2) : day === 6 ? addDays(iso, -1) : iso;
}

// ---------------------------------------------------------------------------------------------------------------
// Generated people: common Vietnamese family, middle and given names (no real person's data)

const FAMILY: ReadonlyArray<readonly [string, number]> = [
  ['Nguyễn', 31],
  ['Trần', 11],
  ['Lê', 9],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Phan', 4],
  ['Vũ', 4],
  ['Võ', 3],
  ['Huỳnh', 3],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 2],
  ['Hồ', 1.5],
  ['Ngô', 1.5],
  ['Dương', 1],
  ['Đinh', 1],
  ['Trịnh', 1],
  ['Đào', 1],
  ['Mai', 0.7],
  ['Lương', 0.7],
  ['Hà', 0.7],
  ['Cao', 0.6],
  ['Lâm', 0.5],
  ['Tạ', 0.4],
  ['Kiều', 0.3],
  ['Lý', 0.5],
];
const MIDDLE_MALE = [
  'Văn',
  'Văn',
  'Văn',
  'Hữu',
  'Đức',
  'Minh',
  'Quang',
  'Công',
  'Xuân',
  'Thanh',
  'Ngọc',
  'Mạnh',
  'Tiến',
  'Đình',
  'Duy',
  'Trọng',
];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thu', 'Thanh', 'Ngọc', 'Hồng', 'Minh', 'Kim', 'Phương', 'Bích', 'Thúy'];
const GIVEN_MALE = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hùng',
  'Hưng',
  'Khánh',
  'Long',
  'Minh',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
  'Tâm',
  'Thắng',
  'Thành',
  'Trung',
  'Tuấn',
  'Việt',
  'Vinh',
  'Hiếu',
  'Hoàng',
  'Lâm',
  'Toàn',
  'Thịnh',
  'Kiên',
  'Lợi',
  'Phúc',
  'Quý',
  'Tùng',
];
const GIVEN_FEMALE = [
  'Anh',
  'Chi',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hoa',
  'Hương',
  'Lan',
  'Liên',
  'Linh',
  'Mai',
  'Nga',
  'Ngọc',
  'Nhung',
  'Oanh',
  'Phương',
  'Quyên',
  'Thảo',
  'Thủy',
  'Trang',
  'Tuyết',
  'Vân',
  'Yến',
];

function ascii(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function personName(rng: Rng, gender: 'nam' | 'nu'): string {
  const family = rng.weighted(FAMILY);
  if (gender === 'nu') return `${family} ${rng.pick(MIDDLE_FEMALE)} ${rng.pick(GIVEN_FEMALE)}`;
  // Some men carry two middle names (Nguyễn Văn Minh Tuấn is rare; Trần Quốc Bảo is common: one middle name).
  return `${family} ${rng.pick(MIDDLE_MALE)} ${rng.pick(GIVEN_MALE)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Places

interface Province {
  code: string;
  /** How a name says it: "tỉnh Nghệ An", "thành phố Hà Nội". */
  inName: string;
}

const CURRENT_PROVINCES: Province[] = PROVINCES.map((p) => ({
  code: p.code,
  inName: p.name.replace(/^Tỉnh /, 'tỉnh ').replace(/^Thành phố /, 'thành phố '),
}));
const province = (code: string): Province => CURRENT_PROVINCES.find((p) => p.code === code) as Province;

/** Former provinces some records are still filed under (the successor logic must find them). */
const FORMER: Province[] = [
  { code: 'cu-27', inName: 'tỉnh Bắc Ninh' },
  { code: 'cu-24', inName: 'tỉnh Bắc Giang' },
  { code: 'cu-30', inName: 'tỉnh Hải Dương' },
  { code: 'cu-26', inName: 'tỉnh Vĩnh Phúc' },
  { code: 'cu-36', inName: 'tỉnh Nam Định' },
  { code: 'cu-49', inName: 'tỉnh Quảng Nam' },
  { code: 'cu-74', inName: 'tỉnh Bình Dương' },
  { code: 'cu-91', inName: 'tỉnh Kiên Giang' },
  { code: 'cu-82', inName: 'tỉnh Tiền Giang' },
];

/** Districts of the old map, for the handful of records with the retired "huyện" scope. */
const OLD_DISTRICTS: ReadonlyArray<readonly [string, string]> = [
  ['huyện Đông Anh', '01'],
  ['huyện Gia Lâm', '01'],
  ['huyện Nghi Lộc', '40'],
  ['huyện Hoằng Hóa', '38'],
  ['huyện Chợ Gạo', 'cu-82'],
  ['huyện Thủy Nguyên', '31'],
  ['huyện Quỳnh Lưu', '40'],
  ['huyện Tiên Du', 'cu-27'],
  ['huyện Krông Pắc', '66'],
  ['huyện Cái Nước', '96'],
];

const REGIONS: ReadonlyArray<readonly [string, string[]]> = [
  ['Đồng bằng sông Cửu Long', ['92', '91', '86']],
  ['miền Trung', ['48', '46']],
  ['Tây Nguyên', ['66', '52', '68']],
  ['các tỉnh miền núi phía Bắc', ['19', '15', '25']],
  ['vùng Đông Nam Bộ', ['79', '75']],
  ['Bắc Trung Bộ', ['40', '38', '42']],
  ['Duyên hải Nam Trung Bộ', ['56', '51']],
  ['Đồng bằng sông Hồng', ['01', '31', '33']],
];

const COMMUNES = [
  'phường Quang Trung',
  'phường Hồng Hà',
  'phường Hòa Bình',
  'xã Tân Phong',
  'xã Đông Sơn',
  'xã An Phú',
  'phường Lê Lợi',
  'xã Yên Hòa',
  'phường Thành Công',
  'xã Phú Lâm',
  'xã Tân Hiệp',
  'phường Trần Hưng Đạo',
];

const STREETS = [
  'Nguyễn Du',
  'Trần Hưng Đạo',
  'Lê Duẩn',
  'Hai Bà Trưng',
  'Lý Thường Kiệt',
  'Phan Chu Trinh',
  'Quang Trung',
  'Lê Lợi',
  'Nguyễn Trãi',
  'Hoàng Diệu',
  'Điện Biên Phủ',
  'Nguyễn Thái Học',
  'Bà Triệu',
  'Trần Phú',
  'Lê Hồng Phong',
  'Nguyễn Chí Thanh',
  'Võ Thị Sáu',
  'Hùng Vương',
  'Lê Thánh Tông',
];

const WARDS: Record<string, string[]> = {
  '01': [
    'Phường Ba Đình',
    'Phường Hoàn Kiếm',
    'Phường Cửa Nam',
    'Phường Đống Đa',
    'Phường Cầu Giấy',
    'Phường Hai Bà Trưng',
    'Phường Tây Hồ',
  ],
  '79': ['Phường Sài Gòn', 'Phường Bến Thành', 'Phường Tân Định', 'Phường Xuân Hòa', 'Phường Bình Thạnh'],
  '48': ['Phường Hải Châu', 'Phường Thanh Khê', 'Phường Sơn Trà'],
};
const GENERIC_WARDS = [
  'Phường Quang Trung',
  'Phường Lê Lợi',
  'Phường Hồng Bàng',
  'Phường Thành Công',
  'Phường Hòa Bình',
  'Phường Trần Phú',
];

function hqAddress(rng: Rng, provinceCode: string): { hq_address: string; hq_ward: string } {
  const street = rng.pick(STREETS);
  const house = rng.chance(0.2) ? `Tầng ${rng.int(2, 12)}, số ${rng.int(1, 199)}` : `Số ${rng.int(1, 299)}`;
  return { hq_address: `${house} ${street}`, hq_ward: rng.pick(WARDS[provinceCode] ?? GENERIC_WARDS) };
}

// ---------------------------------------------------------------------------------------------------------------
// What associations are about

type Kind = 'hoi' | 'hiep_hoi' | 'lien_doan' | 'cau_lac_bo' | 'lien_hiep_hoi' | 'tong_hoi' | 'lien_minh';

const KIND_WORD: Record<Kind, string> = {
  hoi: 'Hội',
  hiep_hoi: 'Hiệp hội',
  lien_doan: 'Liên đoàn',
  cau_lac_bo: 'Câu lạc bộ',
  lien_hiep_hoi: 'Liên hiệp các Hội',
  tong_hoi: 'Tổng hội',
  lien_minh: 'Liên minh',
};

interface Subject {
  /** The words after the kind word: "Tin học", "Chè". */
  s: string;
  field: string;
  nature: string;
  kind: Kind;
  /** Provincial chapters of the centrally tasked associations are tasked by the province. */
  tasked?: boolean;
  /** Only at these scopes (default: any). */
  scopes?: readonly string[];
  members?: 'org' | 'person';
}

const S = (
  field: string,
  nature: string,
  kind: Kind,
  names: string[],
  extra: Partial<Pick<Subject, 'tasked' | 'scopes' | 'members'>> = {},
): Subject[] => names.map((s) => ({ s, field, nature, kind, ...extra }));

const NATIONAL_ONLY = ['toan_quoc'];
/** Provincial (and, before 07/2025, district) chapters of the centrally tasked associations. */
const LOCAL = ['tinh', 'huyen'];

const SUBJECTS: Subject[] = [
  ...S('KHCN', 'KHKT', 'hoi', [
    'Tin học',
    'Vật lý',
    'Toán học',
    'Cơ học',
    'Hóa học',
    'Khoa học Đất',
    'Vô tuyến - Điện tử',
    'Tự động hóa',
    'Sinh học',
    'Năng lượng sạch',
    'Khoa học Kỹ thuật Biển',
    'Trắc địa - Bản đồ - Viễn thám',
    'Địa chất',
    'Năng lượng nguyên tử',
    'Sở hữu trí tuệ',
  ]),
  ...S('KHCN', 'DNNH', 'hiep_hoi', ['An toàn thông tin', 'Phần mềm và Dịch vụ công nghệ thông tin', 'Doanh nghiệp khoa học và công nghệ'], {
    members: 'org',
  }),
  ...S('TTBC', 'XHNN', 'hoi', ['Xuất bản', 'Truyền thông số']),
  ...S('TTBC', 'CTXHNN', 'hoi', ['Nhà báo'], { tasked: true, scopes: ['tinh'] }),
  ...S('TTBC', 'DNNH', 'hiep_hoi', ['Phát hành sách', 'In', 'Quảng cáo'], { members: 'org' }),
  ...S('VHNT', 'VHNT', 'hoi', [
    'Nhạc sĩ',
    'Mỹ thuật',
    'Nghệ sĩ sân khấu',
    'Điện ảnh',
    'Nghệ sĩ nhiếp ảnh',
    'Văn nghệ dân gian',
    'Nghệ sĩ múa',
  ]),
  ...S('VHNT', 'VHNT', 'lien_hiep_hoi', ['Văn học nghệ thuật'], { tasked: true, scopes: ['tinh'] }),
  ...S('VHNT', 'STTT', 'hoi', ['Sinh vật cảnh', 'Di sản văn hóa', 'Thể dục dưỡng sinh', 'Cờ tướng', 'Chơi lan', 'Thư pháp']),
  ...S(
    'VHNT',
    'STTT',
    'lien_doan',
    ['Quần vợt', 'Võ thuật cổ truyền', 'Bóng bàn', 'Cầu lông', 'Bóng rổ', 'Cờ vua', 'Xe đạp - Mô tô thể thao'],
    {
      scopes: ['toan_quoc', 'tinh'],
    },
  ),
  ...S('VHNT', 'DNNH', 'hiep_hoi', ['Du lịch', 'Lữ hành'], { members: 'org' }),
  ...S('VHNT', 'STTT', 'cau_lac_bo', ['Thơ Đường luật']),
  ...S('VHNT', 'STTT', 'cau_lac_bo', ['Dưỡng sinh', 'Văn nghệ sĩ hưu trí', 'Nhiếp ảnh trẻ'], { scopes: ['tinh', 'xa'] }),
  ...S('GDDT', 'XHNDTT', 'hoi', ['Khuyến học'], { tasked: true, scopes: LOCAL }),
  ...S('GDDT', 'XHNN', 'hoi', ['Cựu giáo chức', 'Tâm lý - Giáo dục', 'Ngôn ngữ học', 'Giáo dục chăm sóc sức khỏe cộng đồng']),
  ...S('GDDT', 'XHNN', 'hiep_hoi', ['Các trường đại học, cao đẳng ngoài công lập', 'Giáo dục nghề nghiệp'], {
    members: 'org',
    scopes: NATIONAL_ONLY,
  }),
  ...S('YTE', 'KHKT', 'hoi', [
    'Điều dưỡng',
    'Dược học',
    'Y tế công cộng',
    'Tim mạch học',
    'Nhi khoa',
    'Răng Hàm Mặt',
    'Châm cứu',
    'Dược liệu',
    'Ung thư',
    'Nội tiết - Đái tháo đường',
    'Phục hồi chức năng',
  ]),
  ...S('YTE', 'XHNN', 'hoi', ['Đông y'], { tasked: true, scopes: LOCAL }),
  ...S('YTE', 'DNNH', 'hiep_hoi', ['Bệnh viện tư nhân', 'Doanh nghiệp dược'], { members: 'org', scopes: NATIONAL_ONLY }),
  ...S(
    'NNMT',
    'DNNH',
    'hiep_hoi',
    [
      'Chè',
      'Cà phê - Ca cao',
      'Hồ tiêu',
      'Điều',
      'Chế biến và Xuất khẩu thủy sản',
      'Cao su',
      'Mía đường',
      'Rau quả',
      'Lương thực',
      'Trang trại và Doanh nghiệp nông nghiệp',
      'Gỗ và Lâm sản',
    ],
    { members: 'org' },
  ),
  ...S('NNMT', 'XHNN', 'hoi', [
    'Nuôi ong',
    'Làm vườn',
    'Thủy lợi',
    'Bảo vệ thiên nhiên và Môi trường',
    'Chăn nuôi',
    'Giống cây trồng',
    'Nghề cá',
    'Khoa học Thủy lợi',
    'Nông nghiệp hữu cơ',
  ]),
  ...S(
    'CTNH',
    'DNNH',
    'hiep_hoi',
    [
      'Dệt may',
      'Da - Giày - Túi xách',
      'Thép',
      'Nhựa',
      'Bán lẻ',
      'Doanh nghiệp cơ khí',
      'Xăng dầu',
      'Chế biến thực phẩm',
      'Làng nghề',
      'Mỹ nghệ và Chế biến gỗ',
      'Bao bì',
      'Hàng tiêu dùng',
      'Doanh nghiệp điện tử',
      'Thương mại điện tử',
    ],
    { members: 'org' },
  ),
  ...S(
    'TCDN',
    'DNNH',
    'hiep_hoi',
    ['Doanh nghiệp nhỏ và vừa', 'Bảo hiểm', 'Kinh doanh bất động sản', 'Doanh nghiệp có vốn đầu tư nước ngoài', 'Doanh nghiệp'],
    { members: 'org' },
  ),
  ...S('TCDN', 'DNNH', 'hiep_hoi', ['Các nhà đầu tư tài chính'], { members: 'org', scopes: NATIONAL_ONLY }),
  ...S('TCDN', 'XHNN', 'hoi', ['Kế toán và Kiểm toán', 'Tư vấn thuế', 'Thẩm định giá', 'Doanh nhân trẻ', 'Nữ doanh nhân']),
  ...S('TCDN', 'DNNH', 'cau_lac_bo', ['Doanh nhân', 'Doanh nghiệp xuất khẩu'], { scopes: ['tinh'] }),
  ...S('XDGT', 'XHNN', 'hoi', ['Kiến trúc sư', 'Cầu đường', 'Quy hoạch phát triển đô thị', 'Bê tông', 'Địa kỹ thuật']),
  ...S(
    'XDGT',
    'DNNH',
    'hiep_hoi',
    [
      'Vận tải ô tô',
      'Cảng biển',
      'Đại lý, Môi giới và Dịch vụ hàng hải',
      'Vật liệu xây dựng',
      'Xi măng',
      'Nhà thầu xây dựng',
      'Chủ tàu',
      'Doanh nghiệp dịch vụ Logistics',
    ],
    { members: 'org' },
  ),
  ...S('TPL', 'CTXHNN', 'hoi', ['Luật gia'], { tasked: true, scopes: ['tinh'] }),
  ...S('TPL', 'XHNN', 'hoi', ['Công chứng viên', 'Trọng tài thương mại', 'Hòa giải viên', 'Đấu giá viên', 'Quản tài viên']),
  ...S('LDTN', 'DHC', 'hoi', ['Cựu Thanh niên xung phong'], { tasked: true, scopes: LOCAL }),
  ...S('LDTN', 'XHNDTT', 'hoi', ['Hỗ trợ gia đình liệt sĩ', 'Thanh niên khởi nghiệp']),
  ...S('LDTN', 'DNNH', 'hiep_hoi', ['Xuất khẩu lao động'], { members: 'org', scopes: NATIONAL_ONLY }),
  ...S('XHND', 'XHNDTT', 'hoi', ['Người cao tuổi', 'Chữ thập đỏ', 'Người mù', 'Nạn nhân chất độc da cam/dioxin'], {
    tasked: true,
    scopes: LOCAL,
  }),
  ...S('XHND', 'XHNDTT', 'hoi', ['Bảo trợ người khuyết tật và trẻ mồ côi'], { scopes: ['tinh'] }),
  ...S('XHND', 'XHNDTT', 'hoi', [
    'Bảo vệ quyền trẻ em',
    'Người khuyết tật',
    'Kế hoạch hóa gia đình',
    'Bảo trợ bệnh nhân nghèo',
    'Người điếc',
    'Từ thiện và Bảo vệ quyền trẻ em',
  ]),
  ...S('DTTG', 'KHAC', 'hoi', ['Dân tộc học và Nhân học', 'Nghiên cứu văn hóa các dân tộc']),
  ...S(
    'DNHN',
    'HN',
    'hoi',
    [
      'Hữu nghị Việt Nam - Lào',
      'Hữu nghị Việt Nam - Nhật Bản',
      'Hữu nghị Việt Nam - Pháp',
      'Hữu nghị Việt Nam - Liên bang Nga',
      'Hữu nghị Việt Nam - Cuba',
      'Hữu nghị Việt Nam - Hàn Quốc',
      'Hữu nghị Việt Nam - Campuchia',
      'Hữu nghị Việt Nam - Ấn Độ',
      'Hữu nghị Việt Nam - Đức',
      'Hữu nghị Việt Nam - Ba Lan',
    ],
    { scopes: ['toan_quoc', 'tinh'] },
  ),
  ...S('DNHN', 'HN', 'lien_hiep_hoi', ['Liên hiệp các tổ chức hữu nghị'], { tasked: true, scopes: ['tinh'] }),
  ...S('CQNCA', 'DHC', 'hoi', [
    'Cựu Công an nhân dân',
    'Cựu tù chính trị và tù binh',
    'Truyền thống Trường Sơn - Đường Hồ Chí Minh',
    'Cựu chiến sĩ Quân tình nguyện',
  ]),
  ...S('KHCN', 'KHKT', 'lien_hiep_hoi', ['Khoa học và Kỹ thuật'], { tasked: true, scopes: ['tinh'] }),
  ...S('NH', 'DNNH', 'hiep_hoi', ['Quỹ tín dụng nhân dân', 'Ngân hàng'], { members: 'org', scopes: NATIONAL_ONLY }),
  ...S('NH', 'XHNN', 'hoi', ['Tài chính vi mô', 'Khoa học Ngân hàng']),
];

/** Subjects that make sense for a commune (or old district) association, besides the tasked local chapters. */
const GRASSROOTS = new Set([
  'Nuôi ong',
  'Làm vườn',
  'Sinh vật cảnh',
  'Cựu giáo chức',
  'Thể dục dưỡng sinh',
  'Chơi lan',
  'Dưỡng sinh',
  'Thơ Đường luật',
  'Chăn nuôi',
  'Nông nghiệp hữu cơ',
  'Hỗ trợ gia đình liệt sĩ',
  'Văn nghệ sĩ hưu trí',
  'Cờ tướng',
  'Bảo trợ bệnh nhân nghèo',
  'Người khuyết tật',
  'Làng nghề',
]);

function fits(subject: Subject, scope: string): boolean {
  if (subject.scopes) return subject.scopes.includes(scope);
  if (scope === 'xa' || scope === 'huyen') return GRASSROOTS.has(subject.s);
  return true;
}

/** "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh X" / "Liên hiệp các tổ chức hữu nghị tỉnh X". */
function nameOf(subject: Subject, place: string): string {
  if (subject.s === 'Liên hiệp các tổ chức hữu nghị') return `${subject.s} ${place}`;
  // "Hội Hữu nghị Việt Nam - Lào", not "… - Lào Việt Nam".
  if (place === 'Việt Nam' && subject.s.includes('Việt Nam')) return `${KIND_WORD[subject.kind]} ${subject.s}`;
  return `${KIND_WORD[subject.kind]} ${subject.s} ${place}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The real associations tasked by the Party and State at central level (public names; FORM-1.md)

interface RealAssociation {
  name: string;
  abbreviation: string;
  foreign_name: string;
  kind: Kind;
  field: string;
  ministry: string;
  nature: string;
  founded: number;
  /** The term of the congress held last. */
  lastTerm: number;
  members: number;
  memberAssociations?: number;
  quota: number;
  hq?: string;
}

const REAL: RealAssociation[] = [
  {
    name: 'Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam',
    abbreviation: 'VUSTA',
    foreign_name: 'Vietnam Union of Science and Technology Associations',
    kind: 'lien_hiep_hoi',
    field: 'KHCN',
    ministry: 'BKHCN',
    nature: 'KHKT',
    founded: 1983,
    lastTerm: 8,
    members: 2_200_000,
    memberAssociations: 150,
    quota: 95,
  },
  {
    name: 'Liên hiệp các Hội Văn học nghệ thuật Việt Nam',
    abbreviation: 'VUALA',
    foreign_name: 'Vietnam Union of Literature and Arts Associations',
    kind: 'lien_hiep_hoi',
    field: 'VHNT',
    ministry: 'BVHTTDL',
    nature: 'VHNT',
    founded: 1948,
    lastTerm: 10,
    members: 45_000,
    memberAssociations: 73,
    quota: 60,
  },
  {
    name: 'Liên hiệp các tổ chức hữu nghị Việt Nam',
    abbreviation: 'VUFO',
    foreign_name: 'Vietnam Union of Friendship Organizations',
    kind: 'lien_hiep_hoi',
    field: 'DNHN',
    ministry: 'BNG',
    nature: 'HN',
    founded: 1950,
    lastTerm: 6,
    members: 120,
    memberAssociations: 118,
    quota: 110,
  },
  {
    name: 'Liên đoàn Thương mại và Công nghiệp Việt Nam',
    abbreviation: 'VCCI',
    foreign_name: 'Vietnam Chamber of Commerce and Industry',
    kind: 'lien_doan',
    field: 'CTNH',
    ministry: 'BCT',
    nature: 'DNNH',
    founded: 1963,
    lastTerm: 7,
    members: 12_000,
    quota: 120,
  },
  {
    name: 'Liên minh Hợp tác xã Việt Nam',
    abbreviation: 'VCA',
    foreign_name: 'Vietnam Cooperative Alliance',
    kind: 'lien_minh',
    field: 'TCDN',
    ministry: 'BTC',
    nature: 'DNNH',
    founded: 1993,
    lastTerm: 6,
    members: 30_000,
    memberAssociations: 63,
    quota: 100,
  },
  {
    name: 'Hội Chữ thập đỏ Việt Nam',
    abbreviation: 'VNRC',
    foreign_name: 'Vietnam Red Cross Society',
    kind: 'hoi',
    field: 'XHND',
    ministry: 'BYT',
    nature: 'XHNDTT',
    founded: 1946,
    lastTerm: 11,
    members: 6_000_000,
    quota: 80,
  },
  {
    name: 'Hội Nhà báo Việt Nam',
    abbreviation: 'VJA',
    foreign_name: 'Vietnam Journalists Association',
    kind: 'hoi',
    field: 'TTBC',
    ministry: 'BVHTTDL',
    nature: 'CTXHNN',
    founded: 1950,
    lastTerm: 11,
    members: 25_000,
    quota: 70,
  },
  {
    name: 'Hội Nhà văn Việt Nam',
    abbreviation: 'VWA',
    foreign_name: "Vietnam Writers' Association",
    kind: 'hoi',
    field: 'VHNT',
    ministry: 'BVHTTDL',
    nature: 'VHNT',
    founded: 1957,
    lastTerm: 10,
    members: 1_100,
    quota: 35,
  },
  {
    name: 'Hội Luật gia Việt Nam',
    abbreviation: 'VLA',
    foreign_name: 'Vietnam Lawyers Association',
    kind: 'hoi',
    field: 'TPL',
    ministry: 'BTP',
    nature: 'CTXHNN',
    founded: 1955,
    lastTerm: 13,
    members: 80_000,
    quota: 45,
  },
  {
    name: 'Liên đoàn Luật sư Việt Nam',
    abbreviation: 'VBF',
    foreign_name: 'Vietnam Bar Federation',
    kind: 'lien_doan',
    field: 'TPL',
    ministry: 'BTP',
    nature: 'XHNN',
    founded: 2009,
    lastTerm: 3,
    members: 18_000,
    memberAssociations: 63,
    quota: 20,
  },
  {
    name: 'Hội Người cao tuổi Việt Nam',
    abbreviation: 'VAE',
    foreign_name: 'Vietnam Association of the Elderly',
    kind: 'hoi',
    field: 'XHND',
    ministry: 'BYT',
    nature: 'XHNDTT',
    founded: 1995,
    lastTerm: 6,
    members: 9_500_000,
    quota: 30,
  },
  {
    name: 'Hội Cựu Công an nhân dân Việt Nam',
    abbreviation: 'HCCAND',
    foreign_name: 'Vietnam Association of Former Public Security Officers',
    kind: 'hoi',
    field: 'CQNCA',
    ministry: 'BCA',
    nature: 'DHC',
    founded: 2013,
    lastTerm: 3,
    members: 320_000,
    quota: 15,
  },
  {
    name: 'Hội Cựu Thanh niên xung phong Việt Nam',
    abbreviation: 'HCTNXP',
    foreign_name: 'Vietnam Association of Former Youth Volunteers',
    kind: 'hoi',
    field: 'LDTN',
    ministry: 'BNV',
    nature: 'DHC',
    founded: 2004,
    lastTerm: 4,
    members: 450_000,
    quota: 20,
  },
  {
    name: 'Hội Khuyến học Việt Nam',
    abbreviation: 'VALP',
    foreign_name: 'Vietnam Association for Learning Promotion',
    kind: 'hoi',
    field: 'GDDT',
    ministry: 'BGDDT',
    nature: 'XHNDTT',
    founded: 1996,
    lastTerm: 6,
    members: 20_000_000,
    quota: 25,
  },
  {
    name: 'Hội Người mù Việt Nam',
    abbreviation: 'VBA',
    foreign_name: 'Vietnam Blind Association',
    kind: 'hoi',
    field: 'XHND',
    ministry: 'BYT',
    nature: 'XHNDTT',
    founded: 1969,
    lastTerm: 9,
    members: 65_000,
    quota: 15,
  },
  {
    name: 'Hội Bảo trợ người khuyết tật Việt Nam',
    abbreviation: 'VAPDO',
    foreign_name: 'Vietnam Association for the Protection of People with Disabilities',
    kind: 'hoi',
    field: 'XHND',
    ministry: 'BYT',
    nature: 'XHNDTT',
    founded: 1991,
    lastTerm: 6,
    members: 40_000,
    quota: 12,
  },
  {
    name: 'Hội Nạn nhân chất độc da cam/dioxin Việt Nam',
    abbreviation: 'VAVA',
    foreign_name: 'Vietnam Association for Victims of Agent Orange/Dioxin',
    kind: 'hoi',
    field: 'XHND',
    ministry: 'BYT',
    nature: 'XHNDTT',
    founded: 2004,
    lastTerm: 5,
    members: 400_000,
    quota: 15,
  },
  {
    name: 'Hội Đông y Việt Nam',
    abbreviation: 'HĐYVN',
    foreign_name: 'Vietnam Oriental Traditional Medicine Association',
    kind: 'hoi',
    field: 'YTE',
    ministry: 'BYT',
    nature: 'XHNN',
    founded: 1957,
    lastTerm: 9,
    members: 60_000,
    quota: 18,
  },
  {
    name: 'Tổng hội Y học Việt Nam',
    abbreviation: 'VGAMS',
    foreign_name: 'Vietnam General Association of Medicine',
    kind: 'tong_hoi',
    field: 'YTE',
    ministry: 'BYT',
    nature: 'KHKT',
    founded: 1955,
    lastTerm: 8,
    members: 90_000,
    memberAssociations: 120,
    quota: 12,
    hq: '79',
  },
];

// ---------------------------------------------------------------------------------------------------------------
// One record

type TermPlan = 'fine' | 'due_soon' | 'overdue' | 'extended' | 'extension_lapsed' | 'recent';

interface Plan {
  name: string;
  /** What the association is about, for the names of its journal and centres: "Tin học", "Người cao tuổi". */
  topic: string;
  abbreviation: string | null;
  foreign_name: string | null;
  kind: Kind;
  field: string;
  ministry: string | null;
  nature: string;
  scope: 'toan_quoc' | 'lien_tinh' | 'tinh' | 'xa' | 'huyen';
  provinceCode: string;
  /** The province the name speaks of (for local issuers). */
  placeName: string;
  status: 'hoat_dong' | 'dang_thanh_lap' | 'dinh_chi_co_thoi_han' | 'cho_giai_the' | 'giai_the';
  tasked: boolean;
  real: RealAssociation | null;
  founded: string;
  lastTerm: number | null;
  term: TermPlan;
  members: number;
  memberOrgs: boolean;
  oldName: string | null;
  dataLevel: 'raw' | 'basic' | 'advanced';
  published: boolean;
}

const PURPOSE: Record<string, string> = {
  KHCN: 'sự phát triển của khoa học và công nghệ',
  TTBC: 'sự phát triển của báo chí, xuất bản và truyền thông',
  VHNT: 'sự phát triển của văn hóa, nghệ thuật, thể thao và du lịch',
  GDDT: 'sự nghiệp giáo dục, đào tạo và xây dựng xã hội học tập',
  YTE: 'sự nghiệp bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân',
  NNMT: 'sự phát triển nông nghiệp bền vững và bảo vệ môi trường',
  CTNH: 'sự phát triển của ngành hàng và thị trường trong nước, xuất khẩu',
  TCDN: 'sự phát triển của cộng đồng doanh nghiệp',
  XDGT: 'sự phát triển của ngành xây dựng, kiến trúc và giao thông',
  TPL: 'công tác xây dựng, phổ biến và thi hành pháp luật',
  LDTN: 'việc thực hiện chính sách đối với người lao động, người có công và thanh niên',
  XHND: 'công tác an sinh xã hội, chăm lo cho người cao tuổi, người khuyết tật, trẻ em và người yếu thế',
  DTTG: 'việc giữ gìn, phát huy bản sắc văn hóa các dân tộc',
  DNHN: 'việc tăng cường tình đoàn kết, hữu nghị giữa nhân dân Việt Nam và nhân dân các nước',
  CQNCA: 'việc phát huy truyền thống, chăm lo đời sống tinh thần, vật chất của hội viên',
  NH: 'sự phát triển an toàn, lành mạnh của hệ thống ngân hàng',
};

const POSITIONS_FORMER_REASON = ['Hết nhiệm kỳ', 'Nghỉ hưu', 'Chuyển công tác', 'Theo nguyện vọng cá nhân', 'Vì lý do sức khỏe'];

const MAJORS: Record<string, string[]> = {
  KHCN: ['Kỹ sư Điện tử', 'Cử nhân Vật lý', 'Kỹ sư Công nghệ thông tin', 'Cử nhân Toán học', 'Kỹ sư Hóa học'],
  TTBC: ['Cử nhân Báo chí', 'Cử nhân Ngữ văn', 'Cử nhân Truyền thông'],
  VHNT: ['Cử nhân Âm nhạc', 'Cử nhân Mỹ thuật', 'Cử nhân Văn hóa học', 'Cử nhân Giáo dục thể chất', 'Cử nhân Du lịch'],
  GDDT: ['Cử nhân Sư phạm', 'Cử nhân Tâm lý học', 'Cử nhân Ngôn ngữ học'],
  YTE: ['Bác sĩ Y khoa', 'Dược sĩ', 'Cử nhân Điều dưỡng', 'Bác sĩ Y học cổ truyền'],
  NNMT: ['Kỹ sư Nông học', 'Kỹ sư Lâm nghiệp', 'Kỹ sư Thủy lợi', 'Kỹ sư Chăn nuôi', 'Cử nhân Môi trường'],
  CTNH: ['Cử nhân Kinh tế', 'Kỹ sư Cơ khí', 'Cử nhân Quản trị kinh doanh', 'Kỹ sư Dệt may'],
  TCDN: ['Cử nhân Kế toán', 'Cử nhân Tài chính', 'Cử nhân Quản trị kinh doanh', 'Cử nhân Kinh tế'],
  XDGT: ['Kiến trúc sư', 'Kỹ sư Xây dựng', 'Kỹ sư Cầu đường', 'Kỹ sư Hàng hải'],
  TPL: ['Cử nhân Luật'],
  LDTN: ['Cử nhân Kinh tế', 'Cử nhân Xã hội học', 'Cử nhân Luật'],
  XHND: ['Cử nhân Công tác xã hội', 'Bác sĩ Y khoa', 'Cử nhân Xã hội học', 'Cử nhân Kinh tế'],
  DTTG: ['Cử nhân Dân tộc học', 'Cử nhân Lịch sử', 'Cử nhân Văn hóa học'],
  DNHN: ['Cử nhân Quan hệ quốc tế', 'Cử nhân Ngoại ngữ', 'Cử nhân Lịch sử'],
  CQNCA: ['Cử nhân An ninh', 'Cử nhân Luật', 'Cử nhân Chính trị'],
  NH: ['Cử nhân Tài chính - Ngân hàng', 'Cử nhân Kinh tế'],
};

const OUTSIDE: Record<string, string[]> = {
  dang_chuc: [
    'Phó Giám đốc Sở',
    'Trưởng phòng, Sở Nội vụ',
    'Giảng viên, trường đại học công lập',
    'Phó Viện trưởng, viện nghiên cứu',
    'Chuyên viên chính, cơ quan bộ',
    'Phó Trưởng ban, Ban Tuyên giáo và Dân vận',
    'Bác sĩ, bệnh viện đa khoa tỉnh',
  ],
  nghi_huu: [
    'Nguyên Vụ trưởng',
    'Nguyên Giám đốc Sở',
    'Nguyên Hiệu trưởng trường đại học',
    'Nguyên Phó Chủ tịch Ủy ban nhân dân tỉnh',
    'Nguyên Cục trưởng',
    'Nguyên Giám đốc bệnh viện',
  ],
  khong: [
    'Giám đốc doanh nghiệp',
    'Chủ tịch Hội đồng quản trị công ty cổ phần',
    'Luật sư',
    'Bác sĩ',
    'Chủ trang trại',
    'Nhà nghiên cứu độc lập',
    '',
  ],
};

function academicTitle(rng: Rng, field: string): string | null {
  const science = ['KHCN', 'YTE', 'GDDT', 'DTTG', 'NH'].includes(field);
  return rng.weighted<string | null>([
    [null, science ? 3 : 6],
    ['ThS.', 3],
    ['TS.', science ? 3 : 1.5],
    ['PGS.TS.', science ? 2 : 0.5],
    ['GS.TS.', science ? 1 : 0.2],
  ]);
}

interface Congress {
  term_number: number;
  congress_type: 'thanh_lap' | 'nhiem_ky';
  held_on: string;
}

/** The congresses listed for a record (the last up to 4) and its extensions, arranged to give `plan.term` today. */
function congressesFor(rng: Rng, plan: Plan, today: string): { congresses: Congress[]; extensions: ListRow[] } {
  const founding = plan.founded;
  let last: string;
  switch (plan.term) {
    case 'recent':
      last = founding;
      break;
    case 'due_soon':
      last = addDays(addYears(today, -5), rng.int(7, 170));
      break;
    case 'overdue':
      last = addDays(addYears(today, -5), -rng.int(30, 900));
      break;
    case 'extended':
      last = addDays(addYears(today, -5), -rng.int(10, 150));
      break;
    case 'extension_lapsed':
      last = addDays(addYears(today, -5), -rng.int(240, 500));
      break;
    default:
      last = addDays(today, -rng.int(60, Math.round(4.4 * 365)));
  }
  if (last < founding) last = founding;
  last = last === founding ? founding : workday(last);
  // Earlier congresses every term back towards the founding one; at most four listed.
  const dates = [last];
  while (dates.length < 4 && last !== founding) {
    const prev = workday(addDays(addYears(dates[0] as string, -5), rng.int(-20, 90)));
    if (prev <= addDays(founding, 365)) break;
    if (plan.real && dates.length >= plan.real.lastTerm - 1) break;
    dates.unshift(prev);
  }
  let lastTerm: number;
  if (last === founding) lastTerm = 1;
  else if (plan.real) {
    lastTerm = plan.real.lastTerm;
    if (lastTerm === dates.length + 1) dates.unshift(founding);
  } else if (dates.length < 4) {
    dates.unshift(founding);
    lastTerm = dates.length;
  } else {
    lastTerm = dates.length + Math.max(1, Math.round(daysBetween(founding, dates[0] as string) / 1826));
  }
  const congresses: Congress[] = dates.map((held_on, i) => {
    const term_number = lastTerm - (dates.length - 1 - i);
    return { term_number, congress_type: term_number === 1 ? 'thanh_lap' : 'nhiem_ky', held_on };
  });
  const extensions: ListRow[] = [];
  const termEnd = addYears(last, 5);
  if (plan.term === 'extended' || plan.term === 'extension_lapsed') {
    const decided = workday(addDays(termEnd, -rng.int(15, 60)));
    const deadline =
      plan.term === 'extended'
        ? addDays(today, rng.int(30, 240))
        : addDays(termEnd, rng.int(90, Math.max(91, Math.min(200, daysBetween(termEnd, today) - 10))));
    extensions.push({ decision_number: decisionNumber(rng, plan, decided, 'extension'), decided_on: decided, new_deadline: deadline });
  }
  return { congresses, extensions };
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** "123/QĐ-BNV", "45/QĐ-UBND" …, by scope and the era's issuer. */
function decisionNumber(rng: Rng, plan: Plan, date: string, what: 'decision' | 'extension' | 'quota' = 'decision'): string {
  const n = rng.int(12, what === 'quota' ? 600 : 2400);
  if (plan.scope === 'toan_quoc' || plan.scope === 'lien_tinh') {
    if (what === 'extension') return `${n}/BNV-TCPCP`;
    return date < '2002-08-05' ? `${n}/QĐ-BTCCBCP` : `${n}/QĐ-BNV`;
  }
  return what === 'extension' ? `${n}/UBND-NC` : `${n}/QĐ-UBND`;
}

function issuerOf(plan: Plan, date: string): string {
  if (plan.scope === 'toan_quoc' || plan.scope === 'lien_tinh') return date < '2002-08-05' ? 'Ban Tổ chức - Cán bộ Chính phủ' : 'Bộ Nội vụ';
  return `Ủy ban nhân dân ${plan.placeName}`;
}

function buildInput(rng: Rng, plan: Plan, today: string, code: number): AssociationInput {
  const currentYear = yearOf(today);
  const national = plan.scope === 'toan_quoc' || plan.scope === 'lien_tinh';
  const { congresses, extensions } = congressesFor(rng, plan, today);
  const last = congresses.at(-1) as Congress;
  const previous = congresses.at(-2) ?? null;

  // B. Decisions
  const decisions: ListRow[] = [];
  const foundedYear = yearOf(plan.founded);
  if (foundedYear >= 1990) {
    const permitted = workday(addDays(plan.founded, -rng.int(40, 150)));
    if (rng.chance(0.5)) {
      const ban = workday(addDays(permitted, -rng.int(200, 500)));
      decisions.push({
        event_type: 'cong_nhan_ban_van_dong',
        number: decisionNumber(rng, plan, ban),
        signed_on: ban,
        issuer: issuerOf(plan, ban),
        summary: `Công nhận Ban vận động thành lập ${plan.oldName ?? plan.name}`,
      });
    }
    decisions.push({
      event_type: 'cho_phep_thanh_lap',
      number: decisionNumber(rng, plan, permitted),
      signed_on: permitted,
      issuer: issuerOf(plan, permitted),
      summary: `Cho phép thành lập ${plan.oldName ?? plan.name}`,
    });
  }
  if (plan.status !== 'dang_thanh_lap') {
    // The charter approved after the founding congress (when listed) and amended after the last one.
    if (foundedYear >= 1990) {
      const approved = workday(addDays(plan.founded, rng.int(45, 120)));
      if (approved < today)
        decisions.push({
          event_type: 'phe_duyet_dieu_le',
          number: decisionNumber(rng, plan, approved),
          signed_on: approved,
          issuer: issuerOf(plan, approved),
          summary: 'Phê duyệt Điều lệ',
        });
    }
    if (last.congress_type === 'nhiem_ky') {
      const amended = workday(addDays(last.held_on, rng.int(40, 140)));
      if (amended < today)
        decisions.push({
          event_type: foundedYear >= 1990 ? 'sua_doi_dieu_le' : 'phe_duyet_dieu_le',
          number: decisionNumber(rng, plan, amended),
          signed_on: amended,
          issuer: issuerOf(plan, amended),
          summary: `Phê duyệt Điều lệ (sửa đổi, bổ sung) thông qua tại Đại hội nhiệm kỳ ${last.term_number}`,
        });
    }
  }
  if (plan.oldName) {
    const renamed = workday(addDays(plan.founded, rng.int(900, Math.max(901, daysBetween(plan.founded, today) - 60))));
    decisions.push({
      event_type: 'doi_ten',
      number: decisionNumber(rng, plan, renamed),
      signed_on: renamed,
      issuer: issuerOf(plan, renamed),
      summary: `Đổi tên ${plan.oldName} thành ${plan.name}`,
      old_name: plan.oldName,
      new_name: plan.name,
    });
  }
  let endYear = currentYear;
  if (plan.status === 'cho_giai_the') {
    const when = workday(addDays(today, -rng.int(10, 120)));
    decisions.push({
      event_type: 'khac',
      number: `${rng.int(1, 99)}/CV-HỘI`,
      signed_on: when,
      issuer: plan.name,
      summary: 'Hội đề nghị giải thể theo nghị quyết của đại hội; cơ quan có thẩm quyền đang xem xét',
    });
  }
  if (plan.status === 'dinh_chi_co_thoi_han' || plan.status === 'giai_the') {
    const event = plan.status === 'giai_the' ? 'giai_the' : 'dinh_chi';
    // Suspension: in the last months, after the last congress; dissolution: after the term ran out.
    const termEnd = addYears(last.held_on, 5);
    const when =
      event === 'dinh_chi' || termEnd >= addDays(today, -40)
        ? workday(addDays(today, -rng.int(10, Math.max(11, Math.min(200, daysBetween(last.held_on, today) - 10)))))
        : workday(addDays(termEnd, rng.int(30, Math.max(31, daysBetween(termEnd, today) - 10))));
    decisions.push({
      event_type: event,
      number: decisionNumber(rng, plan, when),
      signed_on: when,
      issuer: issuerOf(plan, when),
      summary:
        event === 'giai_the'
          ? rng.pick([
              `Giải thể ${plan.name} theo đề nghị của hội`,
              `Giải thể ${plan.name} do không hoạt động liên tục 12 tháng`,
              `Giải thể ${plan.name} do không tổ chức đại hội quá 18 tháng so với thời hạn`,
            ])
          : `Đình chỉ có thời hạn hoạt động của ${plan.name}: ${rng.pick(['vi phạm quy định về tài chính', 'không báo cáo tình hình hoạt động 3 năm liền', 'hoạt động sai tôn chỉ, mục đích'])}`,
    });
    if (plan.status === 'giai_the') endYear = yearOf(when);
  }

  // F. Leaders: the current ones elected at the last congress, some former ones with their dates.
  const leaders: ListRow[] = [];
  const total = rng.int(5, 15);
  const positions: string[] = ['CT'];
  const vice = rng.int(1, national ? 4 : 2);
  for (let i = 0; i < vice; i++) positions.push('PCT');
  positions.push(rng.chance(0.8) ? 'TTK' : 'CVP');
  if (rng.chance(0.5)) positions.push('TBKT');
  const formerCount = Math.min(rng.int(0, 4), Math.max(0, total - positions.length - 1));
  while (positions.length < total - formerCount)
    positions.push(
      rng.weighted([
        ['UVBTV', 3],
        ['UVBCH', 4],
        ['UVBKT', 1],
        ['PTTK', 1],
        ['PBKT', 0.5],
      ]),
    );
  const usedNames = new Set<string>();
  const person = (position: string) => {
    const gender: 'nam' | 'nu' = rng.chance(position === 'CT' ? 0.15 : 0.3) ? 'nu' : 'nam';
    const birth = rng.int(position === 'CT' ? 1945 : 1955, position === 'CT' ? 1975 : 1990);
    const official = rng.weighted<string>(
      currentYear - birth >= 62
        ? [
            ['nghi_huu', 6],
            ['khong', 2],
          ]
        : [
            ['dang_chuc', plan.tasked ? 3 : 1.5],
            ['khong', 4],
          ],
    );
    let full_name = personName(rng, gender);
    while (usedNames.has(full_name)) full_name = personName(rng, gender);
    usedNames.add(full_name);
    return {
      full_name,
      gender,
      birth_year: birth,
      qualification: rng.chance(0.85) ? rng.pick(MAJORS[plan.field] ?? MAJORS.TCDN ?? []) : null,
      academic_title: academicTitle(rng, plan.field),
      outside_position: rng.pick(OUTSIDE[official] ?? ['']) || null,
      official_status: official,
    } satisfies Record<string, ScalarValue>;
  };
  positions.forEach((position, i) => {
    const p = person(position);
    const contact = i === 0 || position === 'TTK' || position === 'CVP' ? rng.chance(0.6) : rng.chance(0.1);
    leaders.push({
      ...p,
      position_code: position,
      term_number: last.term_number,
      full_time: position === 'TTK' || position === 'CVP' ? rng.chance(0.7) : position === 'CT' ? rng.chance(0.3) : rng.chance(0.05),
      elected_on: last.held_on,
      left_on: null,
      left_reason: null,
      phone: contact ? `0900 000 ${String(rng.int(0, 999)).padStart(3, '0')}` : null,
      email: contact ? `${ascii(p.full_name).toLowerCase().replace(/\s+/g, '.')}.${code}@hoi-demo.vn` : null,
    });
  });
  for (let i = 0; i < formerCount; i++) {
    const position = i === 0 && previous ? 'CT' : rng.pick(['PCT', 'UVBTV', 'UVBCH', 'TTK']);
    const p = person(position);
    const elected = previous?.held_on ?? last.held_on;
    const midTerm = !previous || rng.chance(0.35);
    const until = previous && !midTerm ? last.held_on : minDate(addDays(elected, rng.int(200, 1500)), addDays(today, -20));
    if (until <= elected) continue;
    leaders.push({
      ...p,
      position_code: position,
      term_number: previous?.term_number ?? last.term_number,
      full_time: false,
      elected_on: elected,
      left_on: until,
      left_reason: midTerm ? rng.pick(POSITIONS_FORMER_REASON.slice(1)) : 'Hết nhiệm kỳ',
      phone: null,
      email: null,
    });
  }

  // G. Congresses with their paperwork.
  const scale = plan.scope === 'toan_quoc' ? 1 : plan.scope === 'lien_tinh' ? 0.5 : plan.scope === 'tinh' ? 0.2 : 0.04;
  const congressRows: ListRow[] = congresses.map((c) => {
    const delegates = plan.members < 400 ? null : Math.max(30, Math.round(rng.int(150, 800) * Math.sqrt(scale)));
    const opinion = workday(addDays(c.held_on, -rng.int(15, 60)));
    return {
      term_number: c.term_number,
      congress_type: c.congress_type,
      held_on: c.held_on,
      term_years: 5,
      assembly_form: delegates ? 'dai_bieu' : 'toan_the',
      meeting_mode: c.held_on >= '2020-03-01' && rng.chance(0.3) ? 'ket_hop' : 'truc_tiep',
      delegates: delegates ?? Math.min(plan.members, rng.int(30, 300)),
      pre_report_filed_on: c.congress_type === 'thanh_lap' ? null : addDays(opinion, -rng.int(20, 60)),
      authority_opinion_number: c.congress_type === 'thanh_lap' ? null : decisionNumber(rng, plan, opinion, 'extension'),
      authority_opinion_date: c.congress_type === 'thanh_lap' ? null : opinion,
      post_report_filed_on: addDays(c.held_on, rng.int(10, 45)) < today ? addDays(c.held_on, rng.int(10, 45)) : null,
    };
  });

  // H. Funds for the last five complete years: hội phí always, plus one to three other sources.
  const funds: ListRow[] = [];
  const sources: string[] = ['hoi_phi'];
  if (plan.tasked) sources.push('nsnn_bien_che', 'nsnn_nhiem_vu');
  const others = ['dich_vu', 'tai_tro_trong_nuoc', 'tai_tro_nuoc_ngoai'];
  while (sources.length < (plan.tasked ? rng.int(3, 4) : rng.int(2, 4))) {
    const s = rng.pick(others);
    if (!sources.includes(s)) sources.push(s);
  }
  // Hội phí follows the members (organisations pay more; the big mass associations keep most at the base).
  const dues =
    plan.members *
    (plan.memberOrgs ? rng.int(2, 10) * 1_000_000 : rng.int(5, 20) * 10_000) *
    (plan.members > 100_000 ? 0.01 : national ? 0.3 : 1);
  const quotaNow = plan.real?.quota ?? rng.int(2, 8);
  const base: Record<string, number> = {
    hoi_phi: Math.min(5_000_000_000, Math.max(3_000_000, dues)),
    nsnn_bien_che: quotaNow * rng.money(160_000_000, 240_000_000),
    nsnn_nhiem_vu: rng.money(1_000_000_000, 15_000_000_000) * (national ? 1 : 0.15),
    dich_vu: rng.money(100_000_000, 4_000_000_000) * scale,
    tai_tro_trong_nuoc: rng.money(50_000_000, 2_000_000_000) * scale,
    tai_tro_nuoc_ngoai: rng.money(100_000_000, 5_000_000_000) * scale,
  };
  const fundYears: number[] = [];
  for (let y = currentYear - 5; y <= currentYear - 1; y++) if (y >= foundedYear && y <= endYear) fundYears.push(y);
  for (const year of fundYears) {
    const growth = (1 + rng.float() * 0.06) ** (year - (currentYear - 5)) * (year === 2021 ? 0.85 : 1);
    for (const source of sources) {
      const amount = Math.round(((base[source] ?? 0) * growth * (0.9 + rng.float() * 0.2)) / 100_000) * 100_000;
      funds.push({ year, source, amount_vnd: Math.max(amount, 1_000_000) });
    }
  }

  // H. State staff quota for the tasked ones, year by year.
  const staffQuotas: ListRow[] = [];
  if (plan.tasked) {
    const quota0 = quotaNow;
    for (let year = currentYear - 4; year <= currentYear; year++) {
      if (year < foundedYear || year > endYear) continue;
      // The 2022–2026 streamlining cut quotas by a few percent a year.
      const quota = Math.max(1, Math.round(quota0 * (1 - 0.02 * (year - (currentYear - 4)))));
      const inUse = Math.max(0, quota - rng.int(0, Math.max(1, Math.round(quota * 0.15))));
      const doc = `${rng.int(10, 900)}/QĐ-${national ? 'BNV' : 'UBND'} ngày ${vnDate(workday(`${year - 1}-12-${rng.int(10, 28)}`))}`;
      staffQuotas.push({
        year,
        quota,
        deciding_document: doc,
        in_use: inUse,
        on_quota: inUse,
        on_contract: rng.int(1, Math.max(2, Math.round(quota * 0.4))),
        elected_retirees: rng.int(0, Math.max(1, Math.round(quota * 0.1))),
      });
    }
  }

  // A. Representative offices and D. legal entities for some national ones.
  const offices: ListRow[] = [];
  if (national && rng.chance(plan.real ? 0.6 : 0.2)) {
    const where = plan.provinceCode === '79' ? ['01', '48'] : ['79', '48', '92'];
    for (const p of where.slice(0, rng.int(1, where.length))) {
      const d = workday(addDays(today, -rng.int(200, 4000)));
      offices.push({
        address: `Số ${rng.int(1, 250)} ${rng.pick(STREETS)}, ${rng.pick(WARDS[p] ?? GENERIC_WARDS).replace(/^Phường/, 'phường')}`,
        province_code: p,
        decision_number: decisionNumber(rng, plan, d),
        decision_date: d,
      });
    }
  }
  const legalEntities: ListRow[] = [];
  if (plan.status !== 'dang_thanh_lap' && rng.chance(plan.real ? 0.7 : national ? 0.25 : 0.05)) {
    const topic = plan.topic;
    const kinds = [
      ['tap_chi', `Tạp chí ${topic}`, 'Bộ Thông tin và Truyền thông', 'GP'],
      ['trung_tam', `Trung tâm Tư vấn và Đào tạo thuộc ${plan.name}`, 'Bộ Khoa học và Công nghệ', 'A'],
      ['vien', `Viện Nghiên cứu phát triển thuộc ${plan.name}`, 'Bộ Khoa học và Công nghệ', 'A'],
      ['doanh_nghiep', `Công ty TNHH Dịch vụ và Đào tạo ${plan.abbreviation ?? initials(plan.name)}`, 'Sở Kế hoạch và Đầu tư', 'DN'],
    ] as const;
    const picked = new Set<number>();
    const n = rng.int(1, plan.real ? 3 : 2);
    while (picked.size < n) picked.add(rng.int(0, kinds.length - 1));
    for (const i of picked) {
      const [entity_kind, name, issuer, prefix] = kinds[i] as (typeof kinds)[number];
      const d = workday(addDays(today, -rng.int(300, 6000)));
      legalEntities.push({
        name,
        entity_kind,
        registration_number:
          prefix === 'GP'
            ? `${rng.int(10, 700)}/GP-BTTTT`
            : prefix === 'A'
              ? `A-${rng.int(100, 2500)}`
              : `0${rng.int(100_000_000, 109_999_999)}`,
        registration_date: d,
        issuer: entity_kind === 'tap_chi' && d >= '2025-03-01' ? 'Bộ Văn hóa, Thể thao và Du lịch' : issuer,
      });
    }
  }

  // C, D, E, H: record fields.
  const members = plan.members;
  const official = Math.round(members * (0.8 + rng.float() * 0.15));
  const honorary = Math.min(members - official, rng.int(0, Math.min(300, Math.round(members * 0.01))));
  const orgs = plan.memberOrgs
    ? Math.round(members * (0.7 + rng.float() * 0.3))
    : rng.chance(0.3)
      ? rng.int(0, Math.min(200, Math.round(members * 0.02)))
      : 0;
  const exec = Math.max(7, Math.min(200, Math.round(Math.sqrt(members) * (0.3 + rng.float() * 0.4))));
  const origin = plan.tasked
    ? rng.weighted([
        ['NN_GIAO', 6],
        ['THUE_NN', 2],
        ['CHUNG_CQNN', 2],
      ])
    : rng.weighted([
        ['THUE_NGOAI', 4],
        ['MUON', 2],
        ['CHUNG_CQNN', 1],
        ['SO_HUU', 1],
        ['CHUA_ON_DINH', 1],
      ]);
  const hq = plan.scope === 'xa' ? { hq_address: 'Nhà văn hóa', hq_ward: null } : hqAddress(rng, plan.provinceCode);
  const abbrSlug = (plan.abbreviation ?? `h${code}`).toLowerCase().replace(/[^a-z0-9]/g, '');
  const fieldWords = PURPOSE[plan.field] ?? 'sự phát triển của lĩnh vực hoạt động của hội';
  const purpose = plan.memberOrgs
    ? `Tập hợp, đoàn kết các doanh nghiệp, tổ chức và cá nhân trong ngành; đại diện, bảo vệ quyền và lợi ích hợp pháp của hội viên; hỗ trợ hội viên về thông tin, thị trường, đào tạo; tham gia xây dựng chính sách, pháp luật về ${fieldWords}.`
    : `Tập hợp, đoàn kết hội viên tự nguyện; bảo vệ quyền, lợi ích hợp pháp của hội viên; hỗ trợ nhau hoạt động có hiệu quả, góp phần vào ${fieldWords} và sự phát triển kinh tế - xã hội của đất nước.`;
  const otherFields = rng.chance(0.3) ? [rng.pick(['GDDT', 'KHCN', 'XHND', 'DNHN', 'VHNT', 'TCDN'].filter((f) => f !== plan.field))] : [];

  const record: Record<string, ScalarValue> = {
    name: plan.name,
    abbreviation: plan.abbreviation,
    foreign_name: plan.foreign_name,
    foreign_abbreviation: plan.real ? plan.abbreviation : null,
    kind_code: plan.kind,
    hq_address: hq.hq_address,
    hq_ward: hq.hq_ward,
    hq_province_code: plan.provinceCode,
    phone: rng.chance(0.8)
      ? `0${plan.provinceCode === '79' ? '28' : plan.provinceCode === '01' || national ? '24' : `2${rng.int(10, 99)}`} 0000 ${String(code).padStart(4, '0')}`
      : null,
    email: rng.chance(0.75) ? `vanphong.${abbrSlug}@hoi-demo.vn` : null,
    website: national && rng.chance(0.6) ? `https://${abbrSlug}.hoi-demo.vn` : null,
    tax_code: null,
    other_identifiers: null,
    purpose,
    scope: plan.scope,
    main_field_code: plan.field,
    managing_ministry_code: plan.ministry,
    nature_code: plan.nature,
    party_state_tasked: plan.tasked,
    tasked_legal_basis: plan.tasked
      ? national
        ? 'Quyết định số 68/2010/QĐ-TTg ngày 01/11/2010 của Thủ tướng Chính phủ'
        : `Quyết định số ${rng.int(100, 3000)}/QĐ-UBND ngày ${vnDate(workday(`20${rng.int(11, 19)}-0${rng.int(1, 9)}-${rng.int(10, 28)}`))} của Ủy ban nhân dân ${plan.placeName}`
      : null,
    tasked_from: plan.tasked ? (national ? '2010-11-01' : `${Math.max(2011, foundedYear + 1)}-01-01`) : null,
    tasked_to: null,
    exec_committee_count: exec,
    standing_committee_count: Math.min(35, Math.max(3, Math.round(exec / (3 + rng.float() * 2)))),
    inspection_committee_count: rng.int(3, national ? 11 : 5),
    member_associations_count: plan.real?.memberAssociations ?? (plan.kind === 'lien_hiep_hoi' ? rng.int(12, 60) : null),
    branches_count: members > 200 ? Math.round(members / rng.int(40, 400)) : rng.int(0, 5),
    members_total: members,
    members_official: official,
    members_associate: members - official - honorary,
    members_honorary: honorary,
    members_organisations: orgs,
    members_individuals: members - orgs,
    hq_area_m2: plan.scope === 'xa' ? null : Math.round((national ? 40 + rng.float() ** 2 * 600 : 20 + rng.float() * 150) * 10) / 10,
    hq_origin_code: plan.scope === 'xa' ? 'MUON' : origin,
    hq_origin_document:
      origin === 'NN_GIAO' || origin === 'THUE_NN'
        ? `Quyết định số ${rng.int(100, 9000)}/QĐ-UBND ngày ${vnDate(workday(`${rng.int(1998, 2020)}-0${rng.int(1, 9)}-${rng.int(10, 28)}`))}`
        : null,
    status: plan.status,
    data_level: plan.dataLevel,
    paper_dossier_ref: national && rng.chance(0.5) ? `Kho lưu trữ Vụ TCPCP, hộp ${rng.int(1, 240)}, ngăn ${rng.int(1, 8)}` : null,
  };

  return {
    record,
    other_field_codes: otherFields,
    lists: {
      offices,
      decisions,
      legal_entities: legalEntities,
      leaders,
      congresses: congressRows,
      extensions,
      staff_quotas: staffQuotas,
      funds,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Plans: the real ones, then generated ones

function initials(name: string): string {
  return ascii(name)
    .replace(/[-/,]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (w[0] as string).toUpperCase())
    .join('');
}

function pickTerm(rng: Rng): TermPlan {
  return rng.weighted<TermPlan>([
    ['fine', 68],
    ['overdue', 12],
    ['due_soon', 11],
    ['extended', 6],
    ['extension_lapsed', 2],
  ]);
}

function dataLevel(rng: Rng, real: boolean): Plan['dataLevel'] {
  return real
    ? rng.pick(['basic', 'advanced'] as const)
    : rng.weighted<Plan['dataLevel']>([
        ['raw', 3],
        ['basic', 5],
        ['advanced', 2],
      ]);
}

function realPlans(rng: Rng, today: string, ministryOfField: Map<string, string>): Plan[] {
  return REAL.map((r) => {
    // The real ones keep to a plausible term state too: most fine, a couple due soon or overdue.
    const term = rng.weighted<TermPlan>([
      ['fine', 8],
      ['due_soon', 2],
      ['overdue', 1],
    ]);
    const level = dataLevel(rng, true);
    const topic = r.name.replace(/ Việt Nam$/, '').replace(/^(Liên hiệp các Hội|Liên hiệp các|Liên đoàn|Liên minh|Tổng hội|Hội) /, '');
    return {
      name: r.name,
      topic: topic.charAt(0).toUpperCase() + topic.slice(1),
      abbreviation: r.abbreviation,
      foreign_name: r.foreign_name,
      kind: r.kind,
      field: r.field,
      ministry: r.ministry ?? ministryOfField.get(r.field) ?? null,
      nature: r.nature,
      scope: 'toan_quoc',
      provinceCode: r.hq ?? '01',
      placeName: 'Việt Nam',
      status: 'hoat_dong',
      tasked: true,
      real: r,
      founded: workday(`${r.founded}-${String(rng.int(1, 12)).padStart(2, '0')}-${rng.int(10, 28)}`),
      lastTerm: r.lastTerm,
      term: yearOf(today) - r.founded < 5 ? 'recent' : term,
      members: r.members,
      memberOrgs: r.kind !== 'hoi' && r.kind !== 'tong_hoi',
      oldName: null,
      dataLevel: level,
      published: true,
    };
  });
}

/** The term states every demo set shows, even a small one: the first generated records take them in turn. */
const SHOWCASE_TERMS: readonly TermPlan[] = ['overdue', 'due_soon', 'extended', 'extension_lapsed'];

function generatedPlan(rng: Rng, today: string, ministryOfField: Map<string, string>, taken: Set<string>, forced?: TermPlan): Plan {
  for (let attempt = 0; attempt < 200; attempt++) {
    const scope = rng.weighted<Plan['scope']>([
      ['toan_quoc', 46],
      ['lien_tinh', 16],
      ['tinh', 28],
      ['xa', 7],
      ['huyen', 3],
    ]);
    const subject = rng.pick(SUBJECTS.filter((x) => fits(x, scope)));
    let place: string;
    let provinceCode: string;
    let placeName: string;
    switch (scope) {
      case 'toan_quoc':
        place = 'Việt Nam';
        provinceCode = rng.weighted([
          ['01', 65],
          ['79', 22],
          ['48', 5],
          ['31', 3],
          ['92', 3],
        ]);
        placeName = 'Việt Nam';
        break;
      case 'lien_tinh': {
        const [region, codes] = rng.pick(REGIONS);
        place = region;
        provinceCode = rng.pick(codes);
        placeName = region;
        break;
      }
      case 'huyen': {
        const [district, code] = rng.pick(OLD_DISTRICTS);
        const p = FORMER.find((f) => f.code === code) ?? province(code);
        place = `${district}, ${p.inName}`;
        provinceCode = code;
        placeName = p.inName;
        break;
      }
      case 'xa': {
        const p = rng.pick(CURRENT_PROVINCES);
        place = `${rng.pick(COMMUNES)}, ${p.inName}`;
        provinceCode = p.code;
        placeName = p.inName;
        break;
      }
      default: {
        const p = rng.chance(0.06) ? rng.pick(FORMER) : rng.pick(CURRENT_PROVINCES);
        place = p.inName;
        provinceCode = p.code;
        placeName = p.inName;
      }
    }
    const name = nameOf(subject, place);
    if (taken.has(name.toLowerCase())) continue;
    taken.add(name.toLowerCase());

    let status = rng.weighted<Plan['status']>([
      ['hoat_dong', 82],
      ['dang_thanh_lap', 5],
      ['dinh_chi_co_thoi_han', 4],
      ['cho_giai_the', 2],
      ['giai_the', 7],
    ]);
    if (forced || (scope === 'huyen' && status === 'dang_thanh_lap')) status = 'hoat_dong';
    const foundedYear = forced
      ? rng.int(1995, yearOf(today) - 12)
      : status === 'dang_thanh_lap'
        ? yearOf(today)
        : scope === 'huyen'
          ? rng.int(1996, 2018)
          : rng.weighted([
              [rng.int(1990, 2004), 3],
              [rng.int(2005, 2020), 6],
              [rng.int(2021, yearOf(today) - 1), 1],
            ]);
    let founded = workday(`${foundedYear}-${String(rng.int(1, 12)).padStart(2, '0')}-${rng.int(10, 28)}`);
    if (status === 'dang_thanh_lap') founded = workday(addDays(today, -rng.int(20, 200)));
    if (founded >= today) founded = workday(addDays(today, -rng.int(30, 300)));
    const ageDays = daysBetween(founded, today);
    // Only associations that have lived a term or more get suspended or dissolved.
    if ((status === 'giai_the' || status === 'cho_giai_the') && ageDays <= 6 * 365) status = 'hoat_dong';
    if (status === 'dinh_chi_co_thoi_han' && ageDays <= 2 * 365) status = 'hoat_dong';
    let term: TermPlan = pickTerm(rng);
    if (status === 'dang_thanh_lap' || ageDays < 5 * 365 - 200) term = 'recent';
    if (forced) term = forced;
    // Dissolved and suspended associations are usually the ones that missed their congress.
    if ((status === 'giai_the' || status === 'cho_giai_the') && ageDays > 6 * 365) term = rng.chance(0.7) ? 'overdue' : 'extension_lapsed';
    // The "huyện" scope ended on 01/07/2025: those records are old and mostly not up to date.
    const huyen = scope === 'huyen';
    const level = huyen ? 'raw' : dataLevel(rng, false);
    const oldName =
      !huyen && status !== 'dang_thanh_lap' && ageDays > 4 * 365 && rng.chance(0.08)
        ? subject.kind === 'hiep_hoi'
          ? `Hội ${subject.s} ${place}`
          : subject.kind === 'hoi' && scope === 'toan_quoc'
            ? `Hội ${subject.s}`
            : null
        : null;
    return {
      name,
      topic: subject.s,
      abbreviation:
        (scope === 'toan_quoc' || scope === 'lien_tinh' || rng.chance(0.2)) && initials(name).length <= 8 ? initials(name) : null,
      foreign_name: null,
      kind: subject.kind,
      field: subject.field,
      ministry: ministryOfField.get(subject.field) ?? null,
      nature: subject.nature,
      scope,
      provinceCode,
      placeName,
      status,
      tasked: Boolean(subject.tasked) && (scope === 'tinh' || scope === 'huyen'),
      real: null,
      founded,
      lastTerm: null,
      term,
      members:
        scope === 'toan_quoc'
          ? Math.round(10 ** (2.3 + rng.float() * 2.4))
          : scope === 'lien_tinh'
            ? Math.round(10 ** (1.9 + rng.float() * 2))
            : scope === 'tinh'
              ? subject.tasked
                ? rng.int(5_000, 250_000)
                : rng.int(50, 3_000)
              : rng.int(15, 400),
      memberOrgs: subject.members === 'org',
      oldName,
      dataLevel: level,
      published: status !== 'dang_thanh_lap' && rng.chance(level === 'raw' ? 0.3 : 0.75),
    };
  }
  throw new Error('could not make a unique demo association name');
}

export async function seedDemoAssociations(
  knex: Knex,
  deps: DemoAssociationsDeps,
  options: DemoAssociationsOptions = {},
): Promise<{ created: number; published: number }> {
  const { count = 300, seed = 20261129 } = options;
  const existing = await knex('associations').first('id');
  if (existing) return { created: 0, published: 0 };

  const rng = new Rng(seed);
  const today = vietnamToday(deps.clock.now());
  const fieldRows: Array<{ code: string; default_ministry_code: string | null }> = await knex('fields').select(
    'code',
    'default_ministry_code',
  );
  const ministryOfField = new Map(fieldRows.filter((f) => f.default_ministry_code).map((f) => [f.code, f.default_ministry_code as string]));
  const staff = await knex('users').where({ username: 'ngo.staff' }).first('id');
  const actor: Actor = {
    userId: staff?.id ?? null,
    username: staff ? 'ngo.staff' : null,
    roles: [],
    ip: null,
    requestId: 'seed:demo-associations',
  };

  const plans = realPlans(rng, today, ministryOfField).slice(0, count);
  const taken = new Set(plans.map((p) => p.name.toLowerCase()));
  for (let g = 0; plans.length < count; g++) plans.push(generatedPlan(rng, today, ministryOfField, taken, SHOWCASE_TERMS[g]));

  let published = 0;
  for (const [i, plan] of plans.entries()) {
    const input = buildInput(rng, plan, today, i + 1);
    const row = await deps.associations.create(actor, input, DEMO_REASON);
    if (plan.published) {
      await deps.associations.setPublished(actor, row.code, true, row.version);
      published++;
    }
  }
  return { created: plans.length, published };
}
