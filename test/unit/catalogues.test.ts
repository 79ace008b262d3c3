/** Catalogue reference data and form rules, without a database. */
import { describe, expect, it } from 'vitest';
import { FIELDS, FORMER_MINISTRIES, FORMER_PROVINCES, MINISTRIES, PROVINCES } from '../../seeds/reference/catalogues.js';
import { CATALOGUE_KINDS, CATALOGUE_TABLES, catalogueBySlug } from '../../src/features/catalogues/catalogue-kinds.js';
import { entrySchema, isoToVietnamese, parseVietnameseDate } from '../../src/features/catalogues/catalogues.schemas.js';
import { entryStatus, todayIn } from '../../src/features/catalogues/catalogues.service.js';

describe('reference seed: provinces and ministries', () => {
  it('has the 34 provincial units in force from 01/07/2025, unique codes, no end date', () => {
    expect(PROVINCES).toHaveLength(34);
    expect(new Set(PROVINCES.map((p) => p.code)).size).toBe(34);
    for (const p of PROVINCES) {
      expect(p.valid_from).toBe('2025-07-01');
      expect(p.valid_to ?? null).toBeNull();
      expect(p.code).toMatch(/^\d{2}$/);
    }
  });

  it('has the 63 former provinces, expired on 30/06/2025, each with a successor among the 34', () => {
    const current = new Set(PROVINCES.map((p) => p.code));
    expect(FORMER_PROVINCES).toHaveLength(63);
    expect(new Set(FORMER_PROVINCES.map((p) => p.code)).size).toBe(63);
    for (const p of FORMER_PROVINCES) {
      expect(p.valid_to).toBe('2025-06-30');
      expect(current.has(p.successor_code as string), `${p.code} → ${p.successor_code}`).toBe(true);
      expect(current.has(p.code)).toBe(false);
    }
    // Every current unit succeeds at least one former province.
    expect(new Set(FORMER_PROVINCES.map((p) => p.successor_code)).size).toBe(34);
  });

  it('links former ministries to current ones and gives each field a current ministry', () => {
    const current = new Set(MINISTRIES.map((m) => m.code));
    for (const m of FORMER_MINISTRIES) expect(current.has(m.successor_code as string)).toBe(true);
    for (const f of FIELDS) expect(current.has(f.default_ministry_code as string)).toBe(true);
  });
});

describe('catalogue kinds', () => {
  it('defines each of the nine tables once, with a unique slug', () => {
    expect(CATALOGUE_KINDS.map((k) => k.table).sort()).toEqual([...CATALOGUE_TABLES].sort());
    expect(new Set(CATALOGUE_KINDS.map((k) => k.slug)).size).toBe(9);
    expect(catalogueBySlug('trang-thai')?.fixedCodes).toBe(true);
  });
});

describe('dates typed dd/mm/yyyy', () => {
  it('parses real dates and refuses impossible ones', () => {
    expect(parseVietnameseDate('01/07/2025')).toBe('2025-07-01');
    expect(parseVietnameseDate(' 1/7/2025 ')).toBe('2025-07-01');
    expect(parseVietnameseDate('29/02/2024')).toBe('2024-02-29');
    expect(parseVietnameseDate('')).toBeNull();
    for (const bad of ['29/02/2025', '31/04/2025', '00/01/2025', '2025-07-01', '01/13/2025', '1/1/25']) {
      expect(parseVietnameseDate(bad), bad).toBeUndefined();
    }
    expect(isoToVietnamese('2025-06-30')).toBe('30/06/2025');
    expect(isoToVietnamese(null)).toBe('');
  });

  it('says whether an entry is in force on a day', () => {
    expect(entryStatus({ valid_from: null, valid_to: '2025-06-30' }, '2025-06-30')).toBe('current');
    expect(entryStatus({ valid_from: null, valid_to: '2025-06-30' }, '2025-07-01')).toBe('expired');
    expect(entryStatus({ valid_from: '2025-07-01', valid_to: null }, '2025-06-30')).toBe('upcoming');
    // Midnight in Hà Nội is still the previous day in UTC.
    expect(todayIn({ now: () => new Date('2025-06-30T17:30:00Z') })).toBe('2025-07-01');
  });
});

describe('entry form schema', () => {
  const provinces = catalogueBySlug('tinh');
  const statuses = catalogueBySlug('trang-thai');
  if (!provinces || !statuses) throw new Error('kinds missing');

  it('gives Vietnamese messages per field', () => {
    const r = entrySchema(provinces, 'create').safeParse({
      code: 'a b',
      name: '',
      validFrom: '02/01/2026',
      validTo: '01/01/2026',
      sortOrder: '-1',
    });
    expect(r.success).toBe(false);
    const paths = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));
    expect(paths.code).toContain('Mã chỉ gồm');
    expect(paths.name).toBe('Nhập tên gọi.');
    expect(paths.sortOrder).toContain('số nguyên');
  });

  it('checks the order of the dates', () => {
    const r = entrySchema(provinces, 'edit').safeParse({ name: 'X', validFrom: '02/01/2026', validTo: '01/01/2026' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['validTo']);
  });

  it('keeps only the names and note for fixed-code kinds', () => {
    const r = entrySchema(statuses, 'edit').safeParse({ name: ' Tên ', note: '', code: 'x', validTo: '01/01/2020' });
    expect(r.data).toEqual({ name: 'Tên', nameEn: null, note: null });
  });
});
