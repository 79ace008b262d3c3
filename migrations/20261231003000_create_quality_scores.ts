import type { Knex } from 'knex';

/**
 * Data-quality score per record (issue 16 item 4):
 * - `quality_rules`: the catalogue of checks NGO staff tune — a stable code, Vietnamese label, explanation and hint,
 *   a weight (0–100), enabled or not, and an optional whole-number parameter (e.g. N years) with its bounds. The SQL of
 *   each check lives in src/features/quality/quality-rules.ts under the same code; this migration seeds the rows.
 * - `association_quality`: each association's stored score (0–100) with the codes of the checks it passed and failed,
 *   recomputed set-based in SQL: for one record in the transaction that writes its version, for every record when a
 *   rule changes and nightly (time-dependent checks). The index (score, association_id) serves the staff list's sort
 *   and band filter and the report of the weakest records. Every association has its row: a statement trigger adds a
 *   placeholder (score -1, "not yet computed") for each inserted association, whoever inserts it (forms and imports
 *   compute the real score in the same transaction; generated data waits for the nightly job), so the list's walk
 *   along the score index meets every record.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quality_rules', (t) => {
    t.text('code').primary();
    t.text('label').notNullable();
    t.text('description').notNullable();
    t.text('hint').notNullable();
    t.integer('weight').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.integer('param');
    t.text('param_label');
    t.integer('param_min');
    t.integer('param_max');
    t.integer('sort_order').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users');
  });
  await knex.raw('ALTER TABLE quality_rules ADD CONSTRAINT quality_rules_weight_range CHECK (weight BETWEEN 0 AND 100)');

  await knex('quality_rules').insert([
    {
      code: 'nhom_bat_buoc',
      label: 'Các nhóm thông tin chính của Biểu mẫu 1 đã điền',
      description:
        'Hồ sơ có địa chỉ và tỉnh, thành phố của trụ sở (nhóm A), ít nhất một quyết định (nhóm B), tôn chỉ, mục đích (nhóm C), tổng số hội viên (nhóm E) và ít nhất một người lãnh đạo (nhóm F).',
      hint: 'Bổ sung trên Biểu mẫu 1 các thông tin còn trống: trụ sở, quyết định, tôn chỉ mục đích, số hội viên, lãnh đạo hội.',
      weight: 25,
      sort_order: 1,
    },
    {
      code: 'nhiem_ky_con_han',
      label: 'Nhiệm kỳ đại hội còn hạn',
      description:
        'Hội đang hoạt động có đại hội thành lập hoặc đại hội nhiệm kỳ được ghi nhận và chưa quá hạn tổ chức đại hội (kể cả thời gian được gia hạn). Không áp dụng với hội đã giải thể, sáp nhập, chia, tách.',
      hint: 'Nhập đại hội nhiệm kỳ gần nhất hoặc văn bản gia hạn tổ chức đại hội ở nhóm G.',
      weight: 20,
      sort_order: 2,
    },
    {
      code: 'cap_nhat_quy',
      label: 'Cập nhật hằng quý đúng hạn',
      description:
        'Hồ sơ của hội đang hoạt động được cập nhật từ đầu quý trước đến nay (quy tắc "Cập nhật hằng quý" của sổ đăng ký). Không áp dụng với hội không còn hoạt động.',
      hint: 'Rà soát và lưu lại hồ sơ (hoặc duyệt Biểu mẫu 1 hội gửi) trong quý này.',
      weight: 15,
      sort_order: 3,
    },
    {
      code: 'lien_he_lanh_dao',
      label: 'Lãnh đạo hội đương nhiệm có thông tin liên hệ',
      description:
        'Hội đang hoạt động có ít nhất một người lãnh đạo đương nhiệm (chưa có ngày thôi) và mọi người lãnh đạo đương nhiệm đều có điện thoại hoặc thư điện tử.',
      hint: 'Nhập điện thoại hoặc thư điện tử của từng người lãnh đạo đương nhiệm ở nhóm F.',
      weight: 15,
      sort_order: 4,
    },
    {
      code: 'co_dieu_le',
      label: 'Có tệp điều lệ đang hiệu lực',
      description: 'Hồ sơ có tài liệu đính kèm loại "Điều lệ" chưa bị thay thế.',
      hint: 'Tải lên tệp điều lệ ở phần "Tài liệu đính kèm" của hồ sơ.',
      weight: 15,
      sort_order: 5,
    },
    {
      code: 'khong_qua_cu',
      label: 'Hồ sơ không quá cũ',
      description: 'Lần lưu gần nhất của hồ sơ không cũ hơn số năm quy định.',
      hint: 'Đối chiếu hồ sơ với hồ sơ giấy và lưu lại thông tin mới nhất.',
      weight: 10,
      param: 3,
      param_label: 'Số năm',
      param_min: 1,
      param_max: 20,
      sort_order: 6,
    },
  ]);

  await knex.schema.createTable('association_quality', (t) => {
    t.integer('association_id').primary().references('id').inTable('associations').onDelete('CASCADE');
    t.smallint('score').notNullable();
    t.specificType('passed', 'text[]').notNullable();
    t.specificType('failed', 'text[]').notNullable();
    t.timestamp('computed_at', { useTz: true }).notNullable();
  });
  await knex.raw('ALTER TABLE association_quality ADD CONSTRAINT association_quality_score_range CHECK (score BETWEEN -1 AND 100)');
  await knex.raw('CREATE INDEX association_quality_score_idx ON association_quality (score, association_id)');
  await knex.raw(`CREATE FUNCTION associations_quality_placeholder() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO association_quality (association_id, score, passed, failed, computed_at)
  SELECT n.id, -1, '{}', '{}', now() FROM new_rows n
  ON CONFLICT (association_id) DO NOTHING;
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER associations_quality_placeholder AFTER INSERT ON associations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION associations_quality_placeholder()`);
  // Existing records: placeholders now, real scores from the first run of the quality-scores job (at startup).
  await knex.raw(`INSERT INTO association_quality (association_id, score, passed, failed, computed_at)
    SELECT id, -1, '{}', '{}', now() FROM associations`);
  await knex.raw('ANALYZE association_quality');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS associations_quality_placeholder ON associations');
  await knex.raw('DROP FUNCTION IF EXISTS associations_quality_placeholder()');
  await knex.schema.dropTableIfExists('association_quality');
  await knex.schema.dropTableIfExists('quality_rules');
}
