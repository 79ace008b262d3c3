/**
 * "Xem như" (issue 16 item 3): staff preview a record as the public, an exploiting organisation or the association's
 * own officer see it, built by the same page functions that serve those users, for a synthetic viewer. Read-only,
 * under a banner; the synthetic reader's reads are neither logged (exploitation_log, R-16) nor charged (fee_ledger,
 * ); one audit row records the staff member's preview (`record.view_as`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { type Agent, agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let leader: Agent;
const codes = { published: 'H870001', hidden: 'H870002' };
const ids: Record<string, number> = {};
const orgs: Record<string, number> = {};
/** A leader's planted personal fields: never shown to the public nor to a grant without personal data. */
const SENTINEL_TITLE = 'Giáo sư Sentinel-5528';
const SENTINEL_PHONE = '0988776655';
const BANNER = 'Bạn đang xem trước hồ sơ với tư cách';

/** The page's main content, without per-request tokens; for a preview, what is under the banner. */
function mainOf(html: string): string {
  let main = html.slice(html.indexOf('<main'), html.indexOf('</main>'));
  const inert = main.indexOf('<div class="view-as-preview" inert>');
  if (inert >= 0) main = main.slice(inert + '<div class="view-as-preview" inert>'.length, main.lastIndexOf('</div>'));
  else main = main.slice(main.indexOf('>') + 1);
  // Per request or per person: CSRF tokens, the greeting's name, the viewer's own follow button.
  return main
    .replace(/<form[^>]*class="follow-form[\s\S]*?<\/form>/g, '')
    .replace(/Xin chào <strong>[^<]*<\/strong>/, 'Xin chào')
    .replace(/_csrf"? ?(value)?=("|)[0-9a-f-]+/g, '_csrf')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The record's field groups of the public page (the follow button beside them depends on who is signed in). */
function sectionsOf(html: string): string {
  return (html.match(/<section[\s\S]*?<\/section>/g) ?? []).join('\n');
}

async function counts() {
  const k = t.db.knex;
  const one = async (table: string) => Number(((await k(table).count({ n: '*' }).first()) as { n: string | number }).n);
  return { log: await one('exploitation_log'), fees: await one('fee_ledger') };
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  const leaders = [
    {
      full_name: 'Trần Văn Chủ Tịch',
      position_code: 'CT',
      term_number: 3,
      birth_year: 1958,
      academic_title: SENTINEL_TITLE,
      phone: SENTINEL_PHONE,
    },
  ];
  const [pub, hidden] = await insertAssociations(t.db.knex, [
    anAssociation({
      code: codes.published,
      name: 'Hội Xem Trước Công Khai',
      published: true,
      purpose: 'Tập hợp hội viên xem trước.',
      phone: '024 3999 1111',
      nature_code: 'XHNDTT',
    }).withLeaders(leaders),
    anAssociation({ code: codes.hidden, name: 'Hội Xem Trước Chưa Công Khai', published: false }).withLeaders(leaders),
  ]);
  ids.published = (pub as { id: number }).id;
  ids.hidden = (hidden as { id: number }).id;
  orgs.withA = (
    await anOrganisation({ name: 'Viện Có Quyền A' })
      .withGrant({ categories: ['a'] })
      .insert(t.db.knex)
  ).id;
  orgs.withoutA = (
    await anOrganisation({ name: 'Viện Chỉ Quyền B' })
      .withGrant({ categories: ['b'] })
      .insert(t.db.knex)
  ).id;
  orgs.noGrant = (await anOrganisation({ name: 'Viện Hết Quyền' }).insert(t.db.knex)).id;
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  leader = await loggedInAgent(t, await createUser(t.db.knex, ['leader']));
});

afterAll(async () => {
  await t?.db.destroy();
});

const url = (code: string, query: string) => `/quan-tri/hoi/${code}/xem-nhu${query}`;

describe('view as (issue 16 item 3)', () => {
  it('the record page links to the preview, whose chooser lists organisations with a current grant', async () => {
    const record = await staff.get(`/quan-tri/hoi/${codes.published}`);
    expect(record.text).toContain(url(codes.published, ''));
    const chooser = await staff.get(url(codes.published, ''));
    expect(chooser.status).toBe(200);
    expect(chooser.text).toContain('Viện Có Quyền A');
    expect(chooser.text).toContain('Viện Chỉ Quyền B');
    expect(chooser.text).not.toContain('Viện Hết Quyền');
  });

  it('as the public: the public page’s record content, no non-public field, under the banner', async () => {
    const before = await counts();
    const preview = await staff.get(url(codes.published, '?vai-tro=cong-chung'));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`${BANNER} <strong>công chúng</strong>`);
    const publicPage = await agent(t).get(`/hoi/${codes.published}`);
    expect(publicPage.status).toBe(200);
    expect(sectionsOf(preview.text)).not.toBe('');
    expect(sectionsOf(preview.text)).toBe(sectionsOf(publicPage.text));
    expect(preview.text).toContain('Tập hợp hội viên xem trước.');
    for (const s of [SENTINEL_TITLE, SENTINEL_PHONE, '1958']) expect(preview.text).not.toContain(s);
    expect(await counts()).toEqual(before);
  });

  it('as the public, an unpublished record: says it is not public', async () => {
    const preview = await staff.get(url(codes.hidden, '?vai-tro=cong-chung'));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('chưa được công khai');
    expect(preview.text).not.toContain(SENTINEL_TITLE);
    expect((await agent(t).get(`/hoi/${codes.hidden}`)).status).toBe(404);
  });

  it('as an exploiter without report (a): the refusal; with (a): the granted fields, never leaders’ personal data', async () => {
    const before = await counts();
    const refused = await staff.get(url(codes.published, `?vai-tro=khai-thac&to-chuc=${orgs.withoutA}`));
    expect(refused.status).toBe(200);
    expect(refused.text).toContain('Bạn chưa được cấp quyền khai thác loại thông tin này.');
    expect(refused.text).not.toContain('Trần Văn Chủ Tịch');
    const allowed = await staff.get(url(codes.published, `?vai-tro=khai-thac&to-chuc=${orgs.withA}`));
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain(`${BANNER} <strong>tổ chức khai thác “Viện Có Quyền A”</strong>`);
    expect(allowed.text).toContain('Hội Xem Trước Công Khai');
    expect(allowed.text).toContain(codes.published);
    // Report (a) names the leaders in office by name and position only.
    expect(allowed.text).toContain('Trần Văn Chủ Tịch');
    for (const s of [SENTINEL_TITLE, SENTINEL_PHONE, '1958']) expect(allowed.text).not.toContain(s);
    // Nothing is logged as the organisation's read, nothing charged.
    expect(await counts()).toEqual(before);
  });

  it('as the association’s officer: the officer’s own home', async () => {
    const officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: ids.published as number }));
    const home = await officer.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    const preview = await staff.get(url(codes.published, '?vai-tro=hoi'));
    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`${BANNER} <strong>cán bộ của hội</strong>`);
    expect(mainOf(preview.text)).toBe(mainOf(home.text));
    expect(mainOf(preview.text)).toContain('Hội Xem Trước Công Khai');
  });

  it('writes one audit row for the staff preview, naming whom it was as', async () => {
    const k = t.db.knex;
    const before = await k('audit_events').where({ action: 'record.view_as' }).count({ n: '*' }).first();
    await leader.get(url(codes.published, `?vai-tro=khai-thac&to-chuc=${orgs.withA}`)).expect(200);
    const rows = await k('audit_events').where({ action: 'record.view_as' }).orderBy('id', 'desc');
    expect(rows.length).toBe(Number((before as { n: string | number }).n) + 1);
    const row = rows[0] as { target_type: string; target_id: string; details: Record<string, unknown> | string };
    const details = typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
    expect(row.target_type).toBe('association');
    expect(row.target_id).toBe(String(ids.published));
    expect(details).toMatchObject({ as: 'khai-thac', organisationId: orgs.withA });
  });

  it('refuses a bad role or organisation with 400 and a message', async () => {
    const badRole = await staff.get(url(codes.published, '?vai-tro=quan-tri'));
    expect(badRole.status).toBe(400);
    expect(badRole.text).toContain('Vai trò xem trước không hợp lệ.');
    for (const org of ['abc', String(orgs.noGrant), '99999']) {
      const res = await staff.get(url(codes.published, `?vai-tro=khai-thac&to-chuc=${org}`));
      expect(res.status, org).toBe(400);
      expect(res.text, org).toMatch(/tổ chức khai thác có quyền còn hiệu lực|không có quyền khai thác còn hiệu lực/);
    }
    expect((await staff.get(url('H879999', '?vai-tro=cong-chung'))).status).toBe(404);
  });

  it('officers, exploiters and anonymous visitors cannot use it', async () => {
    const officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: ids.published as number }));
    const exploiterUser = await createUser(t.db.knex, ['exploiter']);
    await t.db.knex('users').where({ id: exploiterUser.id }).update({ organisation_id: orgs.withA });
    const exploiter = await loggedInAgent(t, exploiterUser);
    for (const a of [officer, exploiter]) expect((await a.get(url(codes.published, '?vai-tro=cong-chung'))).status).toBe(403);
    const anon = await agent(t).get(url(codes.published, '?vai-tro=cong-chung'));
    expect([302, 303]).toContain(anon.status);
  });
});
