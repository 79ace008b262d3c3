import type { Knex } from 'knex';

/**
 * The association record (hồ sơ hội) with the whole of Biểu mẫu 1 (FORM-1.md groups A–I) and its sub-lists.
 * R-2 data levels, R-3.1 paper dossier, R-7.4 provenance (in association_versions), optimistic locking (version).
 */
const LIVE_STATUSES = ['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the'];

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE SEQUENCE association_code_seq START 1');

  await knex.schema.createTable('associations', (t) => {
    t.increments('id').primary();
    // Register code: permanent, never reused (generated from a sequence, e.g. H000123).
    t.text('code').notNullable().unique();
    // A. Identification
    t.text('name').notNullable();
    t.text('abbreviation');
    t.text('foreign_name');
    t.text('foreign_abbreviation');
    t.text('kind_code').notNullable().references('code').inTable('association_kinds').onUpdate('CASCADE');
    t.text('hq_address');
    t.text('hq_ward');
    t.text('hq_province_code').references('code').inTable('provinces').onUpdate('CASCADE');
    t.text('phone');
    t.text('email');
    t.text('website');
    t.text('tax_code');
    t.text('other_identifiers');
    // C. Purpose, scope, field, nature, management
    t.text('purpose');
    t.text('scope').notNullable();
    t.text('main_field_code').notNullable().references('code').inTable('fields').onUpdate('CASCADE');
    t.text('managing_ministry_code').references('code').inTable('ministries').onUpdate('CASCADE');
    t.text('nature_code').references('code').inTable('natures').onUpdate('CASCADE');
    t.boolean('party_state_tasked').notNullable().defaultTo(false);
    t.text('tasked_legal_basis');
    t.date('tasked_from');
    t.date('tasked_to');
    // D. Organisation
    t.integer('exec_committee_count');
    t.integer('standing_committee_count');
    t.integer('inspection_committee_count');
    t.integer('member_associations_count');
    t.integer('branches_count');
    // E. Members (aggregates only)
    t.integer('members_total');
    t.integer('members_official');
    t.integer('members_associate');
    t.integer('members_honorary');
    t.integer('members_organisations');
    t.integer('members_individuals');
    // H. Headquarters area and origin
    t.decimal('hq_area_m2', 12, 2);
    t.text('hq_origin_code').references('code').inTable('hq_origins').onUpdate('CASCADE');
    t.text('hq_origin_document');
    // Status and record keeping
    t.text('status').notNullable().defaultTo('hoat_dong').references('code').inTable('statuses').onUpdate('CASCADE');
    t.text('data_level').notNullable().defaultTo('raw');
    t.boolean('published').notNullable().defaultTo(false);
    t.text('paper_dossier_ref');
    t.timestamp('paper_checked_at', { useTz: true });
    t.integer('paper_checked_by').references('id').inTable('users');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users');
  });
  await knex.raw(
    `ALTER TABLE associations ADD CONSTRAINT associations_scope_known CHECK (scope IN ('toan_quoc','lien_tinh','tinh','xa','huyen'))`,
  );
  await knex.raw(`ALTER TABLE associations ADD CONSTRAINT associations_data_level_known CHECK (data_level IN ('raw','basic','advanced'))`);
  await knex.raw(`ALTER TABLE associations ADD CONSTRAINT associations_counts_positive CHECK (
    coalesce(members_total, 0) >= 0 AND coalesce(exec_committee_count, 0) >= 0 AND coalesce(hq_area_m2, 0) >= 0)`);
  // The Vietnamese name is unique among live associations (FORM-1.md A).
  await knex.raw(`CREATE UNIQUE INDEX associations_live_name_unique ON associations (lower(name))
    WHERE status IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(',')})`);
  // Search ignoring diacritics and case, tolerant of typos (trigram); filters.
  await knex.raw('CREATE INDEX associations_name_search ON associations USING gin (f_unaccent(name) gin_trgm_ops)');
  await knex.raw("CREATE INDEX associations_abbr_search ON associations USING gin (f_unaccent(coalesce(abbreviation, '')) gin_trgm_ops)");
  for (const col of [
    'main_field_code',
    'managing_ministry_code',
    'scope',
    'hq_province_code',
    'nature_code',
    'status',
    'data_level',
    'kind_code',
  ]) {
    await knex.raw(`CREATE INDEX associations_${col}_idx ON associations (${col})`);
  }
  await knex.raw('CREATE INDEX associations_published_idx ON associations (published) WHERE published');

  await knex.schema.createTable('association_other_fields', (t) => {
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('field_code').notNullable().references('code').inTable('fields').onUpdate('CASCADE');
    t.primary(['association_id', 'field_code']);
    t.index(['field_code']);
  });

  await knex.schema.createTable('representative_offices', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('address').notNullable();
    t.text('province_code').references('code').inTable('provinces').onUpdate('CASCADE');
    t.text('decision_number');
    t.date('decision_date');
    t.index(['association_id']);
  });

  await knex.schema.createTable('legal_entities', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('entity_kind').notNullable();
    t.text('registration_number');
    t.date('registration_date');
    t.text('issuer');
    t.index(['association_id']);
  });
  await knex.raw(
    `ALTER TABLE legal_entities ADD CONSTRAINT legal_entities_kind_known CHECK (entity_kind IN ('trung_tam','vien','tap_chi','doanh_nghiep','khac'))`,
  );

  await knex.schema.createTable('attachments', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations');
    t.text('document_type_code').notNullable().references('code').inTable('document_types').onUpdate('CASCADE');
    t.text('title').notNullable();
    t.text('original_name').notNullable();
    t.text('storage_name').notNullable().unique();
    t.text('mime_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.integer('supersedes_id').references('id').inTable('attachments');
    t.timestamp('superseded_at', { useTz: true });
    t.text('source').notNullable().defaultTo('edit');
    t.integer('uploaded_by').references('id').inTable('users');
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['association_id']);
  });

  // B. Legal life: every decision with number, date, issuer; links to predecessor/successor associations.
  await knex.schema.createTable('decisions', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('event_type').notNullable();
    t.text('number');
    t.date('signed_on');
    t.text('issuer');
    t.text('summary');
    t.text('old_name');
    t.text('new_name');
    t.integer('related_association_id').references('id').inTable('associations');
    t.integer('attachment_id').references('id').inTable('attachments');
    t.index(['association_id', 'signed_on']);
    t.index(['related_association_id']);
  });
  await knex.raw(`ALTER TABLE decisions ADD CONSTRAINT decisions_event_known CHECK (event_type IN (
    'cong_nhan_ban_van_dong','cho_phep_thanh_lap','dai_hoi_thanh_lap','phe_duyet_dieu_le','sua_doi_dieu_le','doi_ten',
    'chia','tach','sap_nhap','hop_nhat','dinh_chi','giai_the','khac'))`);

  // F. Leaders: one row per person per position per term; former leaders stay with their dates.
  await knex.schema.createTable('leaders', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('full_name').notNullable();
    t.integer('birth_year');
    t.text('gender');
    t.text('qualification');
    t.text('academic_title');
    t.text('outside_position');
    t.text('official_status').notNullable().defaultTo('khong');
    t.text('position_code').notNullable().references('code').inTable('leader_positions').onUpdate('CASCADE');
    t.boolean('full_time').notNullable().defaultTo(false);
    t.integer('term_number');
    t.date('elected_on');
    t.date('left_on');
    t.text('left_reason');
    t.text('phone');
    t.text('email');
    t.index(['association_id']);
    t.index(['position_code']);
  });
  await knex.raw(`ALTER TABLE leaders ADD CONSTRAINT leaders_gender_known CHECK (gender IS NULL OR gender IN ('nam','nu','khac'))`);
  await knex.raw(`ALTER TABLE leaders ADD CONSTRAINT leaders_official_known CHECK (official_status IN ('dang_chuc','nghi_huu','khong'))`);
  await knex.raw('CREATE INDEX leaders_name_search ON leaders USING gin (f_unaccent(full_name) gin_trgm_ops)');

  // G. Term congresses and extensions.
  await knex.schema.createTable('congresses', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.integer('term_number').notNullable();
    t.text('congress_type').notNullable();
    t.date('held_on').notNullable();
    t.integer('term_years').notNullable();
    t.text('assembly_form');
    t.text('meeting_mode');
    t.integer('delegates');
    t.date('pre_report_filed_on');
    t.text('authority_opinion_number');
    t.date('authority_opinion_date');
    t.date('post_report_filed_on');
    t.index(['association_id', 'held_on']);
  });
  await knex.raw(
    `ALTER TABLE congresses ADD CONSTRAINT congresses_type_known CHECK (congress_type IN ('thanh_lap','nhiem_ky','bat_thuong'))`,
  );
  await knex.raw('ALTER TABLE congresses ADD CONSTRAINT congresses_term_years CHECK (term_years BETWEEN 1 AND 5)');

  await knex.schema.createTable('congress_extensions', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('decision_number').notNullable();
    t.date('decided_on').notNullable();
    t.date('new_deadline').notNullable();
    t.index(['association_id']);
  });

  // H. State staff quota and operating funds per year.
  await knex.schema.createTable('staff_quotas', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.integer('year').notNullable();
    t.integer('quota').notNullable().defaultTo(0);
    t.text('deciding_document');
    t.integer('in_use');
    t.integer('on_quota');
    t.integer('on_contract');
    t.integer('elected_retirees');
    t.unique(['association_id', 'year']);
    t.index(['year']);
  });

  await knex.schema.createTable('funds', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.integer('year').notNullable();
    t.text('source').notNullable();
    t.bigInteger('amount_vnd').notNullable();
    t.unique(['association_id', 'year', 'source']);
    t.index(['year', 'source']);
  });
  await knex.raw(`ALTER TABLE funds ADD CONSTRAINT funds_source_known CHECK (source IN (
    'nsnn_bien_che','nsnn_nhiem_vu','hoi_phi','dich_vu','tai_tro_trong_nuoc','tai_tro_nuoc_ngoai'))`);
  await knex.raw('ALTER TABLE funds ADD CONSTRAINT funds_amount_positive CHECK (amount_vnd >= 0)');

  // R-7.4: every saved version, whole, with who, when, source and reason.
  await knex.schema.createTable('association_versions', (t) => {
    t.bigIncrements('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations');
    t.integer('version').notNullable();
    t.jsonb('snapshot').notNullable();
    t.text('source').notNullable();
    t.text('reason');
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['association_id', 'version']);
  });
  await knex.raw(`ALTER TABLE association_versions ADD CONSTRAINT association_versions_source_format
    CHECK (source ~ '^(edit|create|publish|paper_check|submission:[0-9]+|import:[0-9]+)$')`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'association_versions',
    'funds',
    'staff_quotas',
    'congress_extensions',
    'congresses',
    'leaders',
    'decisions',
    'attachments',
    'legal_entities',
    'representative_offices',
    'association_other_fields',
    'associations',
  ]) {
    await knex.schema.dropTable(table);
  }
  await knex.raw('DROP SEQUENCE association_code_seq');
}
