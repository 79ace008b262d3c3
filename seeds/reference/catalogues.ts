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
].map(([code, name]) => ({ code: code as string, name: name as string, valid_from: NEW_MAP }));

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
  valid_to: OLD_MAP_END,
  successor_code: successor as string,
}));

const MINISTRY_FROM = '2025-03-01';
export const MINISTRIES: CatalogueEntry[] = [
  ['BQP', 'Bộ Quốc phòng'],
  ['BCA', 'Bộ Công an'],
  ['BNG', 'Bộ Ngoại giao'],
  ['BNV', 'Bộ Nội vụ'],
  ['BTP', 'Bộ Tư pháp'],
  ['BTC', 'Bộ Tài chính'],
  ['BCT', 'Bộ Công Thương'],
  ['BNNMT', 'Bộ Nông nghiệp và Môi trường'],
  ['BXD', 'Bộ Xây dựng'],
  ['BVHTTDL', 'Bộ Văn hóa, Thể thao và Du lịch'],
  ['BKHCN', 'Bộ Khoa học và Công nghệ'],
  ['BGDDT', 'Bộ Giáo dục và Đào tạo'],
  ['BYT', 'Bộ Y tế'],
  ['BDTTG', 'Bộ Dân tộc và Tôn giáo'],
  ['NHNN', 'Ngân hàng Nhà nước Việt Nam'],
  ['TTCP', 'Thanh tra Chính phủ'],
  ['VPCP', 'Văn phòng Chính phủ'],
].map(([code, name]) => ({ code: code as string, name: name as string, valid_from: MINISTRY_FROM }));

export const FORMER_MINISTRIES: CatalogueEntry[] = [
  ['BKHDT', 'Bộ Kế hoạch và Đầu tư', 'BTC'],
  ['BNNPTNT', 'Bộ Nông nghiệp và Phát triển nông thôn', 'BNNMT'],
  ['BTNMT', 'Bộ Tài nguyên và Môi trường', 'BNNMT'],
  ['BGTVT', 'Bộ Giao thông vận tải', 'BXD'],
  ['BLDTBXH', 'Bộ Lao động - Thương binh và Xã hội', 'BNV'],
  ['BTTTT', 'Bộ Thông tin và Truyền thông', 'BKHCN'],
  ['UBDT', 'Ủy ban Dân tộc', 'BDTTG'],
].map(([code, name, successor]) => ({
  code: code as string,
  name: `${name} (đến 28/02/2025)`,
  valid_to: '2025-02-28',
  successor_code: successor as string,
}));

export const FIELDS: CatalogueEntry[] = [
  ['KHCN', 'Khoa học - công nghệ', 'BKHCN'],
  ['TTBC', 'Thông tin, báo chí, xuất bản', 'BVHTTDL'],
  ['VHNT', 'Văn hóa - nghệ thuật, thể thao, du lịch', 'BVHTTDL'],
  ['GDDT', 'Giáo dục - đào tạo, khuyến học', 'BGDDT'],
  ['YTE', 'Y tế, dược, đông y', 'BYT'],
  ['NNMT', 'Nông nghiệp, môi trường, tài nguyên', 'BNNMT'],
  ['CTNH', 'Công thương, ngành hàng', 'BCT'],
  ['TCDN', 'Tài chính, kế toán, doanh nghiệp', 'BTC'],
  ['XDGT', 'Xây dựng, kiến trúc, giao thông', 'BXD'],
  ['TPL', 'Tư pháp, luật', 'BTP'],
  ['LDTN', 'Lao động, người có công, thanh niên', 'BNV'],
  ['XHND', 'Xã hội, nhân đạo, trẻ em, người cao tuổi, người khuyết tật', 'BYT'],
  ['DTTG', 'Dân tộc, tôn giáo', 'BDTTG'],
  ['DNHN', 'Đối ngoại, hữu nghị', 'BNG'],
  ['CQNCA', 'Cựu quân nhân, cựu công an', 'BQP'],
  ['NH', 'Ngân hàng', 'NHNN'],
].map(([code, name, ministry]) => ({ code: code as string, name: name as string, default_ministry_code: ministry as string }));

const simple = (rows: string[][]): CatalogueEntry[] => rows.map(([code, name]) => ({ code: code as string, name: name as string }));

export const NATURES = simple([
  ['CTXHNN', 'Hội chính trị - xã hội - nghề nghiệp'],
  ['XHNN', 'Hội xã hội - nghề nghiệp'],
  ['KHKT', 'Hội khoa học - kỹ thuật'],
  ['VHNT', 'Hội văn học - nghệ thuật'],
  ['DNNH', 'Hiệp hội doanh nghiệp, ngành hàng'],
  ['XHNDTT', 'Hội xã hội, nhân đạo, từ thiện'],
  ['HN', 'Hội hữu nghị'],
  ['STTT', 'Hội sở thích, thể thao'],
  ['DHC', 'Hội đồng hương, cựu học sinh, cựu chiến binh …'],
  ['KHAC', 'Khác'],
]);

export const ASSOCIATION_KINDS = simple([
  ['hoi', 'Hội'],
  ['lien_hiep_hoi', 'Liên hiệp hội'],
  ['tong_hoi', 'Tổng hội'],
  ['lien_doan', 'Liên đoàn'],
  ['hiep_hoi', 'Hiệp hội'],
  ['lien_minh', 'Liên minh'],
  ['cau_lac_bo', 'Câu lạc bộ có tư cách pháp nhân'],
  ['to_chuc_pcp', 'Tổ chức phi chính phủ'],
  ['khac', 'Khác'],
]);

export const LEADER_POSITIONS = simple([
  ['CT', 'Chủ tịch'],
  ['PCT', 'Phó Chủ tịch'],
  ['TTK', 'Tổng thư ký'],
  ['PTTK', 'Phó Tổng thư ký'],
  ['UVBTV', 'Ủy viên Ban Thường vụ'],
  ['UVBCH', 'Ủy viên Ban Chấp hành'],
  ['TBKT', 'Trưởng Ban Kiểm tra'],
  ['PBKT', 'Phó Trưởng Ban Kiểm tra'],
  ['UVBKT', 'Ủy viên Ban Kiểm tra'],
  ['CVP', 'Chánh Văn phòng'],
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
  ['dang_thanh_lap', 'Đang thành lập'],
  ['hoat_dong', 'Đang hoạt động'],
  ['dinh_chi_co_thoi_han', 'Đình chỉ có thời hạn'],
  ['cho_giai_the', 'Chờ giải thể'],
  ['giai_the', 'Đã giải thể'],
  ['cham_dut_do_chia', 'Chấm dứt do chia'],
  ['cham_dut_do_sap_nhap', 'Chấm dứt do sáp nhập'],
  ['cham_dut_do_hop_nhat', 'Chấm dứt do hợp nhất'],
  ['het_hieu_luc_qd_thanh_lap', 'Hết hiệu lực quyết định thành lập'],
]);

/** Insert missing entries by code, then link successors not yet set (successors may appear later in the list). */
async function upsert(knex: Knex, table: string, entries: CatalogueEntry[]): Promise<void> {
  const rows = entries.map((e, i) => ({
    code: e.code,
    name: e.name,
    sort_order: i + 1,
    valid_from: e.valid_from ?? null,
    valid_to: e.valid_to ?? null,
    ...(table === 'fields' ? { default_ministry_code: e.default_ministry_code ?? null } : {}),
  }));
  await knex(table).insert(rows).onConflict('code').ignore();
  for (const e of entries.filter((x) => x.successor_code)) {
    await knex(table).where({ code: e.code }).whereNull('successor_code').update({ successor_code: e.successor_code });
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
