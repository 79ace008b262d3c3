/**
 * Catalogue reference data (FORM-1.md), run at every start: missing entries are inserted by code; entries that
 * exist are left as staff edited them, so re-seeding never undoes an edit.
 */
import type { Knex } from 'knex';

export interface CatalogueEntry {
  code: string;
  name: string;
  valid_from?: string | null;
  valid_to?: string | null;
  successor_code?: string | null;
  default_ministry_code?: string | null;
  /** The English name (issue 17 item 2), where the catalogue has one. */
  name_en?: string | null;
}

/** Without Vietnamese diacritics: "Đắk Lắk" → "Dak Lak" (an English text writes Vietnamese place names so). */
export function withoutDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');
}

/** Cities in their common English form; a province as "X Province". */
const CITIES_EN: Record<string, string> = {
  'Thành phố Hà Nội': 'Hanoi',
  'Thành phố Hải Phòng': 'Hai Phong',
  'Thành phố Huế': 'Hue',
  'Thành phố Đà Nẵng': 'Da Nang',
  'Thành phố Hồ Chí Minh': 'Ho Chi Minh City',
  'Thành phố Cần Thơ': 'Can Tho',
};

/** A province's English name from its Vietnamese one: "Tỉnh Cao Bằng" → "Cao Bang Province". */
export function provinceNameEn(name: string): string {
  const city = CITIES_EN[name];
  if (city) return city;
  return `${withoutDiacritics(name.replace(/^Tỉnh /, ''))} Province`;
}

const NEW_MAP = '2025-07-01';
const OLD_MAP_END = '2025-06-30';

/** The 34 provincial units in force from 01/07/2025 (Nghị quyết 202/2025/QH15), official codes. */
export const PROVINCES: CatalogueEntry[] = [
  ['01', 'Thành phố Hà Nội'],
  ['04', 'Tỉnh Cao Bằng'],
  ['08', 'Tỉnh Tuyên Quang'],
  ['11', 'Tỉnh Điện Biên'],
  ['12', 'Tỉnh Lai Châu'],
  ['14', 'Tỉnh Sơn La'],
  ['15', 'Tỉnh Lào Cai'],
  ['19', 'Tỉnh Thái Nguyên'],
  ['20', 'Tỉnh Lạng Sơn'],
  ['22', 'Tỉnh Quảng Ninh'],
  ['24', 'Tỉnh Bắc Ninh'],
  ['25', 'Tỉnh Phú Thọ'],
  ['31', 'Thành phố Hải Phòng'],
  ['33', 'Tỉnh Hưng Yên'],
  ['37', 'Tỉnh Ninh Bình'],
  ['38', 'Tỉnh Thanh Hóa'],
  ['40', 'Tỉnh Nghệ An'],
  ['42', 'Tỉnh Hà Tĩnh'],
  ['44', 'Tỉnh Quảng Trị'],
  ['46', 'Thành phố Huế'],
  ['48', 'Thành phố Đà Nẵng'],
  ['51', 'Tỉnh Quảng Ngãi'],
  ['52', 'Tỉnh Gia Lai'],
  ['56', 'Tỉnh Khánh Hòa'],
  ['66', 'Tỉnh Đắk Lắk'],
  ['68', 'Tỉnh Lâm Đồng'],
  ['75', 'Tỉnh Đồng Nai'],
  ['79', 'Thành phố Hồ Chí Minh'],
  ['80', 'Tỉnh Tây Ninh'],
  ['82', 'Tỉnh Đồng Tháp'],
  ['86', 'Tỉnh Vĩnh Long'],
  ['91', 'Tỉnh An Giang'],
  ['92', 'Thành phố Cần Thơ'],
  ['96', 'Tỉnh Cà Mau'],
].map(([code, name]) => ({ code: code as string, name: name as string, name_en: provinceNameEn(name as string), valid_from: NEW_MAP }));

/** The 63 provinces before 01/07/2025 (codes prefixed "cu-"), each linked to the unit that succeeded it. */
export const FORMER_PROVINCES: CatalogueEntry[] = [
  ['01', 'Thành phố Hà Nội', '01'],
  ['02', 'Tỉnh Hà Giang', '08'],
  ['04', 'Tỉnh Cao Bằng', '04'],
  ['06', 'Tỉnh Bắc Kạn', '19'],
  ['08', 'Tỉnh Tuyên Quang', '08'],
  ['10', 'Tỉnh Lào Cai', '15'],
  ['11', 'Tỉnh Điện Biên', '11'],
  ['12', 'Tỉnh Lai Châu', '12'],
  ['14', 'Tỉnh Sơn La', '14'],
  ['15', 'Tỉnh Yên Bái', '15'],
  ['17', 'Tỉnh Hòa Bình', '25'],
  ['19', 'Tỉnh Thái Nguyên', '19'],
  ['20', 'Tỉnh Lạng Sơn', '20'],
  ['22', 'Tỉnh Quảng Ninh', '22'],
  ['24', 'Tỉnh Bắc Giang', '24'],
  ['25', 'Tỉnh Phú Thọ', '25'],
  ['26', 'Tỉnh Vĩnh Phúc', '25'],
  ['27', 'Tỉnh Bắc Ninh', '24'],
  ['30', 'Tỉnh Hải Dương', '31'],
  ['31', 'Thành phố Hải Phòng', '31'],
  ['33', 'Tỉnh Hưng Yên', '33'],
  ['34', 'Tỉnh Thái Bình', '33'],
  ['35', 'Tỉnh Hà Nam', '37'],
  ['36', 'Tỉnh Nam Định', '37'],
  ['37', 'Tỉnh Ninh Bình', '37'],
  ['38', 'Tỉnh Thanh Hóa', '38'],
  ['40', 'Tỉnh Nghệ An', '40'],
  ['42', 'Tỉnh Hà Tĩnh', '42'],
  ['44', 'Tỉnh Quảng Bình', '44'],
  ['45', 'Tỉnh Quảng Trị', '44'],
  ['46', 'Tỉnh Thừa Thiên Huế', '46'],
  ['48', 'Thành phố Đà Nẵng', '48'],
  ['49', 'Tỉnh Quảng Nam', '48'],
  ['51', 'Tỉnh Quảng Ngãi', '51'],
  ['52', 'Tỉnh Bình Định', '52'],
  ['54', 'Tỉnh Phú Yên', '66'],
  ['56', 'Tỉnh Khánh Hòa', '56'],
  ['58', 'Tỉnh Ninh Thuận', '56'],
  ['60', 'Tỉnh Bình Thuận', '68'],
  ['62', 'Tỉnh Kon Tum', '51'],
  ['64', 'Tỉnh Gia Lai', '52'],
  ['66', 'Tỉnh Đắk Lắk', '66'],
  ['67', 'Tỉnh Đắk Nông', '68'],
  ['68', 'Tỉnh Lâm Đồng', '68'],
  ['70', 'Tỉnh Bình Phước', '75'],
  ['72', 'Tỉnh Tây Ninh', '80'],
  ['74', 'Tỉnh Bình Dương', '79'],
  ['75', 'Tỉnh Đồng Nai', '75'],
  ['77', 'Tỉnh Bà Rịa - Vũng Tàu', '79'],
  ['79', 'Thành phố Hồ Chí Minh', '79'],
  ['80', 'Tỉnh Long An', '80'],
  ['82', 'Tỉnh Tiền Giang', '82'],
  ['83', 'Tỉnh Bến Tre', '86'],
  ['84', 'Tỉnh Trà Vinh', '86'],
  ['86', 'Tỉnh Vĩnh Long', '86'],
  ['87', 'Tỉnh Đồng Tháp', '82'],
  ['89', 'Tỉnh An Giang', '91'],
  ['91', 'Tỉnh Kiên Giang', '91'],
  ['92', 'Thành phố Cần Thơ', '92'],
  ['93', 'Tỉnh Hậu Giang', '92'],
  ['94', 'Tỉnh Sóc Trăng', '92'],
  ['95', 'Tỉnh Bạc Liêu', '96'],
  ['96', 'Tỉnh Cà Mau', '96'],
].map(([code, name, successor]) => ({
  code: `cu-${code}`,
  name: `${name} (trước 01/07/2025)`,
  name_en: `${provinceNameEn(name as string)} (before 01/07/2025)`,
  valid_to: OLD_MAP_END,
  successor_code: successor as string,
}));

const MINISTRY_FROM = '2025-03-01';
export const MINISTRIES: CatalogueEntry[] = [
  ['BQP', 'Bộ Quốc phòng', 'Ministry of National Defence'],
  ['BCA', 'Bộ Công an', 'Ministry of Public Security'],
  ['BNG', 'Bộ Ngoại giao', 'Ministry of Foreign Affairs'],
  ['BNV', 'Bộ Nội vụ', 'Ministry of Home Affairs'],
  ['BTP', 'Bộ Tư pháp', 'Ministry of Justice'],
  ['BTC', 'Bộ Tài chính', 'Ministry of Finance'],
  ['BCT', 'Bộ Công Thương', 'Ministry of Industry and Trade'],
  ['BNNMT', 'Bộ Nông nghiệp và Môi trường', 'Ministry of Agriculture and Environment'],
  ['BXD', 'Bộ Xây dựng', 'Ministry of Construction'],
  ['BVHTTDL', 'Bộ Văn hóa, Thể thao và Du lịch', 'Ministry of Culture, Sports and Tourism'],
  ['BKHCN', 'Bộ Khoa học và Công nghệ', 'Ministry of Science and Technology'],
  ['BGDDT', 'Bộ Giáo dục và Đào tạo', 'Ministry of Education and Training'],
  ['BYT', 'Bộ Y tế', 'Ministry of Health'],
  ['BDTTG', 'Bộ Dân tộc và Tôn giáo', 'Ministry of Ethnic and Religious Affairs'],
  ['NHNN', 'Ngân hàng Nhà nước Việt Nam', 'State Bank of Vietnam'],
  ['TTCP', 'Thanh tra Chính phủ', 'Government Inspectorate'],
  ['VPCP', 'Văn phòng Chính phủ', 'Government Office'],
].map(([code, name, en]) => ({ code: code as string, name: name as string, name_en: en as string, valid_from: MINISTRY_FROM }));

export const FORMER_MINISTRIES: CatalogueEntry[] = [
  ['BKHDT', 'Bộ Kế hoạch và Đầu tư', 'BTC', 'Ministry of Planning and Investment'],
  ['BNNPTNT', 'Bộ Nông nghiệp và Phát triển nông thôn', 'BNNMT', 'Ministry of Agriculture and Rural Development'],
  ['BTNMT', 'Bộ Tài nguyên và Môi trường', 'BNNMT', 'Ministry of Natural Resources and Environment'],
  ['BGTVT', 'Bộ Giao thông vận tải', 'BXD', 'Ministry of Transport'],
  ['BLDTBXH', 'Bộ Lao động - Thương binh và Xã hội', 'BNV', 'Ministry of Labour, Invalids and Social Affairs'],
  ['BTTTT', 'Bộ Thông tin và Truyền thông', 'BKHCN', 'Ministry of Information and Communications'],
  ['UBDT', 'Ủy ban Dân tộc', 'BDTTG', 'Committee for Ethnic Minority Affairs'],
].map(([code, name, successor, en]) => ({
  code: code as string,
  name: `${name} (đến 28/02/2025)`,
  name_en: `${en} (until 28/02/2025)`,
  valid_to: '2025-02-28',
  successor_code: successor as string,
}));

export const FIELDS: CatalogueEntry[] = [
  ['KHCN', 'Khoa học - công nghệ', 'BKHCN', 'Science and technology'],
  ['TTBC', 'Thông tin, báo chí, xuất bản', 'BVHTTDL', 'Information, press and publishing'],
  ['VHNT', 'Văn hóa - nghệ thuật, thể thao, du lịch', 'BVHTTDL', 'Culture and the arts, sport, tourism'],
  ['GDDT', 'Giáo dục - đào tạo, khuyến học', 'BGDDT', 'Education and training, promotion of learning'],
  ['YTE', 'Y tế, dược, đông y', 'BYT', 'Health, pharmacy, traditional medicine'],
  ['NNMT', 'Nông nghiệp, môi trường, tài nguyên', 'BNNMT', 'Agriculture, environment, natural resources'],
  ['CTNH', 'Công thương, ngành hàng', 'BCT', 'Industry and trade, business sectors'],
  ['TCDN', 'Tài chính, kế toán, doanh nghiệp', 'BTC', 'Finance, accounting, enterprise'],
  ['XDGT', 'Xây dựng, kiến trúc, giao thông', 'BXD', 'Construction, architecture, transport'],
  ['TPL', 'Tư pháp, luật', 'BTP', 'Justice, law'],
  ['LDTN', 'Lao động, người có công, thanh niên', 'BNV', 'Labour, people with meritorious services, youth'],
  [
    'XHND',
    'Xã hội, nhân đạo, trẻ em, người cao tuổi, người khuyết tật',
    'BYT',
    'Social affairs, humanitarian work, children, older people, people with disabilities',
  ],
  ['DTTG', 'Dân tộc, tôn giáo', 'BDTTG', 'Ethnic affairs, religion'],
  ['DNHN', 'Đối ngoại, hữu nghị', 'BNG', 'Foreign relations, friendship'],
  ['CQNCA', 'Cựu quân nhân, cựu công an', 'BQP', 'Former military and police personnel'],
  ['NH', 'Ngân hàng', 'NHNN', 'Banking'],
].map(([code, name, ministry, en]) => ({
  code: code as string,
  name: name as string,
  default_ministry_code: ministry as string,
  name_en: en as string,
}));

const simple = (rows: string[][]): CatalogueEntry[] =>
  rows.map(([code, name, en]) => ({ code: code as string, name: name as string, name_en: en ?? null }));

export const NATURES = simple([
  ['CTXHNN', 'Hội chính trị - xã hội - nghề nghiệp', 'Socio-political professional association'],
  ['XHNN', 'Hội xã hội - nghề nghiệp', 'Socio-professional association'],
  ['KHKT', 'Hội khoa học - kỹ thuật', 'Science and technology association'],
  ['VHNT', 'Hội văn học - nghệ thuật', 'Literature and arts association'],
  ['DNNH', 'Hiệp hội doanh nghiệp, ngành hàng', 'Business and trade association'],
  ['XHNDTT', 'Hội xã hội, nhân đạo, từ thiện', 'Social, humanitarian and charitable association'],
  ['HN', 'Hội hữu nghị', 'Friendship association'],
  ['STTT', 'Hội sở thích, thể thao', 'Hobby and sports association'],
  ['DHC', 'Hội đồng hương, cựu học sinh, cựu chiến binh …', "Home-town, alumni or veterans' association …"],
  ['KHAC', 'Khác', 'Other'],
]);

export const ASSOCIATION_KINDS = simple([
  ['hoi', 'Hội', 'Association'],
  ['lien_hiep_hoi', 'Liên hiệp hội', 'Union of associations'],
  ['tong_hoi', 'Tổng hội', 'General association'],
  ['lien_doan', 'Liên đoàn', 'Federation'],
  ['hiep_hoi', 'Hiệp hội', 'Association (hiệp hội)'],
  ['lien_minh', 'Liên minh', 'Alliance'],
  ['cau_lac_bo', 'Câu lạc bộ có tư cách pháp nhân', 'Club with legal personality'],
  ['to_chuc_pcp', 'Tổ chức phi chính phủ', 'Non-governmental organisation'],
  ['khac', 'Khác', 'Other'],
]);

export const LEADER_POSITIONS = simple([
  ['CT', 'Chủ tịch', 'President'],
  ['PCT', 'Phó Chủ tịch', 'Vice-President'],
  ['TTK', 'Tổng thư ký', 'Secretary-General'],
  ['PTTK', 'Phó Tổng thư ký', 'Deputy Secretary-General'],
  ['UVBTV', 'Ủy viên Ban Thường vụ', 'Member of the Standing Committee'],
  ['UVBCH', 'Ủy viên Ban Chấp hành', 'Member of the Executive Committee'],
  ['TBKT', 'Trưởng Ban Kiểm tra', 'Head of the Inspection Committee'],
  ['PBKT', 'Phó Trưởng Ban Kiểm tra', 'Deputy Head of the Inspection Committee'],
  ['UVBKT', 'Ủy viên Ban Kiểm tra', 'Member of the Inspection Committee'],
  ['CVP', 'Chánh Văn phòng', 'Chief of Office'],
]);

export const HQ_ORIGINS = simple([
  ['NN_GIAO', 'Nhà nước giao'],
  ['THUE_NN', 'Thuê của Nhà nước'],
  ['THUE_NGOAI', 'Thuê ngoài'],
  ['SO_HUU', 'Sở hữu của hội'],
  ['MUON', 'Mượn'],
  ['CHUNG_CQNN', 'Chung trụ sở cơ quan nhà nước'],
  ['CHUA_ON_DINH', 'Chưa ổn định'],
]);

export const DOCUMENT_TYPES = simple([
  ['QD_BVD', 'Quyết định công nhận ban vận động'],
  ['QD_TL', 'Quyết định cho phép thành lập'],
  ['QD_DL', 'Quyết định phê duyệt điều lệ'],
  ['DIEU_LE', 'Điều lệ'],
  ['QD_DOI_TEN', 'Quyết định đổi tên'],
  ['QD_CHIA_TACH', 'Quyết định chia, tách'],
  ['QD_SAP_NHAP', 'Quyết định sáp nhập'],
  ['QD_HOP_NHAT', 'Quyết định hợp nhất'],
  ['QD_DINH_CHI', 'Quyết định đình chỉ có thời hạn'],
  ['QD_GIAI_THE', 'Quyết định giải thể'],
  ['NQ_DH', 'Nghị quyết đại hội'],
  ['BB_DH', 'Biên bản đại hội'],
  ['DS_LD', 'Danh sách ban lãnh đạo'],
  ['BC_NAM', 'Báo cáo hoạt động năm'],
  ['BC_TC', 'Báo cáo quyết toán tài chính'],
  ['BC_TRUOC_DH', 'Báo cáo trước đại hội'],
  ['BC_SAU_DH', 'Báo cáo sau đại hội'],
  ['VB_GIA_HAN', 'Văn bản gia hạn đại hội'],
  ['KHAC', 'Văn bản, tài liệu khác'],
]);

export const STATUSES = simple([
  ['dang_thanh_lap', 'Đang thành lập', 'Being established'],
  ['hoat_dong', 'Đang hoạt động', 'Active'],
  ['dinh_chi_co_thoi_han', 'Đình chỉ có thời hạn', 'Suspended for a fixed period'],
  ['cho_giai_the', 'Chờ giải thể', 'Awaiting dissolution'],
  ['giai_the', 'Đã giải thể', 'Dissolved'],
  ['cham_dut_do_chia', 'Chấm dứt do chia', 'Ended by division'],
  ['cham_dut_do_sap_nhap', 'Chấm dứt do sáp nhập', 'Ended by merger into another association'],
  ['cham_dut_do_hop_nhat', 'Chấm dứt do hợp nhất', 'Ended by amalgamation'],
  ['het_hieu_luc_qd_thanh_lap', 'Hết hiệu lực quyết định thành lập', 'Establishment decision no longer in force'],
]);

/** Insert missing entries by code, then link successors not yet set (successors may appear later in the list). */
async function upsert(knex: Knex, table: string, entries: CatalogueEntry[]): Promise<void> {
  const rows = entries.map((e, i) => ({
    code: e.code,
    name: e.name,
    sort_order: i + 1,
    valid_from: e.valid_from ?? null,
    valid_to: e.valid_to ?? null,
    name_en: e.name_en ?? null,
    ...(table === 'fields' ? { default_ministry_code: e.default_ministry_code ?? null } : {}),
  }));
  await knex(table).insert(rows).onConflict('code').ignore();
  for (const e of entries.filter((x) => x.successor_code)) {
    await knex(table).where({ code: e.code }).whereNull('successor_code').update({ successor_code: e.successor_code });
  }
  await fillEnglishNames(knex, table, entries);
}

/**
 * English names for entries that have none and that no one has edited (`updated_by` is null: seeded, never saved
 * from the catalogue form): a register seeded before the names existed gets them, and a name staff cleared or
 * changed stays as they left it. Nothing is written when nothing is missing (a write moves the public data version).
 */
async function fillEnglishNames(knex: Knex, table: string, entries: CatalogueEntry[]): Promise<void> {
  const named = entries.filter((e) => e.name_en);
  if (named.length === 0) return;
  const missing = await knex(table)
    .whereIn(
      'code',
      named.map((e) => e.code),
    )
    .whereNull('name_en')
    .whereNull('updated_by')
    .pluck('code');
  if (missing.length === 0) return;
  const wanted = new Set<string>(missing);
  for (const e of named.filter((x) => wanted.has(x.code))) {
    await knex(table).where({ code: e.code }).whereNull('name_en').whereNull('updated_by').update({ name_en: e.name_en });
  }
}

export async function seedCatalogues(knex: Knex): Promise<void> {
  await upsert(knex, 'provinces', [...PROVINCES, ...FORMER_PROVINCES]);
  await upsert(knex, 'ministries', [...MINISTRIES, ...FORMER_MINISTRIES]);
  await upsert(knex, 'fields', FIELDS);
  await upsert(knex, 'natures', NATURES);
  await upsert(knex, 'association_kinds', ASSOCIATION_KINDS);
  await upsert(knex, 'leader_positions', LEADER_POSITIONS);
  await upsert(knex, 'hq_origins', HQ_ORIGINS);
  await upsert(knex, 'document_types', DOCUMENT_TYPES);
  await upsert(knex, 'statuses', STATUSES);
}
