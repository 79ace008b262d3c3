/**
 * Test data builders, one per aggregate, each with defaults that satisfy the schema and overrides for what the test
 * is about: `await anAssociation({ scope: 'tinh' }).withLeaders(3).insert(db)`. Every row goes through Knex here,
 * in one statement per table (`insertAssociations` writes many associations and their sub-lists in a handful of
 * statements). Users are made by `createUser` (test/helpers/users.ts), which hashes the password as production does.
 */
import type { Knex } from 'knex';

type Scope = 'toan_quoc' | 'lien_tinh' | 'tinh' | 'huyen' | 'xa';

/** Columns of `associations` (snake_case, as stored); any other column of the table may be set too. */
export interface AssociationColumns {
  code?: string;
  name?: string;
  abbreviation?: string | null;
  kind_code?: string;
  scope?: Scope;
  status?: string;
  main_field_code?: string;
  managing_ministry_code?: string | null;
  hq_province_code?: string | null;
  nature_code?: string | null;
  published?: boolean;
  created_at?: Date;
  updated_at?: Date;
  [column: string]: unknown;
}

export interface LeaderColumns {
  full_name: string;
  position_code: string;
  term_number?: number | null;
  [column: string]: unknown;
}

export interface CongressColumns {
  term_number: number;
  congress_type: 'thanh_lap' | 'nhiem_ky' | 'bat_thuong';
  held_on: string;
  term_years: number;
  [column: string]: unknown;
}

export interface CongressExtensionColumns {
  decision_number: string;
  decided_on: string;
  new_deadline: string;
}

export interface DecisionColumns {
  event_type: string;
  number?: string | null;
  signed_on?: string | null;
  [column: string]: unknown;
}

export interface FundColumns {
  year: number;
  source: string;
  amount_vnd: number;
}

export interface StaffQuotaColumns {
  year: number;
  quota?: number;
  [column: string]: unknown;
}

export interface InsertedAssociation {
  id: number;
  code: string;
  name: string;
}

/** Codes and names unique within a worker (each test file has its own database, so within the database too). */
let sequence = 0;

/** The association's own sub-lists, keyed by table; each row gets `association_id` when inserted. */
interface SubLists {
  leaders: LeaderColumns[];
  congresses: CongressColumns[];
  congress_extensions: CongressExtensionColumns[];
  association_other_fields: Array<{ field_code: string }>;
  decisions: DecisionColumns[];
  funds: FundColumns[];
  staff_quotas: StaffQuotaColumns[];
}

const SUB_TABLES = [
  'association_other_fields',
  'decisions',
  'leaders',
  'congresses',
  'congress_extensions',
  'staff_quotas',
  'funds',
] as const satisfies ReadonlyArray<keyof SubLists>;

export class AssociationBuilder {
  private readonly row: AssociationColumns & Required<Pick<AssociationColumns, 'code' | 'name'>>;
  private readonly lists: SubLists = {
    leaders: [],
    congresses: [],
    congress_extensions: [],
    association_other_fields: [],
    decisions: [],
    funds: [],
    staff_quotas: [],
  };

  constructor(columns: AssociationColumns) {
    sequence += 1;
    this.row = {
      code: `H6${String(sequence).padStart(5, '0')}`,
      name: `Hội thử nghiệm số ${sequence}`,
      kind_code: 'hoi',
      scope: 'toan_quoc',
      status: 'hoat_dong',
      main_field_code: 'YTE',
      ...columns,
    };
  }

  with(columns: AssociationColumns): this {
    Object.assign(this.row, columns);
    return this;
  }

  /** `n` leaders (a chair, then committee members), or the given rows. */
  withLeaders(leaders: number | LeaderColumns[]): this {
    const rows =
      typeof leaders === 'number'
        ? Array.from({ length: leaders }, (_, i) => ({
            full_name: `Người lãnh đạo ${i + 1}`,
            position_code: i === 0 ? 'CT' : 'UVBCH',
            term_number: 1,
          }))
        : leaders;
    this.lists.leaders.push(...rows);
    return this;
  }

  withCongresses(congresses: CongressColumns[]): this {
    this.lists.congresses.push(...congresses);
    return this;
  }

  withCongressExtensions(extensions: CongressExtensionColumns[]): this {
    this.lists.congress_extensions.push(...extensions);
    return this;
  }

  /** Fields of activity besides the main one. */
  withOtherFields(fieldCodes: string[]): this {
    this.lists.association_other_fields.push(...fieldCodes.map((field_code) => ({ field_code })));
    return this;
  }

  withDecisions(decisions: DecisionColumns[]): this {
    this.lists.decisions.push(...decisions);
    return this;
  }

  withFunds(funds: FundColumns[]): this {
    this.lists.funds.push(...funds);
    return this;
  }

  withStaffQuotas(quotas: StaffQuotaColumns[]): this {
    this.lists.staff_quotas.push(...quotas);
    return this;
  }

  /** The `associations` row as it will be inserted. */
  build(): AssociationColumns & { code: string; name: string } {
    return { ...this.row };
  }

  subLists(): Readonly<SubLists> {
    return this.lists;
  }

  /** Inserts the association and its sub-lists (`db` may be a transaction). */
  async insert(db: Knex): Promise<InsertedAssociation> {
    const [inserted] = await insertAssociations(db, [this]);
    return inserted as InsertedAssociation;
  }
}

export function anAssociation(columns: AssociationColumns = {}): AssociationBuilder {
  return new AssociationBuilder(columns);
}

/** Many associations in one statement, then each sub-list table in one statement; ids in the builders' order. */
export async function insertAssociations(db: Knex, builders: AssociationBuilder[]): Promise<InsertedAssociation[]> {
  if (builders.length === 0) return [];
  const inserted: InsertedAssociation[] = [];
  // A few hundred rows per statement keeps the bound parameters well under PostgreSQL's limit.
  for (let i = 0; i < builders.length; i += 250) {
    const rows = builders.slice(i, i + 250).map((b) => b.build());
    inserted.push(...((await db('associations').insert(rows).returning(['id', 'code', 'name'])) as InsertedAssociation[]));
  }
  for (const table of SUB_TABLES) {
    const rows = builders.flatMap((b, i) => b.subLists()[table].map((row) => ({ association_id: inserted[i]?.id, ...row })));
    if (rows.length > 0) await db(table).insert(rows);
  }
  return inserted;
}

export interface OrganisationColumns {
  name?: string;
  kind?: string;
  [column: string]: unknown;
}

export interface AccessGrantColumns {
  categories?: string[];
  personal?: boolean;
  valid_from?: Date;
  expires_at?: Date;
  [column: string]: unknown;
}

const DAY_MS = 86_400_000;

/** An organisation of data users, with its access grants. */
export class OrganisationBuilder {
  private readonly row: OrganisationColumns;
  private readonly grants: AccessGrantColumns[] = [];

  constructor(columns: OrganisationColumns) {
    sequence += 1;
    this.row = { name: `Tổ chức thử nghiệm số ${sequence}`, ...columns };
  }

  /** A grant current from yesterday for a year (report a unless told), or as overridden. */
  withGrant(columns: AccessGrantColumns = {}): this {
    this.grants.push({
      categories: ['a'],
      valid_from: new Date(Date.now() - DAY_MS),
      expires_at: new Date(Date.now() + 365 * DAY_MS),
      ...columns,
    });
    return this;
  }

  async insert(db: Knex): Promise<{ id: number }> {
    const [org] = await db('organisations').insert(this.row).returning<{ id: number }[]>('id');
    const id = (org as { id: number }).id;
    if (this.grants.length > 0) await db('access_grants').insert(this.grants.map((g) => ({ organisation_id: id, ...g })));
    return { id };
  }
}

export function anOrganisation(columns: OrganisationColumns = {}): OrganisationBuilder {
  return new OrganisationBuilder(columns);
}

export interface AccessRegistrationColumns {
  status?: string;
  categories?: string[];
  [column: string]: unknown;
}

/** A registration of an organisation for data access, as the public form stores it. */
export function anAccessRegistration(columns: AccessRegistrationColumns = {}) {
  const row = {
    token_hash: 'x',
    kind: 'organisation',
    name: 'Viện nghiên cứu thử nghiệm',
    identifier: '0101',
    address: 'Hà Nội',
    email: 'lienhe@vien.example.vn',
    phone: '024',
    manager_name: 'Nguyễn Văn A',
    manager_email: 'lienhe@vien.example.vn',
    purpose: 'Nghiên cứu',
    legal_basis: 'Điều 14',
    categories: ['a'],
    period_from: '2026-01-01',
    period_to: '2026-12-31',
    ...columns,
  };
  return {
    async insert(db: Knex): Promise<{ id: number }> {
      const [r] = await db('access_registrations').insert(row).returning<{ id: number }[]>('id');
      return r as { id: number };
    },
  };
}

export interface SubmissionColumns {
  status?: string;
  base_version?: number;
  [column: string]: unknown;
}

/** An association's submission with its history of events. */
export function aSubmission(associationId: number, columns: SubmissionColumns = {}) {
  const row = { association_id: associationId, status: 'draft', base_version: 1, ...columns };
  const events: Array<{ action: string; at: Date; [column: string]: unknown }> = [];
  const builder = {
    withEvents(list: typeof events) {
      events.push(...list);
      return builder;
    },
    async insert(db: Knex): Promise<{ id: number }> {
      const [r] = await db('submissions').insert(row).returning<{ id: number }[]>('id');
      const id = (r as { id: number }).id;
      if (events.length > 0) await db('submission_events').insert(events.map((e) => ({ submission_id: id, ...e })));
      return { id };
    },
  };
  return builder;
}

/** An import batch as the import pipeline leaves it: `validated` (waiting to be applied) unless told. */
export function anImportBatch(columns: Record<string, unknown> = {}) {
  sequence += 1;
  const row = {
    original_name: `lo-nhap-${sequence}.csv`,
    storage_name: `test-import-${sequence}-${Date.now()}`,
    file_format: 'csv',
    mime_type: 'text/csv',
    size_bytes: 100,
    sha256: '0'.repeat(64),
    status: 'validated',
    rows_total: 3,
    rows_valid: 3,
    ...columns,
  };
  return {
    async insert(db: Knex): Promise<{ id: number }> {
      const [r] = await db('import_batches').insert(row).returning<{ id: number }[]>('id');
      return { id: Number((r as { id: number }).id) };
    },
  };
}

/** A scheduled job's run (job_runs): failed unless told. */
export function aJobRun(columns: { job?: string; status?: string; started_at?: Date; [column: string]: unknown } = {}) {
  sequence += 1;
  const started = columns.started_at ?? new Date();
  const row = {
    job: 'congress-alerts',
    period_key: `test-${sequence}`,
    trigger: 'manual',
    status: 'failed',
    finished_at: started,
    error: 'Lỗi thử nghiệm',
    ...columns,
    started_at: started,
  };
  return {
    async insert(db: Knex): Promise<{ id: number }> {
      const [r] = await db('job_runs').insert(row).returning<{ id: number }[]>('id');
      return { id: Number((r as { id: number }).id) };
    },
  };
}

/** A backup or restore drill (backup_runs): a failed backup unless told. */
export function aBackupRun(columns: { kind?: string; status?: string; started_at?: Date; [column: string]: unknown } = {}) {
  const row = { kind: 'backup', status: 'failed', started_at: new Date(), error: 'Lỗi sao lưu thử nghiệm', ...columns };
  return {
    async insert(db: Knex): Promise<{ id: number }> {
      const [r] = await db('backup_runs').insert(row).returning<{ id: number }[]>('id');
      return { id: Number((r as { id: number }).id) };
    },
  };
}
