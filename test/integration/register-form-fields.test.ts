/**
 * Biểu mẫu 1's definition drives its outputs (issue 14): walking the definition, every field flagged public shows,
 * with its label and value, on the public record page and in open data (CSV and JSON) under each regime it names,
 * and every field that feeds report (a) shows in report (a) for the association. A field added to the definition
 * with a `public` attribute or 'a' in `reports` is checked here without touching this file.
 *
 * The association is filled through the staff form with a value for every field of the definition (sub-lists: one
 * row each) and published through the record page, as staff do.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKey } from '../../src/features/public/public-fields.js';
import { ALL_FIELDS, type FieldDef, type PublicRegime, SUBLISTS } from '../../src/features/register-form/definition.js';
import { type CatalogueOptions, display } from '../../src/features/register-form/display.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

/** A field with where it lives: the record itself, or the first row of a sub-list. */
interface Located {
  def: FieldDef;
  list: string | null;
}
const FIELDS: readonly Located[] = [
  ...ALL_FIELDS.map((def) => ({ def, list: null })),
  ...SUBLISTS.flatMap((l) => l.fields.map((def) => ({ def, list: l.name }))),
];
const name = (f: Located) => (f.list ? `${f.list}.0.${f.def.name}` : f.def.name);

/**
 * The row a sub-list's public fields are read from: the founding decision (the earliest «cho phép thành lập» one)
 * and the current president (a CT leader still in office). Fields left blank: a related association must be
 * another record of the register.
 */
const ROW_VALUES: Record<string, string> = {
  'decisions.0.event_type': 'cho_phep_thanh_lap',
  'leaders.0.position_code': 'CT',
  'leaders.0.left_on': '',
  'leaders.0.left_reason': '',
  'decisions.0.related_association_code': '',
  // Official members and organisations + individuals are checked against the total (37 each otherwise), and
  // the annual report's filing date (05/02/2013, as every date) against its year.
  members_total: '120',
  annual_report_year: '2012',
};

/** A valid, recognisable value for every field of the form, as a person types it. */
function typed(f: Located, options: CatalogueOptions): string | string[] {
  const def = f.def;
  const fixed = ROW_VALUES[name(f)];
  if (fixed !== undefined) return fixed;
  if (def.format) return def.format.example;
  const codes = def.options
    ? 'catalogue' in def.options
      ? (options[def.options.catalogue] ?? []).map((o) => o.code)
      : def.options.values.map(([c]) => c)
    : [];
  const within = (n: number) => String(Math.min(def.max ?? n, Math.max(def.min ?? n, n)));
  switch (def.type) {
    case 'select':
      return codes[0] ?? '';
    case 'multiselect':
      return codes.slice(1, 3); // the first is the main field's
    case 'bool':
      return 'on';
    case 'int':
      return within(37);
    case 'year':
      return within(2020);
    case 'money':
      return '1.500.000';
    case 'decimal':
      return '120,5';
    case 'date':
      return '05/02/2013';
    case 'email':
      return `${def.name.replaceAll('_', '-')}@hoi-mau.example.vn`;
    case 'url':
      return `https://${def.name.replaceAll('_', '-')}.hoi-mau.example.vn`;
    case 'phone':
      return '024 3825 0037';
    default:
      return f.list ? `Mẫu ${f.list} ${def.name}` : `Mẫu ${def.name}`;
  }
}

interface Published {
  t: TestContext;
  staff: Agent;
  code: string;
  options: CatalogueOptions;
  /** The stored value of each field, by its form name. */
  stored: Map<string, unknown>;
}

async function publishedAssociation(regime: PublicRegime): Promise<Published> {
  const t = await buildTestApp({ PUBLIC_FIELDS_REGIME: regime });
  const staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const options = await t.services.associations.catalogueOptions();
  const body: Record<string, string | string[]> = {};
  for (const f of FIELDS) body[name(f)] = typed(f, options);
  body.name = `Hội Mẫu Kiểm Tra Trường ${regime}`;
  const page = await staff.get('/quan-tri/hoi/moi');
  const created = await staff
    .post('/quan-tri/hoi/moi')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...body });
  expect(created.status, created.text.slice(0, 3000)).toBe(303);
  const code = String(created.headers.location).split('/').pop() as string;
  const record = await staff.get(`/quan-tri/hoi/${code}`);
  const version = /name="version" value="(\d+)"/.exec(record.text)?.[1];
  const published = await staff
    .post(`/quan-tri/hoi/${code}/cong-khai`)
    .type('form')
    .send({ _csrf: csrfFrom(record.text), version, published: '1' });
  expect(published.status).toBe(303);
  const full = await t.services.associations.get(code);
  const stored = new Map<string, unknown>();
  for (const f of FIELDS) stored.set(name(f), f.list ? full.lists[f.list]?.[0]?.[f.def.name] : full.record[f.def.name]);
  return { t, staff, code, options, stored };
}

function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Label → value pairs of a page: its <dl> terms and its tables (a row's label cell beside its value, or a column). */
function pairsOf(html: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const m of html.matchAll(/<dt\b[^>]*>([\s\S]*?)<\/dt>\s*<dd\b[^>]*>([\s\S]*?)<\/dd>/g))
    pairs.push([text(m[1] ?? ''), text(m[2] ?? '')]);
  for (const table of html.matchAll(/<table\b[\s\S]*?<\/table>/g)) {
    const head = /<thead\b[\s\S]*?<\/thead>/.exec(table[0])?.[0] ?? '';
    const heads = [...head.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1] ?? ''));
    for (const row of table[0].slice(head.length ? table[0].indexOf(head) + head.length : 0).matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)) {
      // A row's first cell may be a row header (<th scope="row">).
      const cells = [...(row[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1] ?? ''));
      cells.forEach((cell, i) => {
        pairs.push([heads[i] ?? '', cell]); // column layout
        if (i > 0) pairs.push([cells[i - 1] ?? '', cell]); // label cell, then its value
      });
    }
  }
  return pairs;
}

/** What a person reads for the field's stored value (the register's own display rules). */
function expected(p: Published, f: Located): string {
  const v = display(f.def, p.stored.get(name(f)), p.options);
  expect(v, `${name(f)} was stored with a value`).not.toBe('');
  return v;
}

/** A value of the open data read as the register displays it. */
function asDisplayed(f: Located, v: unknown): string {
  if (Array.isArray(v)) return v.join('; ');
  if (f.def.type === 'date' && typeof v === 'string') return v.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');
  if (f.def.type === 'int' && v !== '' && v !== null) return Number(v).toLocaleString('vi-VN');
  return String(v ?? '');
}

/** The field's public key and label (public/public-fields.ts derives the open-data columns the same way). */
function publicOf(f: Located) {
  const attr = f.def.public;
  if (!attr) return null;
  return { key: publicKey({ ...f.def, public: attr }), label: attr.label ?? f.def.label };
}

const REGIMES: readonly PublicRegime[] = ['113', '79-2022'];
const contexts = new Map<PublicRegime, Published>();

beforeAll(async () => {
  for (const [regime, p] of await Promise.all(REGIMES.map(async (r) => [r, await publishedAssociation(r)] as const)))
    contexts.set(regime, p);
});
afterAll(async () => {
  await Promise.all([...contexts.values()].map((p) => p.t.db.destroy()));
});

describe('the definition drives the outputs', () => {
  it('flags fields for every regime and for report (a)', () => {
    for (const regime of REGIMES) expect(FIELDS.filter((f) => f.def.public?.regimes.includes(regime)).length, regime).toBeGreaterThan(10);
    expect(FIELDS.filter((f) => f.def.reports?.includes('a')).length).toBeGreaterThan(10);
  });

  for (const regime of REGIMES) {
    describe(`public regime ${regime}`, () => {
      const flagged = () => FIELDS.filter((f) => f.def.public?.regimes.includes(regime));
      const hidden = () => FIELDS.filter((f) => f.def.public && !f.def.public.regimes.includes(regime));

      it('shows each public field, label and value, on the public record page', async () => {
        const p = contexts.get(regime) as Published;
        const res = await request(p.t.app).get(`/hoi/${p.code}`);
        expect(res.status).toBe(200);
        const pairs = pairsOf(res.text);
        for (const f of flagged()) {
          const label = publicOf(f)?.label as string;
          expect(
            pairs.some(([l, v]) => l === label && v === expected(p, f)),
            `${name(f)}: «${label}» with «${expected(p, f)}»`,
          ).toBe(true);
        }
        const labels = new Set(pairs.map(([l]) => l));
        for (const f of hidden()) expect(labels.has(publicOf(f)?.label as string), `${name(f)} is not public under ${regime}`).toBe(false);
      });

      it('puts each public field in the open data, JSON and CSV', async () => {
        const p = contexts.get(regime) as Published;
        const json = await request(p.t.app).get('/du-lieu-mo/hoi.json');
        expect(json.status).toBe(200);
        const item = (json.body.data as Array<Record<string, unknown>>).find((d) => d.code === p.code) as Record<string, unknown>;
        expect(item).toBeDefined();
        const meta = new Map((json.body.metadata.fields as Array<{ key: string; label: string }>).map((m) => [m.key, m.label]));
        const csv = await request(p.t.app)
          .get('/du-lieu-mo/hoi.csv')
          .buffer(true)
          .parse((r, cb) => {
            let s = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => {
              s += c;
            });
            r.on('end', () => cb(null, s));
          });
        expect(csv.status).toBe(200);
        const [header, ...rows] = parseCsv(String(csv.body));
        const row = rows.find((r) => r[0] === p.code) as string[];
        expect(row).toBeDefined();
        for (const f of flagged()) {
          const { key, label } = publicOf(f) as { key: string; label: string };
          expect(meta.get(key), `${name(f)}: JSON metadata`).toBe(label);
          expect(asDisplayed(f, item[key]), `${name(f)}: JSON ${key}`).toBe(expected(p, f));
          const column = (header ?? []).indexOf(label);
          expect(column, `${name(f)}: CSV column «${label}»`).toBeGreaterThanOrEqual(0);
          expect(asDisplayed(f, row[column]), `${name(f)}: CSV`).toBe(expected(p, f));
        }
        for (const f of hidden()) expect(Object.hasOwn(item, (publicOf(f) as { key: string }).key), `${name(f)} not in JSON`).toBe(false);
      });
    });
  }

  it('shows each field that feeds report (a), label and value, in report (a) of the association', async () => {
    const p = contexts.get('113') as Published;
    const res = await p.staff.get('/bao-cao/a').query({ ma: p.code });
    expect(res.status).toBe(200);
    const pairs = pairsOf(res.text);
    const reported = FIELDS.filter((f) => f.def.reports?.includes('a'));
    for (const f of reported) {
      expect(
        pairs.some(([l, v]) => l === f.def.label && v === expected(p, f)),
        `${name(f)}: «${f.def.label}» with «${expected(p, f)}»`,
      ).toBe(true);
    }
  });
});
