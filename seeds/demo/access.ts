/**
 * A demo exploiting organisation with an approved registration and the grant SPEC §6 names — reports a, b, c, e
 * and l (one year from the seed) — linked to the demo accounts `org.manager` and `exploiter` (only the exploiter
 * reads reports, SPEC §1). Idempotent: found by name, left alone.
 */
import type { Knex } from 'knex';

export const DEMO_ORGANISATION = 'Viện Nghiên cứu Xã hội (tổ chức khai thác mẫu)';
export const DEMO_GRANT_CATEGORIES = ['a', 'b', 'c', 'e', 'l'];

export async function seedDemoAccess(knex: Knex, now: Date = new Date()): Promise<{ created: boolean }> {
  let organisation = await knex('organisations').where({ name: DEMO_ORGANISATION }).first<{ id: number }>('id');
  let created = false;
  if (!organisation) {
    const [o] = await knex('organisations')
      .insert({
        kind: 'organisation',
        name: DEMO_ORGANISATION,
        identifier: '0100000000',
        address: 'Hà Nội',
        email: 'lienhe@demo.csdl-hoi.local',
        phone: '024 0000 0000',
      })
      .returning<{ id: number }[]>('id');
    if (!o) throw new Error('insert returned no row');
    organisation = o;
    await knex('access_grants').insert({
      organisation_id: o.id,
      categories: DEMO_GRANT_CATEGORIES,
      personal: false,
      valid_from: now,
      expires_at: new Date(now.getTime() + 365 * 86_400_000),
    });
    created = true;
  }
  await knex('users')
    .whereIn('username', ['org.manager', 'exploiter'])
    .whereNull('organisation_id')
    .update({ organisation_id: organisation.id });
  return { created };
}
