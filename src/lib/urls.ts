/**
 * The portal's URLs (SPEC.md §6), built in one place: views get them as `paths` (src/middleware/locals.ts) and
 * controllers use them for redirects. Grouped by feature, as src/features is; each builder returns a path with its
 * segments escaped (`encodeURIComponent`) and, where a page takes one, its query string (`queryString`).
 * test/integration/paths.test.ts checks that every builder names a route the app serves.
 */

type QueryValue = string | number | boolean | null | undefined;

/** An already encoded query (`a=1&b=2`, '' for none) or parameters (null and undefined left out). */
export type Query = string | Readonly<Record<string, QueryValue>>;

/** `?a=1&b=2` from the parts in order, each parameter escaped as a URI component; '' when nothing is left. */
export function queryString(...parts: readonly Query[]): string {
  const pairs: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      if (part !== '') pairs.push(part);
      continue;
    }
    for (const [key, value] of Object.entries(part)) {
      if (value !== null && value !== undefined) pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
    }
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** One path segment. */
const seg = (value: string | number) => encodeURIComponent(String(value));

const ADMIN = '/quan-tri';
const OFFICER = '/hoi-cua-toi';
const EXPLOITER = '/khai-thac';

export const paths = Object.freeze({
  /** The language switch (issue 17 item 2): remembers the choice, then goes back to `next` (a path of this site). */
  language: (lang: string, next?: string) => `/ngon-ngu${queryString({ lang, tiep: next })}`,
  /** Public pages, open data and the public home (src/features/public). */
  public: Object.freeze({
    home: () => '/',
    list: (...query: Query[]) => `/hoi${queryString(...query)}`,
    association: (code: string) => `/hoi/${seg(code)}`,
    fields: () => '/linh-vuc',
    statistics: (...query: Query[]) => `/thong-ke${queryString(...query)}`,
    openDataCsv: (...query: Query[]) => `/du-lieu-mo/hoi.csv${queryString(...query)}`,
    openDataJson: (...query: Query[]) => `/du-lieu-mo/hoi.json${queryString(...query)}`,
    openApi: () => '/du-lieu-mo/openapi.json',
  }),
  guide: Object.freeze({
    index: () => '/huong-dan',
    page: (slug: string) => `/huong-dan/${seg(slug)}`,
  }),
  auth: Object.freeze({
    login: (...query: Query[]) => `/dang-nhap${queryString(...query)}`,
    code: () => '/dang-nhap/ma-xac-thuc',
    enrol: () => '/dang-nhap/dang-ky-xac-thuc',
    logout: () => '/dang-xuat',
    changePassword: () => '/tai-khoan/doi-mat-khau',
  }),
  notifications: Object.freeze({
    list: () => '/thong-bao',
    readAll: () => '/thong-bao/da-doc-tat-ca',
    open: (id: number) => `/thong-bao/${seg(id)}/mo`,
    /** The user's choice of e-mail for notices (immediately / daily / never). */
    emailSettings: () => '/tai-khoan/nhan-thu',
    /** One-click unsubscribe from an e-mail (signed token, no login): GET asks, POST does it (RFC 8058). */
    unsubscribe: (...query: Query[]) => `/thu-dien-tu/huy-nhan${queryString(...query)}`,
  }),
  /** Follows and saved searches (src/features/follows): the user's page and the buttons' actions. */
  follows: Object.freeze({
    mine: () => '/theo-doi',
    follow: (code: string) => `/theo-doi/hoi/${seg(code)}`,
    unfollow: (code: string) => `/theo-doi/hoi/${seg(code)}/bo`,
    saveSearch: () => '/theo-doi/tim-kiem',
    removeSearch: (id: number) => `/theo-doi/tim-kiem/${seg(id)}/xoa`,
  }),
  /** Questions: the asker's pages (`own…`) and the ministry's (`staff…`). */
  support: Object.freeze({
    ownList: (...query: Query[]) => `/hoi-dap${queryString(...query)}`,
    ask: () => '/hoi-dap/moi',
    ownThread: (id: number) => `/hoi-dap/${seg(id)}`,
    ownReply: (id: number) => `/hoi-dap/${seg(id)}/tra-loi`,
    staffList: (...query: Query[]) => `${ADMIN}/hoi-dap${queryString(...query)}`,
    staffThread: (id: number) => `${ADMIN}/hoi-dap/${seg(id)}`,
    staffAnswer: (id: number) => `${ADMIN}/hoi-dap/${seg(id)}/tra-loi`,
    staffClose: (id: number) => `${ADMIN}/hoi-dap/${seg(id)}/dong`,
  }),
  /** Access to the register's data: registration, the exploiter's pages, the ministry's decisions and log. */
  access: Object.freeze({
    register: () => '/dang-ky-khai-thac',
    registrationStatus: (reference: string) => `/dang-ky-khai-thac/${seg(reference)}`,
    exploiterHome: () => `${EXPLOITER}/`,
    officers: () => `${EXPLOITER}/can-bo`,
    removeOfficer: (id: number) => `${EXPLOITER}/can-bo/${seg(id)}/khoa`,
    renewal: () => `${EXPLOITER}/gia-han`,
    /** The organisation manager's API keys (issue 17 item 3). */
    apiKeys: (...query: Query[]) => `${EXPLOITER}/khoa-api${queryString(...query)}`,
    revokeApiKey: (id: number) => `${EXPLOITER}/khoa-api/${seg(id)}/thu-hoi`,
    associationReaders: () => `${OFFICER}/khai-thac`,
    registrations: (...query: Query[]) => `${ADMIN}/dang-ky-khai-thac${queryString(...query)}`,
    registration: (id: number) => `${ADMIN}/dang-ky-khai-thac/${seg(id)}`,
    approveRegistration: (id: number) => `${ADMIN}/dang-ky-khai-thac/${seg(id)}/duyet`,
    refuseRegistration: (id: number) => `${ADMIN}/dang-ky-khai-thac/${seg(id)}/tu-choi`,
    revokeGrant: (id: number) => `${ADMIN}/quyen-khai-thac/${seg(id)}/thu-hoi`,
    approveRequest: (id: number) => `${ADMIN}/yeu-cau-khai-thac/${seg(id)}/duyet`,
    refuseRequest: (id: number) => `${ADMIN}/yeu-cau-khai-thac/${seg(id)}/tu-choi`,
    log: (...query: Query[]) => `${ADMIN}/nhat-ky-khai-thac${queryString(...query)}`,
  }),
  /** The ministry's home page. */
  admin: Object.freeze({
    home: () => `${ADMIN}/`,
  }),
  /** The register kept by the ministry (src/features/associations) and each record's documents. */
  register: Object.freeze({
    list: (...query: Query[]) => `${ADMIN}/hoi${queryString(...query)}`,
    /** The whole list as filtered (its query without the page), as CSV / Excel. */
    exportCsv: (...query: Query[]) => `${ADMIN}/hoi/danh-sach.csv${queryString(...query)}`,
    exportXlsx: (...query: Query[]) => `${ADMIN}/hoi/danh-sach.xlsx${queryString(...query)}`,
    create: () => `${ADMIN}/hoi/moi`,
    record: (code: string) => `${ADMIN}/hoi/${seg(code)}`,
    /** "Xem như": the record previewed as the public, an exploiter or the association's officer (issue 16). */
    viewAs: (code: string, ...query: Query[]) => `${ADMIN}/hoi/${seg(code)}/xem-nhu${queryString(...query)}`,
    /** The staff edit as a task list of Biểu mẫu 1's sections, and one section's page (issue 18 item 2). */
    edit: (code: string) => `${ADMIN}/hoi/${seg(code)}/sua`,
    editSection: (code: string, section: string) => `${ADMIN}/hoi/${seg(code)}/sua/${seg(section)}`,
    publish: (code: string) => `${ADMIN}/hoi/${seg(code)}/cong-khai`,
    paperCheck: (code: string) => `${ADMIN}/hoi/${seg(code)}/doi-chieu-giay`,
    withhold: (code: string) => `${ADMIN}/hoi/${seg(code)}/khong-cong-khai`,
    history: (code: string) => `${ADMIN}/hoi/${seg(code)}/lich-su`,
    documents: (code: string, ...query: Query[]) => `${ADMIN}/hoi/${seg(code)}/tai-lieu${queryString(...query)}`,
    document: (code: string, id: number) => `${ADMIN}/hoi/${seg(code)}/tai-lieu/${seg(id)}`,
  }),
  /** Charter versions and their comparison (src/features/charters): on a record (staff) and for the officer. */
  charters: Object.freeze({
    staff: (code: string, ...query: Query[]) => `${ADMIN}/hoi/${seg(code)}/dieu-le${queryString(...query)}`,
    staffNew: (code: string, ...query: Query[]) => `${ADMIN}/hoi/${seg(code)}/dieu-le/moi${queryString(...query)}`,
    staffText: (code: string, id: number, ...query: Query[]) =>
      `${ADMIN}/hoi/${seg(code)}/dieu-le/${seg(id)}/van-ban${queryString(...query)}`,
    officer: (...query: Query[]) => `${OFFICER}/dieu-le${queryString(...query)}`,
    officerNew: (...query: Query[]) => `${OFFICER}/dieu-le/moi${queryString(...query)}`,
    officerText: (id: number, ...query: Query[]) => `${OFFICER}/dieu-le/${seg(id)}/van-ban${queryString(...query)}`,
  }),
  /** Biểu mẫu 1 filed by an association's officer, and the ministry's review of it. */
  submissions: Object.freeze({
    officerHome: () => `${OFFICER}/`,
    start: () => `${OFFICER}/bieu-mau`,
    template: () => `${OFFICER}/bieu-mau/mau.xlsx`,
    uploadWorkbook: (...query: Query[]) => `${OFFICER}/bieu-mau/tai-len${queryString(...query)}`,
    /** A draft's task list (a returned or sent one's page), a section of it, and the check-and-send step. */
    form: (id: number) => `${OFFICER}/bieu-mau/${seg(id)}`,
    section: (id: number, section: string) => `${OFFICER}/bieu-mau/${seg(id)}/muc/${seg(section)}`,
    check: (id: number) => `${OFFICER}/bieu-mau/${seg(id)}/kiem-tra`,
    attach: (id: number, ...query: Query[]) => `${OFFICER}/bieu-mau/${seg(id)}/tai-lieu${queryString(...query)}`,
    /** A term congress's outcome filed as one package (congress, new leadership, minutes, amended charter). */
    congressStart: () => `${OFFICER}/dai-hoi`,
    congressForm: (id: number) => `${OFFICER}/dai-hoi/${seg(id)}`,
    congressAttach: (id: number, ...query: Query[]) => `${OFFICER}/dai-hoi/${seg(id)}/tai-lieu${queryString(...query)}`,
    congressDetach: (id: number) => `${OFFICER}/dai-hoi/${seg(id)}/go-tai-lieu`,
    queue: (...query: Query[]) => `${ADMIN}/bieu-mau${queryString(...query)}`,
    review: (id: number) => `${ADMIN}/bieu-mau/${seg(id)}`,
  }),
  catalogues: Object.freeze({
    index: () => `${ADMIN}/danh-muc`,
    entries: (kind: string, ...query: Query[]) => `${ADMIN}/danh-muc/${seg(kind)}${queryString(...query)}`,
    create: (kind: string) => `${ADMIN}/danh-muc/${seg(kind)}/moi`,
    edit: (kind: string, code: string) => `${ADMIN}/danh-muc/${seg(kind)}/${seg(code)}/sua`,
  }),
  /** Data-quality scores (issue 16 item 4): the rules catalogue and the report of the weakest records. */
  quality: Object.freeze({
    rules: () => `${ADMIN}/chat-luong-du-lieu`,
    editRule: (code: string) => `${ADMIN}/chat-luong-du-lieu/${seg(code)}/sua`,
    report: (...query: Query[]) => `/bao-cao/chat-luong-du-lieu${queryString(...query)}`,
    reportCsv: (...query: Query[]) => `/bao-cao/chat-luong-du-lieu.csv${queryString(...query)}`,
  }),
  imports: Object.freeze({
    index: (...query: Query[]) => `${ADMIN}/nhap-du-lieu${queryString(...query)}`,
    templateXlsx: () => `${ADMIN}/nhap-du-lieu/mau.xlsx`,
    templateCsv: () => `${ADMIN}/nhap-du-lieu/mau.csv`,
    batch: (id: number, ...query: Query[]) => `${ADMIN}/nhap-du-lieu/${seg(id)}${queryString(...query)}`,
    /** GET: the confirmation page (`mode`: all | valid_only); POST with `xac-nhan=1`: apply. */
    apply: (id: number, ...query: Query[]) => `${ADMIN}/nhap-du-lieu/${seg(id)}/ap-dung${queryString(...query)}`,
    rerun: (id: number) => `${ADMIN}/nhap-du-lieu/${seg(id)}/chay-lai`,
    original: (id: number) => `${ADMIN}/nhap-du-lieu/${seg(id)}/tep-goc`,
  }),
  reports: Object.freeze({
    index: () => '/bao-cao',
    category: (key: string, ...query: Query[]) => `/bao-cao/${seg(key)}${queryString(...query)}`,
    saveCustom: () => '/bao-cao/n/mau',
  }),
  /** Quarterly update cycles, the annual report and the scheduled jobs' runs (src/features/jobs). */
  jobs: Object.freeze({
    cycles: () => `${ADMIN}/chu-ky-cap-nhat`,
    compare: (...query: Query[]) => `${ADMIN}/chu-ky-cap-nhat/so-sanh${queryString(...query)}`,
    cycle: (quarter: string) => `${ADMIN}/chu-ky-cap-nhat/${seg(quarter)}`,
    annualReport: (year?: number | string, ...query: Query[]) =>
      year === undefined ? `${ADMIN}/bao-cao-nam` : `${ADMIN}/bao-cao-nam/${seg(year)}${queryString(...query)}`,
    runs: (...query: Query[]) => `${ADMIN}/he-thong/tac-vu${queryString(...query)}`,
    runNow: (name: string) => `${ADMIN}/he-thong/tac-vu/${seg(name)}/chay`,
  }),
  fees: Object.freeze({
    index: (...query: Query[]) => `${ADMIN}/phi${queryString(...query)}`,
    createSchedule: () => `${ADMIN}/phi/moi`,
    editSchedule: (id: number) => `${ADMIN}/phi/${seg(id)}/sua`,
    createContract: () => `${ADMIN}/phi/hop-dong/moi`,
    statement: (organisationId: number, ...query: Query[]) => `${ADMIN}/phi/to-chuc/${seg(organisationId)}${queryString(...query)}`,
    ownStatement: (...query: Query[]) => `${EXPLOITER}/phi${queryString(...query)}`,
  }),
  legalDocuments: Object.freeze({
    list: () => `${ADMIN}/van-ban`,
    create: () => `${ADMIN}/van-ban/moi`,
    edit: (id: number) => `${ADMIN}/van-ban/${seg(id)}/sua`,
  }),
  personalData: Object.freeze({
    request: () => '/du-lieu-ca-nhan/yeu-cau',
    list: (...query: Query[]) => `${ADMIN}/du-lieu-ca-nhan${queryString(...query)}`,
    csv: (...query: Query[]) => `${ADMIN}/du-lieu-ca-nhan.csv${queryString(...query)}`,
    create: () => `${ADMIN}/du-lieu-ca-nhan/moi`,
    deadlines: () => `${ADMIN}/du-lieu-ca-nhan/thoi-han`,
    show: (id: number) => `${ADMIN}/du-lieu-ca-nhan/${seg(id)}`,
    verify: (id: number) => `${ADMIN}/du-lieu-ca-nhan/${seg(id)}/xac-minh`,
    transition: (id: number) => `${ADMIN}/du-lieu-ca-nhan/${seg(id)}/trang-thai`,
    letter: (id: number) => `${ADMIN}/du-lieu-ca-nhan/${seg(id)}/van-ban`,
    subjectExport: (id: number) => `${ADMIN}/du-lieu-ca-nhan/${seg(id)}/du-lieu.json`,
    officerList: () => '/hoi-cua-toi/du-lieu-ca-nhan',
    officerShow: (id: number) => `/hoi-cua-toi/du-lieu-ca-nhan/${seg(id)}`,
    officerVerify: (id: number) => `/hoi-cua-toi/du-lieu-ca-nhan/${seg(id)}/xac-minh`,
  }),
  violations: Object.freeze({
    list: (...query: Query[]) => `${ADMIN}/vi-pham${queryString(...query)}`,
    create: (...query: Query[]) => `${ADMIN}/vi-pham/moi${queryString(...query)}`,
    show: (id: number) => `${ADMIN}/vi-pham/${seg(id)}`,
    evidence: (id: number) => `${ADMIN}/vi-pham/${seg(id)}/chung-cu`,
    act: (id: number) => `${ADMIN}/vi-pham/${seg(id)}/xu-ly`,
    lift: (id: number) => `${ADMIN}/vi-pham/${seg(id)}/cham-dut-dinh-chi`,
  }),
  incidents: Object.freeze({
    list: (...query: Query[]) => `${ADMIN}/su-co${queryString(...query)}`,
    create: () => `${ADMIN}/su-co/moi`,
    show: (id: number) => `${ADMIN}/su-co/${seg(id)}`,
    act: (id: number) => `${ADMIN}/su-co/${seg(id)}/cap-nhat`,
  }),
  /** The IT Centre's pages (src/features/it-centre). */
  itCentre: Object.freeze({
    home: () => `${ADMIN}/he-thong`,
    backups: (...query: Query[]) => `${ADMIN}/he-thong/sao-luu${queryString(...query)}`,
    sessions: (...query: Query[]) => `${ADMIN}/he-thong/phien${queryString(...query)}`,
    revokeSession: () => `${ADMIN}/he-thong/phien/thu-hoi`,
    errors: (...query: Query[]) => `${ADMIN}/he-thong/loi${queryString(...query)}`,
    lockouts: () => `${ADMIN}/he-thong/khoa-tai-khoan`,
    users: (...query: Query[]) => `${ADMIN}/he-thong/nguoi-dung${queryString(...query)}`,
    user: (id: number) => `${ADMIN}/he-thong/nguoi-dung/${seg(id)}`,
    disable: (id: number) => `${ADMIN}/he-thong/nguoi-dung/${seg(id)}/vo-hieu-hoa`,
    enable: (id: number) => `${ADMIN}/he-thong/nguoi-dung/${seg(id)}/kich-hoat`,
    unlock: (id: number) => `${ADMIN}/he-thong/nguoi-dung/${seg(id)}/mo-khoa`,
    resetTotp: (id: number) => `${ADMIN}/he-thong/nguoi-dung/${seg(id)}/dat-lai-totp`,
    auditLog: (...query: Query[]) => `${ADMIN}/he-thong/nhat-ky${queryString(...query)}`,
    auditLogCsv: (...query: Query[]) => `${ADMIN}/he-thong/nhat-ky.csv${queryString(...query)}`,
  }),
  health: Object.freeze({
    metrics: () => '/metrics',
  }),
});

export type Paths = typeof paths;
