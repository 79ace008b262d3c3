import type { Knex } from 'knex';

/**
 * E-mail for every notice (issue 17 item 4): each user's choice — `immediately` (one e-mail per notice, sent by the
 * `notice-mail` job every few minutes), `daily` (one digest a day, `notice-digest`) or `never` — and each notice's
 * state in that path: `mail_state` null = not yet handled; `daily` = waiting for the user's digest; `sent` (its own e-mail, `emailed_at` = when), `digest`
 * (listed in a digest), `skipped` (never / no address / too old / read before the digest). The partial indexes hold
 * only the notices still to handle, so the jobs never walk the whole table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.text('notice_email').notNullable().defaultTo('immediately');
  });
  await knex.raw("ALTER TABLE users ADD CONSTRAINT users_notice_email_check CHECK (notice_email IN ('immediately', 'daily', 'never'))");
  await knex.schema.alterTable('notifications', (t) => {
    t.text('mail_state');
  });
  await knex.raw(
    "ALTER TABLE notifications ADD CONSTRAINT notifications_mail_state_check CHECK (mail_state IN ('daily', 'sent', 'digest', 'skipped'))",
  );
  // Notices handled before this path existed are not e-mailed again; older unsent ones are past the age limit anyway.
  await knex.raw("UPDATE notifications SET mail_state = 'sent' WHERE emailed_at IS NOT NULL");
  await knex.raw("UPDATE notifications SET mail_state = 'skipped' WHERE mail_state IS NULL AND created_at < now() - interval '3 days'");
  await knex.raw('CREATE INDEX notifications_mail_pending_idx ON notifications (id) WHERE mail_state IS NULL');
  await knex.raw("CREATE INDEX notifications_mail_daily_idx ON notifications (user_id, id) WHERE mail_state = 'daily'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS notifications_mail_daily_idx');
  await knex.raw('DROP INDEX IF EXISTS notifications_mail_pending_idx');
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('mail_state');
  });
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('notice_email');
  });
}
