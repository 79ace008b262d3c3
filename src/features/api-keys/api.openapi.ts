/**
 * The data API's part of the OpenAPI description (issue 17 item 3): paths, the bearer scheme and the schemas, merged
 * into the open data's description (public/open-data.ts) so /du-lieu-mo/openapi.json describes both. Pure data.
 */
// server-text-file: the machine-readable OpenAPI description served as JSON at /du-lieu-mo/openapi.json; no page of the portal shows its descriptions.
import { CATEGORY_KEYS } from '../reports/categories.js';
import { PAGE_SIZE } from '../reports/report-builder.js';

const ERROR_REF = { $ref: '#/components/schemas/ApiError' };
const json = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ERROR_REF) });

const COMMON_ERRORS = {
  '401': {
    ...error('Thiếu khóa API, khóa không đúng, đã bị thu hồi hoặc đã hết hạn.'),
    headers: { 'WWW-Authenticate': { description: 'Bearer realm="csdl-hoi", error="invalid_token"', schema: { type: 'string' } } },
  },
  '403': error(
    'Quyền khai thác của tổ chức không còn hiệu lực (hết hạn, thu hồi, tạm đình chỉ) hoặc loại thông tin ngoài phạm vi được cấp.',
  ),
  '429': {
    ...error('Khóa API đã gọi quá số lần cho phép trong một cửa sổ thời gian (mặc định 60 lần mỗi phút).'),
    headers: { 'Retry-After': { description: 'Số giây cần đợi trước khi gọi lại.', schema: { type: 'integer' } } },
  },
};

const FILTER_NAMES = [
  ['linh-vuc', 'Mã lĩnh vực hoạt động.'],
  ['bo-nganh', 'Mã bộ, ngành quản lý nhà nước.'],
  ['pham-vi', 'Phạm vi hoạt động.'],
  ['tinh', 'Mã tỉnh, thành phố của trụ sở.'],
  ['tinh-chat', 'Mã tính chất của hội.'],
  ['trang-thai', 'Mã tình trạng hoạt động.'],
  ['chuc-vu', 'Mã chức vụ (báo cáo d).'],
  ['nam', 'Năm (báo cáo có lọc theo năm).'],
  ['loai', 'Loại văn bản (báo cáo m).'],
  ['sap-xep', 'Thứ tự của danh sách.'],
] as const;

const SECURITY = [{ apiKey: [] }];

export const API_TAG = {
  name: 'api-khai-thac',
  description: 'API cho tổ chức, cá nhân được cấp quyền khai thác (khóa API do người quản lý tài khoản của tổ chức tạo).',
};

export function apiPaths(): Record<string, unknown> {
  return {
    '/api/v1/bao-cao': {
      get: {
        tags: [API_TAG.name],
        summary: 'Các báo cáo khóa API được đọc (phạm vi quyền khai thác của tổ chức)',
        operationId: 'apiScope',
        security: SECURITY,
        responses: {
          '200': {
            description: 'Phạm vi của khóa: các loại báo cáo, thông tin cá nhân, thời hạn.',
            content: json({ $ref: '#/components/schemas/ApiScope' }),
          },
          ...COMMON_ERRORS,
        },
      },
    },
    '/api/v1/bao-cao/{category}': {
      get: {
        tags: [API_TAG.name],
        summary: 'Một trang của một báo cáo trong phạm vi được cấp',
        description: `Cùng số liệu và các cột như báo cáo trên trang web, chỉ các trường được cấp (thông tin cá nhân của lãnh đạo hội chỉ khi được cấp; các trường hội đề nghị không công khai được bỏ ra). Danh sách trả từng trang ${PAGE_SIZE} dòng (tham số trang). Mỗi lần gọi được ghi nhật ký khai thác và tính phí theo biểu phí nếu có.`,
        operationId: 'apiReport',
        security: SECURITY,
        parameters: [
          {
            name: 'category',
            in: 'path',
            required: true,
            description: 'Mã loại báo cáo (R-17.1).',
            schema: { type: 'string', enum: [...CATEGORY_KEYS] },
          },
          {
            name: 'trang',
            in: 'query',
            description: `Số trang (từ 1), mỗi trang tối đa ${PAGE_SIZE} dòng.`,
            schema: { type: 'integer', minimum: 1, maximum: 100000 },
          },
          ...FILTER_NAMES.map(([name, description]) => ({ name, in: 'query', description, schema: { type: 'string' } })),
        ],
        responses: {
          '200': { description: 'Các bảng của báo cáo (trang được hỏi).', content: json({ $ref: '#/components/schemas/ApiReport' }) },
          '400': error('Điều kiện lọc không hợp lệ.'),
          ...COMMON_ERRORS,
          '404': error('Không có loại báo cáo này.'),
        },
      },
    },
    '/api/v1/hoi/{code}': {
      get: {
        tags: [API_TAG.name],
        summary: 'Thông tin chung của một hội (báo cáo a), trong phạm vi được cấp',
        operationId: 'apiAssociation',
        security: SECURITY,
        parameters: [
          {
            name: 'code',
            in: 'path',
            required: true,
            description: 'Mã hội, dạng H000123.',
            schema: { type: 'string', pattern: '^H[0-9]{6}$' },
          },
        ],
        responses: {
          '200': { description: 'Các bảng thông tin của hội.', content: json({ $ref: '#/components/schemas/ApiAssociation' }) },
          ...COMMON_ERRORS,
          '404': error('Không có hội mang mã này.'),
        },
      },
    },
  };
}

export const API_SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'csdlhoi_<mã nhận diện>_<bí mật>',
    description:
      'Khóa API do người quản lý tài khoản của tổ chức khai thác tạo tại /khai-thac/khoa-api; gửi trong tiêu đề Authorization: Bearer <khóa API>.',
  },
};

const TABLE = {
  type: 'object',
  required: ['id', 'title', 'columns', 'rows', 'count', 'page', 'pages'],
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    columns: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'label', 'type'],
        properties: {
          key: { type: 'string' },
          label: { type: 'string' },
          type: { type: 'string', enum: ['text', 'int', 'year', 'decimal', 'money', 'date', 'bool'] },
        },
      },
    },
    rows: { type: 'array', items: { type: 'object', additionalProperties: true, description: 'Một dòng: giá trị theo khóa của cột.' } },
    totals: { type: ['object', 'null'], additionalProperties: true },
    count: { type: 'integer', description: 'Số dòng khớp điều kiện (mọi trang).' },
    count_at_least: { type: 'boolean' },
    page: { type: 'integer' },
    pages: { type: 'integer' },
    note: { type: 'string' },
  },
};

export const API_SCHEMAS = {
  ApiError: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string' },
      message: { type: ['string', 'null'], description: 'Thông báo bằng tiếng Việt.' },
      fields: { type: 'object', additionalProperties: { type: 'string' } },
      requestId: { type: 'string' },
    },
  },
  ApiScope: {
    type: 'object',
    required: ['organisation_id', 'grant', 'data'],
    properties: {
      organisation_id: { type: 'integer' },
      key: {
        type: 'object',
        properties: {
          prefix: { type: 'string' },
          label: { type: 'string' },
          expires_at: { type: ['string', 'null'], format: 'date-time' },
        },
      },
      grant: {
        type: 'object',
        properties: { personal: { type: 'boolean' }, expires_at: { type: 'string', format: 'date-time' } },
      },
      data: {
        type: 'array',
        items: {
          type: 'object',
          required: ['key', 'title', 'url'],
          properties: {
            key: { type: 'string' },
            letter: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            filters: { type: 'array', items: { type: 'string' } },
            url: { type: 'string' },
          },
        },
      },
    },
  },
  ApiTable: TABLE,
  ApiReport: {
    type: 'object',
    required: ['category', 'title', 'tables'],
    properties: {
      category: { type: 'string' },
      letter: { type: 'string' },
      title: { type: 'string' },
      filters: { type: 'object', additionalProperties: { type: 'string' } },
      filter_text: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, value: { type: 'string' } } } },
      page_size: { type: 'integer' },
      message: { type: ['string', 'null'] },
      tables: { type: 'array', items: { $ref: '#/components/schemas/ApiTable' } },
    },
  },
  ApiAssociation: {
    type: 'object',
    required: ['code', 'tables'],
    properties: { code: { type: 'string' }, tables: { type: 'array', items: { $ref: '#/components/schemas/ApiTable' } } },
  },
};
