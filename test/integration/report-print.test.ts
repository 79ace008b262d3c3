/**
 * The print view of a report (issue 18 item 3; R-14 reports in the Decree 30 layout): a report wider than a portrait
 * page prints in landscape; a print of more than fifty A4 pages asks first and offers the Excel file, and only the
 * confirmed print is audited and written to the exploitation log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let exploiter: Agent;
const ROWS = 900;

const exports = async () => Number((await t.db.knex('audit_events').where({ action: 'report.export' }).count('* as n'))[0]?.n);
const logged = async () => Number((await t.db.knex('exploitation_log').count('* as n'))[0]?.n);

beforeAll(async () => {
  t = await buildTestApp();
  await insertAssociations(
    t.db.knex,
    Array.from({ length: ROWS }, (_, i) =>
      anAssociation({ name: `Hội In thử số ${i + 1}`, main_field_code: 'YTE', managing_ministry_code: 'BYT', hq_province_code: '01' }),
    ),
  );
  await insertAssociations(t.db.knex, [anAssociation({ name: 'Hội Văn hóa in ít', main_field_code: 'VHNT', hq_province_code: '01' })]);
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const org = await anOrganisation()
    .withGrant({ categories: ['b'] })
    .insert(t.db.knex);
  const user = await createUser(t.db.knex, ['exploiter']);
  await t.db.knex('users').where({ id: user.id }).update({ organisation_id: org.id });
  exploiter = await loggedInAgent(t, user);
});
afterAll(() => t.db.destroy());

describe('report print view', () => {
  it('asks before a print of more than fifty pages, offers the Excel file, and prints once confirmed', async () => {
    const before = await exports();
    const ask = await staff.get('/bao-cao/b?linh-vuc=YTE&print=1');
    expect(ask.status).toBe(200);
    expect(ask.text).toMatch(/Bản in dài khoảng \d+ trang/);
    expect(ask.text).toMatch(/90\d dòng/); // the list's 900 rows and the summary's
    expect(ask.text).toContain('href="/bao-cao/b?linh-vuc=YTE&amp;format=xlsx"');
    expect(ask.text).toContain('href="/bao-cao/b?linh-vuc=YTE&amp;print=1&amp;in-tiep=1"');
    expect(ask.text).not.toContain('class="doc-header"');
    expect(await exports()).toBe(before); // nothing printed yet, nothing audited

    const printed = await staff.get('/bao-cao/b?linh-vuc=YTE&print=1&in-tiep=1');
    expect(printed.status).toBe(200);
    expect(printed.text).toContain('class="doc-header"');
    // Eight columns in the list: landscape pages.
    expect(printed.text).toContain('class="print-doc print-doc--landscape"');
    expect(printed.text).toContain(`Hội In thử số ${ROWS}`);
    expect(await exports()).toBe(before + 1);
  });

  it('prints a short report at once, in portrait when its tables fit', async () => {
    const res = await staff.get('/bao-cao/b?linh-vuc=VHNT&print=1');
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="doc-header"');
    expect(res.text).toContain('Hội Văn hóa in ít');
    const summary = await staff.get('/bao-cao/k?print=1');
    expect(summary.text).toContain('<body class="print-doc">');
  });

  it("writes an exploiter's long print to the exploitation log only once confirmed", async () => {
    const before = await logged();
    const ask = await exploiter.get('/bao-cao/b?linh-vuc=YTE&print=1');
    expect(ask.status).toBe(200);
    expect(ask.text).toMatch(/Bản in dài khoảng \d+ trang/);
    expect(await logged()).toBe(before);
    const printed = await exploiter.get('/bao-cao/b?linh-vuc=YTE&print=1&in-tiep=1');
    expect(printed.status).toBe(200);
    expect(await logged()).toBe(before + 1);
    // Outside the grant: refused before anything is counted.
    expect((await exploiter.get('/bao-cao/c?print=1')).status).toBe(403);
  });
});
