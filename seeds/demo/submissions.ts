/**
 * One Biểu mẫu 1 waiting in the review queue for the demo (issue 5): Hội Chữ thập đỏ Việt Nam "submitted" a change
 * of its member count and contact e-mail and a new vice-president, so `ngo.staff` sees the side-by-side review at
 * once. Not for hoi.demo's association, which stays free to file its own. Idempotent: nothing when that
 * association has any submission already.
 */
import type { Knex } from 'knex';
import { createAssociationsRepository } from '../../src/features/associations/associations.repository.js';
import { createNotificationsRepository } from '../../src/features/notifications/notifications.repository.js';
import { createNotificationsService } from '../../src/features/notifications/notifications.service.js';
import { bodyFromRecord } from '../../src/features/register-form/change-set.js';
import type { Clock } from '../../src/lib/clock.js';

export const DEMO_SUBMISSION_ASSOCIATION = 'Hội Chữ thập đỏ Việt Nam';

export async function seedDemoSubmission(knex: Knex, clock: Clock): Promise<number> {
  const association = await knex('associations').where({ name: DEMO_SUBMISSION_ASSOCIATION }).first('id', 'code');
  if (!association) return 0;
  if (await knex('submissions').where({ association_id: association.id }).first('id')) return 0;
  const full = await createAssociationsRepository(knex).loadFull(association.id);
  if (!full) return 0;
  const body = bodyFromRecord(full);
  const total = Number(full.record.members_total ?? 0);
  body.members_total = (total + 12_500).toLocaleString('vi-VN');
  body.email = 'vanphong@chuthapdo-demo.vn';
  const next = (full.lists.leaders ?? []).length;
  Object.assign(body, {
    [`leaders.${next}.full_name`]: 'Phan Thị Thanh Tâm',
    [`leaders.${next}.position_code`]: 'PCT',
    [`leaders.${next}.official_status`]: 'khong',
    [`leaders.${next}.gender`]: 'nu',
    [`leaders.${next}.birth_year`]: '1974',
  });
  const at = new Date(clock.now().getTime() - 4 * 86_400_000);
  return knex.transaction(async (trx) => {
    const [row] = await trx('submissions')
      .insert({
        association_id: association.id,
        status: 'submitted',
        origin: 'web',
        body: JSON.stringify(body),
        base_version: full.record.version,
        round: 1,
        declared_at: at,
        submitted_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning('id');
    const id = Number(row.id ?? row);
    await trx('submission_events').insert([
      { submission_id: id, action: 'create', at },
      { submission_id: id, action: 'submit', at },
    ]);
    await createNotificationsService(createNotificationsRepository(knex)).notifyRoles(trx, ['ngo_staff', 'ngo_lead'], {
      kind: 'submission.received',
      title: `Biểu mẫu 1 mới chờ xét duyệt: ${DEMO_SUBMISSION_ASSOCIATION}`,
      body: `Hội ${DEMO_SUBMISSION_ASSOCIATION} (mã ${association.code}) đã gửi Biểu mẫu 1 số ${id}.`,
      link: `/quan-tri/bieu-mau/${id}`,
      dedupeKey: `submission:${id}:received:1`,
    });
    return 1;
  });
}
