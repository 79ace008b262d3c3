/**
 * The migration list. Migrations are imported (not discovered on disk) so the same code runs from src/ under
 * vitest and from dist/ in production. Landed migrations are immutable: add a new file, append it here.
 */
import type { Knex } from 'knex';
import * as m20261129000100 from '../../migrations/20261129000100_create_extensions.js';
import * as m20261129000200 from '../../migrations/20261129000200_create_users.js';
import * as m20261129000300 from '../../migrations/20261129000300_create_sessions.js';
import * as m20261129000400 from '../../migrations/20261129000400_create_audit_events.js';
import * as m20261129010000 from '../../migrations/20261129010000_create_catalogues.js';
import * as m20261129010100 from '../../migrations/20261129010100_create_associations.js';
import * as m20261206010000 from '../../migrations/20261206010000_create_legal_documents.js';
import * as m20261206010100 from '../../migrations/20261206010100_create_saved_reports.js';
import * as m20261213000100 from '../../migrations/20261213000100_create_notifications.js';
import * as m20261213000200 from '../../migrations/20261213000200_create_organisations.js';
import * as m20261219000100 from '../../migrations/20261219000100_create_submissions.js';
import * as m20261219000200 from '../../migrations/20261219000200_create_import_batches.js';
import * as m20261220000100 from '../../migrations/20261220000100_create_fees.js';
import * as m20261220000200 from '../../migrations/20261220000200_create_violations.js';
import * as m20261220000300 from '../../migrations/20261220000300_create_support_threads.js';
import * as m20261220000400 from '../../migrations/20261220000400_create_access_grants.js';
import * as m20261220000500 from '../../migrations/20261220000500_create_exploitation_log.js';
import * as m20261221000100 from '../../migrations/20261221000100_create_job_runs.js';
import * as m20261221000200 from '../../migrations/20261221000200_create_update_cycles.js';
import * as m20261222000100 from '../../migrations/20261222000100_create_backup_runs.js';
import * as m20261222000200 from '../../migrations/20261222000200_create_error_events.js';
import * as m20261222000300 from '../../migrations/20261222000300_create_incidents.js';
import * as m20261227000100 from '../../migrations/20261227000100_search_unaccented_columns.js';
import * as m20261229000100 from '../../migrations/20261229000100_report_performance.js';
import * as m20261230000100 from '../../migrations/20261230000100_search_full_text.js';
import * as m20261230000200 from '../../migrations/20261230000200_report_summaries.js';
import * as m20261230000300 from '../../migrations/20261230000300_add_staff_list_indexes.js';
import * as m20261230000500 from '../../migrations/20261230000500_create_public_summary.js';
import * as m20261231000100 from '../../migrations/20261231000100_create_public_changes.js';
import * as m20261231000200 from '../../migrations/20261231000200_cover_staff_list_name_index.js';
import * as m20261231000300 from '../../migrations/20261231000300_add_activity_supervision_fields.js';
import * as m20261231001500 from '../../migrations/20261231001500_congress_terms_live.js';
import * as m20261231002200 from '../../migrations/20261231002200_index_audit_log_filters.js';
import * as m20261231002400 from '../../migrations/20261231002400_search_word_typos.js';
import * as m20261231002500 from '../../migrations/20261231002500_create_charter_texts.js';
import * as m20261231002600 from '../../migrations/20261231002600_create_follows.js';
import * as m20261231002700 from '../../migrations/20261231002700_add_congress_packages.js';
import * as m20261231002900 from '../../migrations/20261231002900_create_field_withholdings.js';
import * as m20261231003000 from '../../migrations/20261231003000_create_quality_scores.js';
import * as m20261231003100 from '../../migrations/20261231003100_former_province_statistics.js';
import * as m20261231003200 from '../../migrations/20261231003200_create_api_keys.js';
import * as m20261231003300 from '../../migrations/20261231003300_add_notice_email.js';
import * as m20261231003400 from '../../migrations/20261231003400_create_personal_data_requests.js';
import * as m20261231003600 from '../../migrations/20261231003600_create_rate_limit_hits.js';
import * as m20261231004300 from '../../migrations/20261231004300_submission_sections_saved.js';
import * as m20261231004400 from '../../migrations/20261231004400_bulk_import_speed.js';
import * as m20261231004600 from '../../migrations/20261231004600_catalogue_english_names.js';

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export const MIGRATIONS: ReadonlyArray<readonly [string, MigrationModule]> = [
  ['20261129000100_create_extensions', m20261129000100],
  ['20261129000200_create_users', m20261129000200],
  ['20261129000300_create_sessions', m20261129000300],
  ['20261129000400_create_audit_events', m20261129000400],
  ['20261129010000_create_catalogues', m20261129010000],
  ['20261129010100_create_associations', m20261129010100],
  ['20261206010000_create_legal_documents', m20261206010000],
  ['20261206010100_create_saved_reports', m20261206010100],
  ['20261213000100_create_notifications', m20261213000100],
  ['20261213000200_create_organisations', m20261213000200],
  ['20261219000100_create_submissions', m20261219000100],
  ['20261219000200_create_import_batches', m20261219000200],
  ['20261220000100_create_fees', m20261220000100],
  ['20261220000200_create_violations', m20261220000200],
  ['20261220000300_create_support_threads', m20261220000300],
  ['20261220000400_create_access_grants', m20261220000400],
  ['20261220000500_create_exploitation_log', m20261220000500],
  ['20261221000100_create_job_runs', m20261221000100],
  ['20261221000200_create_update_cycles', m20261221000200],
  ['20261222000100_create_backup_runs', m20261222000100],
  ['20261222000200_create_error_events', m20261222000200],
  ['20261222000300_create_incidents', m20261222000300],
  ['20261227000100_search_unaccented_columns', m20261227000100],
  ['20261229000100_report_performance', m20261229000100],
  ['20261230000100_search_full_text', m20261230000100],
  ['20261230000200_report_summaries', m20261230000200],
  ['20261230000300_add_staff_list_indexes', m20261230000300],
  ['20261230000500_create_public_summary', m20261230000500],
  ['20261231000100_create_public_changes', m20261231000100],
  ['20261231000200_cover_staff_list_name_index', m20261231000200],
  ['20261231000300_add_activity_supervision_fields', m20261231000300],
  ['20261231001500_congress_terms_live', m20261231001500],
  ['20261231002200_index_audit_log_filters', m20261231002200],
  ['20261231002400_search_word_typos', m20261231002400],
  ['20261231002500_create_charter_texts', m20261231002500],
  ['20261231002600_create_follows', m20261231002600],
  ['20261231002700_add_congress_packages', m20261231002700],
  ['20261231002900_create_field_withholdings', m20261231002900],
  ['20261231003000_create_quality_scores', m20261231003000],
  ['20261231003100_former_province_statistics', m20261231003100],
  ['20261231003200_create_api_keys', m20261231003200],
  ['20261231003300_add_notice_email', m20261231003300],
  ['20261231003400_create_personal_data_requests', m20261231003400],
  ['20261231003600_create_rate_limit_hits', m20261231003600],
  ['20261231004300_submission_sections_saved', m20261231004300],
  ['20261231004400_bulk_import_speed', m20261231004400],
  ['20261231004600_catalogue_english_names', m20261231004600],
];

class ListMigrationSource implements Knex.MigrationSource<string> {
  getMigrations(): Promise<string[]> {
    return Promise.resolve(MIGRATIONS.map(([name]) => name));
  }
  getMigrationName(name: string): string {
    return name;
  }
  getMigration(name: string): Promise<Knex.Migration> {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(found[1]);
  }
}

export const migrationConfig: Knex.MigratorConfig = {
  migrationSource: new ListMigrationSource(),
  tableName: 'knex_migrations',
};

/** Run every pending migration. Knex's migration lock makes two instances starting together safe. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, names] = (await knex.migrate.latest(migrationConfig)) as [number, string[]];
  return names;
}

export async function rollback(knex: Knex, all = false): Promise<string[]> {
  const [, names] = (await knex.migrate.rollback(migrationConfig, all)) as [number, string[]];
  return names;
}

/** Names of migrations not yet applied (for /readyz). */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list(migrationConfig)) as [unknown[], Array<{ file: string } | string>];
  return pending.map((p) => (typeof p === 'string' ? p : p.file));
}
