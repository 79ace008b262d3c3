/**
 * Issue 15 item 1: a NUL byte (or another C0 control character but tab, CR and LF) in any text input never reaches
 * the database and never answers 500. One shared layer (src/middleware/parameters.ts): a form body is cleaned of them
 * before any handler reads it; a query string holding one is refused with the 400 page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { editRecord } from '../helpers/register-edit.js';
import { createUser } from '../helpers/users.js';

const NUL = '\u0000';

let t: TestContext;
let staff: Agent;
let officer: Agent;
let code: string;

function vnDate(d: Date): string {
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

beforeAll(async () => {
  t = await buildTestApp({ ACCESS_REGISTRATION_RATE_LIMIT: '10000' });
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const res = await createAssociationViaForm(staff, { ...VALID_STAFF_FORM, name: 'Hội Thử Ký Tự', data_level: 'raw' });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  code = String(res.headers.location).split('/').pop() as string;
  const row = await t.db.knex('associations').where({ code }).first('id');
  officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: row.id }));
});
afterAll(() => t.db.destroy());

describe('NUL and other control characters in text inputs (issue 15 item 1)', () => {
  it('the public access registration: no 500, nothing with a NUL stored', async () => {
    const a = agent(t);
    const page = await a.get('/dang-ky-khai-thac');
    const year = t.clock.now().getUTCFullYear() + 1;
    const res = await a
      .post('/dang-ky-khai-thac')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        kind: 'organisation',
        name: `Viện Thử${NUL} Nghiệm`,
        identifier: '0101234567',
        address: `12 Phố Thử${NUL}\u0007, Hà Nội`,
        email: 'lienhe@vien-thu.vn',
        phone: '024 3824 0000',
        manager_name: `Vũ Hoàng${NUL} Nam`,
        manager_position: 'Phó Viện trưởng',
        manager_email: 'nam@vien-thu.vn',
        purpose: `Nghiên cứu${NUL}`,
        legal_basis: 'Công văn số 12/VNC',
        'cat.a': '1',
        period_from: vnDate(t.clock.now()),
        period_to: `31/12/${year}`,
        'officers.0.full_name': `Hoàng${NUL} Thị Mai`,
        'officers.0.position': 'Nghiên cứu viên',
        'officers.0.email': 'mai@vien-thu.vn',
        'officers.0.phone': '0912 345 678',
      });
    expect(res.status, res.text.slice(0, 1500)).toBeLessThan(500);
    expect(res.status).toBe(201);
    const row = await t.db.knex('access_registrations').orderBy('id', 'desc').first();
    expect(row.name).toBe('Viện Thử Nghiệm');
    expect(JSON.stringify(row)).not.toMatch(/\\u0000|\\u0007/);
  });

  it("the association's draft save of Biểu mẫu 1: no 500, the draft holds no NUL", async () => {
    const home = await officer.get('/hoi-cua-toi/');
    const start = await officer
      .post('/hoi-cua-toi/bieu-mau')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(start.status).toBe(303);
    const path = String(start.headers.location);
    const fields = formFields((await officer.get(path)).text, path);
    fields.name = `Hội Thử${NUL} Ký Tự`;
    fields['leaders.0.qualification'] = `Cử${NUL} nhân`;
    const res = await officer
      .post(path)
      .type('form')
      .send({ ...fields, action: 'luu' });
    expect(res.status, res.text.slice(0, 1500)).toBeLessThan(500);
    const id = Number(path.split('/').pop());
    const row = await t.db.knex('submissions').where({ id }).first();
    expect(JSON.stringify(row)).not.toContain('\\u0000');
  });

  it('a support question: no 500, nothing with a NUL stored', async () => {
    const form = await officer.get('/hoi-dap/moi');
    const res = await officer
      .post('/hoi-dap/moi')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: `Câu hỏi${NUL} thử`, body: `Nội dung${NUL}\u001b câu hỏi` });
    expect(res.status, res.text.slice(0, 1500)).toBeLessThan(500);
    const rows = [await t.db.knex('support_threads').select('*'), await t.db.knex('support_messages').select('*')];
    expect(JSON.stringify(rows)).not.toMatch(/\\u0000|\\u001b/);
  });

  it("the staff edit of an association (name, reason, a leader's field): no 500, the record holds no NUL", async () => {
    const res = await editRecord(staff, code, {
      name: `Hội Thử${NUL} Ký Tự Mới`,
      reason: `Cập nhật${NUL} theo biên bản`,
      'leaders.0.full_name': `Nguyễn${NUL} Văn An`,
    });
    expect(res.status, res.text.slice(0, 1500)).toBeLessThan(500);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(JSON.stringify(row)).not.toContain('\\u0000');
    expect(row.name).toBe('Hội Thử Ký Tự Mới');
  });

  it('the staff search ?q= with a NUL: the 400 page in Vietnamese, never 500', async () => {
    for (const url of ['/quan-tri/hoi?q=h%E1%BB%99i%00', '/quan-tri/hoi?q=%00', '/hoi?q=h%E1%BB%99i%00x']) {
      const res = await staff.get(url);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toContain('ký tự không hợp lệ');
    }
    const anonymous = await agent(t).get('/hoi?q=%00');
    expect(anonymous.status).toBe(400);
  });
});
