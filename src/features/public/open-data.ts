/**
 * Open data formats (R-17.2): CSV cells neutralised against formula injection (RELIABILITY check 20), the JSON
 * metadata, and a short OpenAPI 3.1 description of the JSON. Pure functions. The columns are the regime's public
 * fields (public-fields.ts, derived from Biểu mẫu 1's definition): labels and kinds come from there.
 */
// server-text-file: the published open data (CSV with Vietnamese headers, the dataset metadata and the OpenAPI description,
// JSON) is one document in Vietnamese, the language of record, whatever the reader's language; not an HTML page.
import { neutralise } from '../../lib/excel.js';
import { formatDate } from '../../lib/format.js';
import { API_SCHEMAS, API_SECURITY_SCHEMES, API_TAG, apiPaths } from '../api-keys/api.openapi.js';
import { type PublicRegime, SCOPES } from '../register-form/definition.js';
import { PUBLIC_REGIMES, type PublicField, type PublicRecord, type PublicValue } from './public-fields.js';

/** Byte order mark: spreadsheet programs then read the file as UTF-8. */
export const BOM = '\uFEFF';

/**
 * One CSV cell: a value that a spreadsheet would run as a formula (starts with = + - @, tab or CR) gets a leading
 * apostrophe; every cell is quoted, quotes doubled (RFC 4180).
 */
export function csvCell(value: string): string {
  return `"${neutralise(value).replace(/"/g, '""')}"`;
}

export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Text of a value in the CSV: dates dd/mm/yyyy, lists joined with "; ". */
export function csvText(field: PublicField, value: PublicValue): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join('; ');
  if (field.kind === 'date') return formatDate(`${value}T00:00:00+07:00`);
  return String(value);
}

export function csvHeader(fields: readonly PublicField[]): string {
  return csvLine(fields.map((f) => f.label));
}

export function csvRow(fields: readonly PublicField[], record: PublicRecord): string {
  return csvLine(fields.map((f) => csvText(f, record[f.key] ?? null)));
}

export interface OpenDataMetadata {
  title: string;
  publisher: string;
  regime: PublicRegime;
  regime_label: string;
  generated_at: string;
  count: number;
  fields: Array<{ key: string; label: string }>;
}

export function jsonMetadata(regime: PublicRegime, fields: readonly PublicField[], count: number, generatedAt: Date): OpenDataMetadata {
  return {
    title: 'Danh sách hội công khai — Cơ sở dữ liệu hội và tổ chức phi chính phủ',
    publisher: 'Vụ Tổ chức phi chính phủ, Bộ Nội vụ',
    regime,
    regime_label: PUBLIC_REGIMES[regime].label,
    generated_at: generatedAt.toISOString(),
    count,
    fields: fields.map((f) => ({ key: f.key, label: f.label })),
  };
}

function fieldSchema(f: PublicField): Record<string, unknown> {
  const description = f.label;
  switch (f.kind) {
    case 'int':
      return { type: ['integer', 'null'], description };
    case 'date':
      return { type: ['string', 'null'], format: 'date', description };
    case 'list':
      return { type: 'array', items: { type: 'string' }, description };
    default:
      return f.key === 'code' || f.key === 'name' ? { type: 'string', description } : { type: ['string', 'null'], description };
  }
}

const FILTER_PARAMETERS = [
  {
    name: 'q',
    in: 'query',
    description: 'Tên, tên viết tắt hoặc mã hội; không phân biệt dấu và chữ hoa, chấp nhận lỗi gõ nhỏ.',
    schema: { type: 'string', maxLength: 200 },
  },
  { name: 'linh-vuc', in: 'query', description: 'Mã lĩnh vực hoạt động (chính hoặc khác).', schema: { type: 'string' } },
  {
    name: 'pham-vi',
    in: 'query',
    description: 'Phạm vi hoạt động.',
    schema: { type: 'string', enum: SCOPES.map(([code]) => code) },
  },
  {
    name: 'tinh',
    in: 'query',
    description: 'Mã tỉnh, thành phố của trụ sở (gồm cả hồ sơ ghi theo tỉnh cũ đã hợp nhất).',
    schema: { type: 'string' },
  },
  {
    name: 'sap-xep',
    in: 'query',
    description: 'Thứ tự: phu-hop (mức độ phù hợp, khi có q), ten, ma.',
    schema: { type: 'string', enum: ['phu-hop', 'ten', 'ma'] },
  },
];

/** OpenAPI 3.1 description of the open data, for the configured regime. */
export function openApi(regime: PublicRegime, fields: readonly PublicField[], serverUrl: string | null): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dữ liệu mở — Cơ sở dữ liệu hội và tổ chức phi chính phủ (Bộ Nội vụ)',
      version: '1.0.0',
      description: `Thông tin công khai của các hội đã được công bố. Chế độ công khai: ${PUBLIC_REGIMES[regime].label}. ${PUBLIC_REGIMES[regime].description} Các đường dẫn /api/v1 dành cho tổ chức, cá nhân được cấp quyền khai thác (khóa API).`,
      license: {
        name: 'Dữ liệu mở: sử dụng tự do, ghi rõ nguồn (Bộ Nội vụ); API khai thác: theo quyền khai thác được cấp',
        url: `${serverUrl ?? ''}/huong-dan/cong-chung`,
      },
    },
    // No PUBLIC_URL configured: the server is the one that served this description.
    servers: [{ url: serverUrl ?? '/', description: 'Cơ sở dữ liệu hội và tổ chức phi chính phủ' }],
    tags: [{ name: 'du-lieu-mo', description: 'Dữ liệu mở, không cần đăng nhập.' }, API_TAG],
    paths: {
      '/du-lieu-mo/hoi.json': {
        get: {
          tags: ['du-lieu-mo'],
          summary: 'Danh sách hội công khai (JSON)',
          operationId: 'listAssociationsJson',
          security: [],
          parameters: FILTER_PARAMETERS,
          responses: {
            '200': {
              description: 'Các hội khớp điều kiện, theo thứ tự của danh sách.',
              headers: { 'Cache-Control': { schema: { type: 'string' }, description: 'public, max-age=300' } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenData' } } },
            },
            '400': { description: 'Điều kiện tìm kiếm không hợp lệ.' },
          },
        },
      },
      '/du-lieu-mo/hoi.csv': {
        get: {
          tags: ['du-lieu-mo'],
          summary: 'Danh sách hội công khai (CSV, UTF-8 có BOM, tiêu đề cột tiếng Việt)',
          operationId: 'listAssociationsCsv',
          security: [],
          parameters: FILTER_PARAMETERS,
          responses: {
            '200': { description: 'Cùng các hội và các trường như bản JSON.', content: { 'text/csv': { schema: { type: 'string' } } } },
            '400': { description: 'Điều kiện tìm kiếm không hợp lệ.' },
          },
        },
      },
      ...apiPaths(),
    },
    components: {
      securitySchemes: API_SECURITY_SCHEMES,
      schemas: {
        ...API_SCHEMAS,
        Association: {
          type: 'object',
          required: fields.map((f) => f.key),
          additionalProperties: false,
          properties: Object.fromEntries(fields.map((f) => [f.key, fieldSchema(f)])),
        },
        OpenData: {
          type: 'object',
          required: ['metadata', 'data'],
          properties: {
            metadata: {
              type: 'object',
              required: ['regime', 'generated_at', 'count'],
              properties: {
                title: { type: 'string' },
                publisher: { type: 'string' },
                regime: { type: 'string', enum: ['113', '79-2022'] },
                regime_label: { type: 'string' },
                generated_at: { type: 'string', format: 'date-time' },
                count: { type: 'integer' },
                fields: {
                  type: 'array',
                  items: { type: 'object', properties: { key: { type: 'string' }, label: { type: 'string' } } },
                },
              },
            },
            data: { type: 'array', items: { $ref: '#/components/schemas/Association' } },
          },
        },
      },
    },
  };
}
