/**
 * Stored values of Biểu mẫu 1 as a person reads them (record page, history diff, change-sets), and the catalogue
 * options that name the codes.
 */
import { type FieldDef, fixedOptionLabel } from './definition.js';
import { type CatalogueCodes, isoToVietnameseDate } from './schema.js';

export interface CatalogueOption {
  code: string;
  name: string;
  current: boolean;
}
/** Options per catalogue table (the catalogues feature loads them). */
export type CatalogueOptions = Record<string, CatalogueOption[]>;

/** The allowed codes of each catalogue, for validation. */
export function codesOf(options: CatalogueOptions): CatalogueCodes {
  return Object.fromEntries(Object.entries(options).map(([t, list]) => [t, new Set(list.map((o) => o.code))]));
}

/** Text a person reads for a stored value. */
export function display(def: FieldDef, value: unknown, options: CatalogueOptions): string {
  if (value === null || value === undefined || value === '') return '';
  if (def.type === 'bool') return value ? 'Có' : 'Không';
  if (def.type === 'date') return isoToVietnameseDate(String(value));
  if (def.type === 'money') return `${Number(value).toLocaleString('vi-VN')} đ`;
  if (def.type === 'int' || def.type === 'decimal') return Number(value).toLocaleString('vi-VN');
  if (def.type === 'multiselect' && Array.isArray(value))
    return value.map((c) => display({ ...def, type: 'select' }, c, options)).join('; ');
  if (def.options && 'catalogue' in def.options)
    return options[def.options.catalogue]?.find((o) => o.code === value)?.name ?? String(value);
  return fixedOptionLabel(def.options, String(value)) ?? String(value);
}
