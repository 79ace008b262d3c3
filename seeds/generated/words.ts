/**
 * Word lists of the generated data set (bench, issue 8): kind words, subjects by field and nature, places and
 * people. Every person is invented: names are composed from common family, middle and given names.
 */

export const FAMILY: ReadonlyArray<readonly [string, number]> = [
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
export const MIDDLE_MALE = ['Văn', 'Văn', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Xuân', 'Thanh', 'Ngọc', 'Mạnh', 'Tiến', 'Đình', 'Duy', 'Trọng', 'Quốc', 'Bá'];
export const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thu', 'Thanh', 'Ngọc', 'Hồng', 'Minh', 'Kim', 'Phương', 'Bích', 'Thúy', 'Diệu', 'Mỹ'];
export const GIVEN_MALE = [
  'An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hùng', 'Hưng', 'Khánh', 'Long', 'Minh', 'Nam', 'Phong', 'Quân', 'Sơn',
  'Tâm', 'Thắng', 'Thành', 'Trung', 'Tuấn', 'Việt', 'Vinh', 'Hiếu', 'Hoàng', 'Lâm', 'Toàn', 'Thịnh', 'Kiên', 'Lợi',
  'Phúc', 'Quý', 'Tùng', 'Bảo', 'Chiến', 'Định', 'Giang', 'Huy', 'Khoa', 'Lực', 'Nghĩa',
];
export const GIVEN_FEMALE = [
  'Anh', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng', 'Hoa', 'Hương', 'Lan', 'Liên', 'Linh', 'Mai', 'Nga', 'Ngọc',
  'Nhung', 'Oanh', 'Phương', 'Quyên', 'Thảo', 'Thủy', 'Trang', 'Tuyết', 'Vân', 'Yến', 'Huyền', 'Loan', 'Nhàn',
];

export type Kind = 'hoi' | 'hiep_hoi' | 'lien_doan' | 'cau_lac_bo' | 'lien_hiep_hoi';

export const KIND_WORD: Record<Kind, string> = {
  hoi: 'Hội',
  hiep_hoi: 'Hiệp hội',
  lien_doan: 'Liên đoàn',
  cau_lac_bo: 'Câu lạc bộ',
  lien_hiep_hoi: 'Liên hiệp hội',
};

export interface Subject {
  s: string;
  field: string;
  nature: string;
  kind: Kind;
  /** Makes sense for a commune association. */
  grassroots: boolean;
  /** A local chapter of an association tasked by the Party and State. */
  tasked: boolean;
  members: 'org' | 'person';
}

const S = (field: string, nature: string, kind: Kind, names: string[], extra: Partial<Pick<Subject, 'grassroots' | 'tasked' | 'members'>> = {}): Subject[] =>
  names.map((s) => ({ s, field, nature, kind, grassroots: false, tasked: false, members: 'person', ...extra }));

export const SUBJECTS: Subject[] = [
  ...S('KHCN', 'KHKT', 'hoi', ['Tin học', 'Vật lý', 'Toán học', 'Cơ học', 'Hóa học', 'Khoa học Đất', 'Vô tuyến - Điện tử', 'Tự động hóa', 'Sinh học', 'Năng lượng sạch', 'Trắc địa - Bản đồ', 'Địa chất', 'Sở hữu trí tuệ', 'Công nghệ sinh học', 'Khoa học Kỹ thuật Biển']),
  ...S('KHCN', 'DNNH', 'hiep_hoi', ['An toàn thông tin', 'Phần mềm và Dịch vụ công nghệ thông tin', 'Doanh nghiệp khoa học và công nghệ'], { members: 'org' }),
  ...S('KHCN', 'KHKT', 'lien_hiep_hoi', ['Khoa học và Kỹ thuật'], { tasked: true }),
  ...S('TTBC', 'XHNN', 'hoi', ['Xuất bản', 'Truyền thông số', 'Nhà báo'], { tasked: true }),
  ...S('TTBC', 'DNNH', 'hiep_hoi', ['Phát hành sách', 'In', 'Quảng cáo'], { members: 'org' }),
  ...S('VHNT', 'VHNT', 'hoi', ['Nhạc sĩ', 'Mỹ thuật', 'Nghệ sĩ sân khấu', 'Điện ảnh', 'Nghệ sĩ nhiếp ảnh', 'Văn nghệ dân gian', 'Nghệ sĩ múa', 'Nhà văn']),
  ...S('VHNT', 'VHNT', 'lien_hiep_hoi', ['Văn học nghệ thuật'], { tasked: true }),
  ...S('VHNT', 'STTT', 'hoi', ['Sinh vật cảnh', 'Thể dục dưỡng sinh', 'Cờ tướng', 'Chơi lan', 'Thư pháp', 'Chơi chim cảnh', 'Cây cảnh nghệ thuật', 'Đờn ca tài tử', 'Hát Xoan', 'Dân ca Quan họ', 'Bóng chuyền hơi'], { grassroots: true }),
  ...S('VHNT', 'VHNT', 'hoi', ['Di sản văn hóa', 'Văn hóa ẩm thực']),
  ...S('VHNT', 'STTT', 'lien_doan', ['Quần vợt', 'Võ thuật cổ truyền', 'Bóng bàn', 'Cầu lông', 'Bóng rổ', 'Cờ vua', 'Xe đạp - Mô tô thể thao', 'Bóng đá', 'Điền kinh', 'Bơi lội']),
  ...S('VHNT', 'DNNH', 'hiep_hoi', ['Du lịch', 'Lữ hành', 'Khách sạn'], { members: 'org' }),
  ...S('VHNT', 'STTT', 'cau_lac_bo', ['Thơ Đường luật', 'Dưỡng sinh', 'Văn nghệ sĩ hưu trí', 'Nhiếp ảnh trẻ', 'Thơ', 'Khiêu vũ thể thao'], { grassroots: true }),
  ...S('GDDT', 'XHNDTT', 'hoi', ['Khuyến học'], { tasked: true, grassroots: true }),
  ...S('GDDT', 'XHNN', 'hoi', ['Cựu giáo chức'], { grassroots: true }),
  ...S('GDDT', 'XHNN', 'hoi', ['Tâm lý - Giáo dục', 'Ngôn ngữ học', 'Giáo dục chăm sóc sức khỏe cộng đồng', 'Sử học', 'Cựu sinh viên']),
  ...S('GDDT', 'XHNN', 'hiep_hoi', ['Các trường ngoài công lập', 'Giáo dục nghề nghiệp'], { members: 'org' }),
  ...S('YTE', 'KHKT', 'hoi', ['Điều dưỡng', 'Dược học', 'Y tế công cộng', 'Tim mạch học', 'Nhi khoa', 'Răng Hàm Mặt', 'Châm cứu', 'Dược liệu', 'Ung thư', 'Nội tiết - Đái tháo đường', 'Phục hồi chức năng', 'Sản phụ khoa', 'Gây mê hồi sức']),
  ...S('YTE', 'XHNN', 'hoi', ['Đông y'], { tasked: true, grassroots: true }),
  ...S('YTE', 'DNNH', 'hiep_hoi', ['Bệnh viện tư nhân', 'Doanh nghiệp dược', 'Thiết bị y tế'], { members: 'org' }),
  ...S('NNMT', 'DNNH', 'hiep_hoi', ['Chè', 'Cà phê - Ca cao', 'Hồ tiêu', 'Điều', 'Chế biến và Xuất khẩu thủy sản', 'Cao su', 'Mía đường', 'Rau quả', 'Lương thực', 'Trang trại', 'Gỗ và Lâm sản', 'Muối', 'Nước mắm', 'Gạo', 'Thanh long', 'Sầu riêng'], { members: 'org' }),
  ...S('NNMT', 'XHNN', 'hoi', ['Nuôi ong', 'Làm vườn', 'Chăn nuôi', 'Nghề cá', 'Nông nghiệp hữu cơ', 'Nuôi trồng thủy sản', 'Trồng nấm', 'Giống cây trồng', 'Nông dân sản xuất giỏi'], { grassroots: true }),
  ...S('NNMT', 'XHNN', 'hoi', ['Thủy lợi', 'Bảo vệ thiên nhiên và Môi trường', 'Khoa học Thủy lợi', 'Tài nguyên nước']),
  ...S('CTNH', 'DNNH', 'hiep_hoi', ['Dệt may', 'Da - Giày - Túi xách', 'Thép', 'Nhựa', 'Bán lẻ', 'Doanh nghiệp cơ khí', 'Xăng dầu', 'Chế biến thực phẩm', 'Mỹ nghệ và Chế biến gỗ', 'Bao bì', 'Hàng tiêu dùng', 'Doanh nghiệp điện tử', 'Thương mại điện tử', 'Gốm sứ', 'Mây tre đan'], { members: 'org' }),
  ...S('CTNH', 'DNNH', 'hiep_hoi', ['Làng nghề'], { members: 'org', grassroots: true }),
  ...S('TCDN', 'DNNH', 'hiep_hoi', ['Doanh nghiệp nhỏ và vừa', 'Bảo hiểm', 'Kinh doanh bất động sản', 'Doanh nghiệp có vốn đầu tư nước ngoài', 'Doanh nghiệp', 'Các nhà đầu tư tài chính'], { members: 'org' }),
  ...S('TCDN', 'XHNN', 'hoi', ['Kế toán và Kiểm toán', 'Tư vấn thuế', 'Thẩm định giá', 'Doanh nhân trẻ', 'Nữ doanh nhân', 'Doanh nhân cựu chiến binh']),
  ...S('TCDN', 'DNNH', 'cau_lac_bo', ['Doanh nhân', 'Doanh nghiệp xuất khẩu', 'Giám đốc doanh nghiệp'], { members: 'org' }),
  ...S('XDGT', 'XHNN', 'hoi', ['Kiến trúc sư', 'Cầu đường', 'Quy hoạch phát triển đô thị', 'Bê tông', 'Địa kỹ thuật', 'Kết cấu và Công nghệ xây dựng']),
  ...S('XDGT', 'DNNH', 'hiep_hoi', ['Vận tải ô tô', 'Cảng biển', 'Dịch vụ hàng hải', 'Vật liệu xây dựng', 'Xi măng', 'Nhà thầu xây dựng', 'Chủ tàu', 'Doanh nghiệp dịch vụ Logistics', 'Taxi'], { members: 'org' }),
  ...S('TPL', 'CTXHNN', 'hoi', ['Luật gia'], { tasked: true }),
  ...S('TPL', 'XHNN', 'hoi', ['Công chứng viên', 'Trọng tài thương mại', 'Hòa giải viên', 'Đấu giá viên', 'Quản tài viên', 'Thừa phát lại']),
  ...S('LDTN', 'DHC', 'hoi', ['Cựu Thanh niên xung phong'], { tasked: true, grassroots: true }),
  ...S('LDTN', 'XHNDTT', 'hoi', ['Hỗ trợ gia đình liệt sĩ', 'Thanh niên khởi nghiệp', 'Thanh niên tình nguyện'], { grassroots: true }),
  ...S('LDTN', 'DNNH', 'hiep_hoi', ['Xuất khẩu lao động'], { members: 'org' }),
  ...S('XHND', 'XHNDTT', 'hoi', ['Người cao tuổi', 'Chữ thập đỏ', 'Người mù', 'Nạn nhân chất độc da cam/dioxin'], { tasked: true, grassroots: true }),
  ...S('XHND', 'XHNDTT', 'hoi', ['Bảo trợ người khuyết tật và trẻ mồ côi', 'Bảo vệ quyền trẻ em', 'Người khuyết tật', 'Kế hoạch hóa gia đình', 'Bảo trợ bệnh nhân nghèo', 'Người điếc', 'Từ thiện', 'Hiến máu tình nguyện'], { grassroots: true }),
  ...S('DTTG', 'KHAC', 'hoi', ['Dân tộc học và Nhân học', 'Nghiên cứu văn hóa các dân tộc']),
  ...S('DNHN', 'HN', 'hoi', ['Hữu nghị Việt Nam - Lào', 'Hữu nghị Việt Nam - Nhật Bản', 'Hữu nghị Việt Nam - Pháp', 'Hữu nghị Việt Nam - Liên bang Nga', 'Hữu nghị Việt Nam - Cuba', 'Hữu nghị Việt Nam - Hàn Quốc', 'Hữu nghị Việt Nam - Campuchia', 'Hữu nghị Việt Nam - Ấn Độ', 'Hữu nghị Việt Nam - Đức', 'Hữu nghị Việt Nam - Ba Lan']),
  ...S('CQNCA', 'DHC', 'hoi', ['Cựu chiến binh', 'Cựu Công an nhân dân', 'Cựu tù chính trị và tù binh', 'Truyền thống Trường Sơn', 'Cựu chiến sĩ Quân tình nguyện'], { grassroots: true }),
  ...S('CQNCA', 'DHC', 'hoi', ['Đồng hương', 'Cựu học sinh'], { grassroots: true }),
  ...S('NH', 'DNNH', 'hiep_hoi', ['Quỹ tín dụng nhân dân', 'Ngân hàng'], { members: 'org' }),
  ...S('NH', 'XHNN', 'hoi', ['Tài chính vi mô', 'Khoa học Ngân hàng']),
];

/** Groups of people an association can be "of" (Hội Khuyến học của Cựu giáo chức … is not idiomatic; these prefix the place). */
export const PEOPLE = ['Phụ nữ', 'Thanh niên', 'Cựu chiến binh', 'Người cao tuổi', 'Nông dân', 'Doanh nhân', 'Trí thức', 'Sinh viên'];

export const REGIONS = [
  'Đồng bằng sông Cửu Long',
  'miền Trung',
  'Tây Nguyên',
  'các tỉnh miền núi phía Bắc',
  'vùng Đông Nam Bộ',
  'Bắc Trung Bộ',
  'Duyên hải Nam Trung Bộ',
  'Đồng bằng sông Hồng',
];

/** Commune names composed from common first and second syllables (340 combinations). */
const COMMUNE_A = ['Tân', 'An', 'Phú', 'Bình', 'Hòa', 'Long', 'Đông', 'Tây', 'Vĩnh', 'Thạnh', 'Phước', 'Xuân', 'Hưng', 'Mỹ', 'Thuận', 'Quảng', 'Yên', 'Thanh', 'Đại', 'Kim'];
const COMMUNE_B = ['Phong', 'Lộc', 'Hòa', 'Lợi', 'Hưng', 'Thịnh', 'Sơn', 'Lâm', 'Hải', 'Bình', 'An', 'Phú', 'Thành', 'Trung', 'Tiến', 'Điền', 'Khánh'];
export const COMMUNES: string[] = COMMUNE_A.flatMap((a) => COMMUNE_B.filter((b) => b !== a).map((b) => `${a} ${b}`));

export const STREETS = [
  'Nguyễn Du', 'Trần Hưng Đạo', 'Lê Duẩn', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Phan Chu Trinh', 'Quang Trung', 'Lê Lợi',
  'Nguyễn Trãi', 'Hoàng Diệu', 'Điện Biên Phủ', 'Nguyễn Thái Học', 'Bà Triệu', 'Trần Phú', 'Lê Hồng Phong',
  'Nguyễn Chí Thanh', 'Võ Thị Sáu', 'Hùng Vương', 'Lê Thánh Tông', 'Phạm Văn Đồng',
];

export const QUALIFICATIONS: ReadonlyArray<readonly [string | null, number]> = [
  ['Cử nhân', 40],
  ['Kỹ sư', 15],
  ['Thạc sĩ', 15],
  ['Tiến sĩ', 8],
  ['Bác sĩ', 4],
  ['Trung cấp', 8],
  [null, 10],
];

export const OUTSIDE_POSITIONS = [
  'Nguyên Giám đốc Sở',
  'Nguyên Phó Chủ tịch UBND',
  'Giám đốc công ty',
  'Giảng viên',
  'Nguyên Hiệu trưởng',
  'Bác sĩ bệnh viện tỉnh',
  'Chủ nhiệm hợp tác xã',
  'Nghỉ hưu',
];
