/**
 * The public record page says when the record was last updated and whether its quarterly update is on time
 * (issue 18 item 5, the badge the public list shows too); the home page does not claim to cover only
 * national and inter-provincial associations while it counts provincial ones.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set(new Date('2026-11-20T10:00:00+07:00'));
  await insertAssociations(t.db.knex, [
    anAssociation({
      code: 'H800001',
      name: 'Hội Cập nhật đúng hạn',
      published: true,
      status: 'hoat_dong',
      updated_at: new Date('2026-08-03T09:00:00+07:00'),
    }),
    anAssociation({
      code: 'H800002',
      name: 'Hội Cập nhật quá hạn',
      published: true,
      status: 'hoat_dong',
      updated_at: new Date('2026-02-10T09:00:00+07:00'),
    }),
    anAssociation({
      code: 'H800003',
      name: 'Hội Đã giải thể',
      published: true,
      status: 'giai_the',
      updated_at: new Date('2025-12-31T20:00:00+07:00'),
    }),
  ]);
});
afterAll(() => t.db.destroy());

describe('public record page: last update and quarterly update status', () => {
  it('shows the date of the last update (Viet Nam calendar) and the badge, none for an ended association', async () => {
    const onTime = await request(t.app).get('/hoi/H800001');
    expect(onTime.status).toBe(200);
    expect(onTime.text).toContain('Cập nhật lần cuối: <strong>03/08/2026</strong>');
    expect(onTime.text).toContain('Cập nhật hằng quý: Đúng hạn');
    const late = await request(t.app).get('/hoi/H800002');
    expect(late.text).toContain('Cập nhật lần cuối: <strong>10/02/2026</strong>');
    expect(late.text).toContain('Cập nhật hằng quý: Quá hạn');
    const ended = await request(t.app).get('/hoi/H800003');
    expect(ended.text).toContain('Cập nhật lần cuối: <strong>31/12/2025</strong>');
    expect(ended.text).not.toContain('Cập nhật hằng quý');
  });

  it('the home page names every scope it counts', async () => {
    const home = await request(t.app).get('/');
    expect(home.text).not.toContain('phạm vi hoạt động toàn quốc và liên tỉnh do Bộ Nội vụ quản lý');
    expect(home.text).toContain('phạm vi toàn quốc, liên tỉnh, tỉnh và xã');
  });
});
