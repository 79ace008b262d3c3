/**
 * The report categories (SPEC §4): the one list the index, the routes, the filters, the exports and the
 * access check read. Who may read which category is the access policy's (features/access/report-access.ts).
 */

export type FilterKey =
  | 'ma'
  | 'linh-vuc'
  | 'bo-nganh'
  | 'pham-vi'
  | 'tinh'
  | 'dia-gioi'
  | 'tinh-chat'
  | 'trang-thai'
  | 'nam'
  | 'giao-nhiem-vu'
  | 'chuc-vu'
  | 'tinh-trang'
  | 'qua-han'
  | 'trong-n-thang'
  | 'loai'
  | 'sap-xep';

export type CategoryKey = 'a' | 'b' | 'c' | 'd' | 'dd' | 'e' | 'h' | 'i' | 'k' | 'l' | 'm' | 'n';

export interface CategoryDef {
  key: CategoryKey;
  /** As printed: a, b, c, d, đ … */
  letter: string;
  title: string;
  description: string;
  filters: readonly FilterKey[];
  /** Numbers are compared: the page draws a chart from the first table. */
  chart: boolean;
  /** Shows personal data of leaders (birth year, gender …): audited as a personal-data view. */
  personal?: boolean;
  /** Its list is too long to print whole: the print view prints the page shown (the CSV and Excel files carry every row). */
  printsPage?: boolean;
  /**
   * Rows a page on screen when fewer than a printed page's PAGE_SIZE: report a's rows carry the whole general
   * information (about 2 KB of HTML each), so the screen shows 25 (a page of 100 was 215 KB, the slowest page of the
   * R40 mix); its print prints PAGE_SIZE rows from the page shown on, the CSV and Excel files every row.
   */
  screenRows?: number;
}

/**
 * The association filters; 'dia-gioi' chooses the provinces the province filter offers (the 34 in force or the 63
 * before 01/07/2025), and how report k groups them and the detail lists name them (issue 16 item 7).
 */
const ASSOC: readonly FilterKey[] = ['linh-vuc', 'bo-nganh', 'pham-vi', 'dia-gioi', 'tinh', 'tinh-chat', 'trang-thai'];

export const CATEGORIES: readonly CategoryDef[] = [
  {
    key: 'a',
    letter: 'a',
    title: 'Thông tin chung của hội',
    description:
      'Thông tin chung của các hội theo Biểu mẫu 1: định danh, trụ sở, tôn chỉ mục đích, lĩnh vực, bộ ngành quản lý, tính chất, tổ chức, hội viên, lãnh đạo đương nhiệm, đại hội. Nhập mã hội để xem đầy đủ một hội.',
    filters: ['ma', ...ASSOC, 'sap-xep'],
    chart: false,
    printsPage: true,
    screenRows: 25,
  },
  {
    key: 'b',
    letter: 'b',
    title: 'Danh sách hội theo lĩnh vực hoạt động',
    description: 'Số hội theo lĩnh vực hoạt động chính và phạm vi; chọn một lĩnh vực để xem danh sách hội.',
    filters: ASSOC,
    chart: true,
  },
  {
    key: 'c',
    letter: 'c',
    title: 'Danh sách hội theo bộ, ngành quản lý nhà nước',
    description: 'Số hội theo bộ, ngành quản lý nhà nước về lĩnh vực chính; chọn một bộ, ngành để xem danh sách hội.',
    filters: ASSOC,
    chart: true,
  },
  {
    key: 'd',
    letter: 'd',
    title: 'Danh sách lãnh đạo chủ chốt',
    description: 'Những người đang giữ chức vụ lãnh đạo của hội: họ tên, chức vụ, nhiệm kỳ.',
    filters: [...ASSOC, 'chuc-vu', 'sap-xep'],
    chart: false,
    personal: true,
  },
  {
    key: 'dd',
    letter: 'đ', // server-text: the report's letter in Article 17(1) of Decision 113, printed as is in both languages
    title: 'Danh sách Chủ tịch hội',
    description: 'Chủ tịch đương nhiệm của các hội.',
    filters: [...ASSOC, 'sap-xep'],
    chart: false,
    personal: true,
  },
  {
    key: 'e',
    letter: 'e',
    title: 'Theo dõi đại hội nhiệm kỳ',
    description:
      'Hạn đại hội nhiệm kỳ của từng hội còn hoạt động (kể cả hội chưa có đại hội), hội quá hạn và hội sắp đến hạn trong N tháng. Hội đã giải thể hoặc chấm dứt hoạt động không còn phải tổ chức đại hội nên không thuộc báo cáo này.',
    filters: [...ASSOC, 'tinh-trang', 'qua-han', 'trong-n-thang'],
    chart: true,
  },
  {
    key: 'h',
    letter: 'h',
    title: 'Thống kê biên chế được giao',
    description: 'Biên chế nhà nước giao cho hội theo năm: số được giao, đang sử dụng, người làm việc.',
    filters: [...ASSOC, 'giao-nhiem-vu', 'nam'],
    chart: true,
  },
  {
    key: 'i',
    letter: 'i',
    title: 'Thống kê kinh phí hoạt động',
    description: 'Kinh phí hoạt động của hội theo năm và theo nguồn (đồng).',
    filters: [...ASSOC, 'giao-nhiem-vu', 'nam'],
    chart: true,
  },
  {
    key: 'k',
    letter: 'k',
    title: 'Thống kê diện tích và nguồn gốc trụ sở',
    description:
      'Số hội, tổng và bình quân diện tích trụ sở theo nguồn gốc trụ sở; số hội theo tỉnh, thành phố nơi đặt trụ sở (34 tỉnh, thành phố hiện nay hoặc 63 tỉnh, thành phố trước 01/07/2025).',
    filters: ASSOC,
    chart: true,
  },
  {
    key: 'l',
    letter: 'l',
    title: 'Thống kê hội theo tính chất',
    description: 'Số hội theo tính chất, trong đó hội được Đảng, Nhà nước giao nhiệm vụ.',
    filters: [...ASSOC, 'giao-nhiem-vu'],
    chart: true,
  },
  {
    key: 'm',
    letter: 'm',
    title: 'Danh mục văn bản về hội',
    description: 'Danh mục các văn bản quan trọng của Đảng, Nhà nước về hội do Vụ Tổ chức phi chính phủ cập nhật.',
    filters: ['loai', 'nam'],
    chart: false,
  },
  {
    key: 'n',
    letter: 'n',
    title: 'Danh sách tùy chọn',
    description: 'Tự chọn cột và điều kiện lọc theo chỉ đạo của lãnh đạo; lưu lại mẫu để dùng lại.',
    filters: [...ASSOC, 'giao-nhiem-vu', 'sap-xep'],
    chart: false,
  },
];

export const CATEGORY_KEYS = CATEGORIES.map((c) => c.key) as readonly CategoryKey[];

export function categoryByKey(key: string): CategoryDef | undefined {
  return CATEGORIES.find((c) => c.key === key);
}
