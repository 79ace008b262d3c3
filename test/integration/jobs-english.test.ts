/**
 * Issue 17 item 2 (helper jobs): the texts the jobs, backups, follows, notices and the IT Centre make in Vietnamese
 * read English on the English pages — job names, descriptions, schedules, counts, periods and run notes on the job
 * runs page; the notices the jobs write; the annual report on screen (its printed document stays Vietnamese); backup
 * errors; a saved search's label; the audit log's filter messages — and none of these Vietnamese texts is left there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation } from '../helpers/builders.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let admin: Agent;
let staffVi: Agent;

/** The Vietnamese texts of this area's catalogues without placeholders (long enough not to be a word of data). */
const MINE = ['jobs', 'backup', 'follows', 'it-centre', 'notifications'].flatMap((f) =>
  Object.keys(JSON.parse(readFileSync(path.join('locales', 'texts', 'en', `${f}.json`), 'utf8')) as Record<string, string>).filter(
    (k) => !k.includes('{{') && k.length >= 8,
  ),
);
/** Those printed as a whole text (a cell, a line, a list item), not as words of a longer text of another area. */
const leftovers = (html: string) => MINE.filter((k) => [`>${k}<`, `>${k}:`, `- ${k}:`, `, ${k}:`, `>${k}.`].some((s) => html.includes(s)));

async function signedIn(roles: Parameters<typeof createUser>[1], lang: 'vi' | 'en'): Promise<Agent> {
  const user = await createUser(t.db.knex, roles);
  const a = agent(t);
  await login(t, a, user);
  await a.get(`/ngon-ngu?lang=${lang}`).expect(303);
  return a;
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  t.clock.set(new Date('2026-12-31T01:00:00Z')); // 08:00 on 31/12/2026 in Ha Noi
  staff = await signedIn(['ngo_staff'], 'en');
  staffVi = await signedIn(['ngo_staff'], 'vi');
  admin = await signedIn(['it_admin'], 'en');
  const assoc = await anAssociation({ created_at: new Date('2026-03-01T00:00:00Z') }).insert(t.db.knex);
  await createUser(t.db.knex, ['association'], { associationId: assoc.id });
  const runner = t.services.jobs.runner;
  await runner.run('quarterly-cycle', { trigger: 'manual', period: '2026-Q4' });
  await runner.run('quarterly-cycle', { trigger: 'manual', period: '2026-Q4' }); // skipped: already done
  await runner.run('annual-report-reminder', { trigger: 'manual', period: '2026' });
  const now = t.clock.now();
  await t.db.knex('backup_runs').insert([
    { kind: 'backup', status: 'failed', started_at: now, finished_at: now, error: 'Thiếu DATABASE_URL cho pg_dump.' },
    { kind: 'drill', status: 'succeeded', started_at: now, finished_at: now, restore_seconds: 2.5 },
    {
      kind: 'drill',
      status: 'failed',
      started_at: now,
      finished_at: now,
      error: 'Không có bản sao lưu nào trong /sao-luu để diễn tập khôi phục.',
    },
  ]);
});

afterAll(async () => {
  await t?.db.destroy();
});

describe('the job runs page in English', () => {
  it('names, describes and schedules the jobs, and writes the runs’ periods, counts and notes in English', async () => {
    const html = (await admin.get('/quan-tri/he-thong/tac-vu').expect(200)).text;
    expect(html).toContain('<th scope="row">Quarterly data update cycle</th>');
    expect(html).toContain('Opens the quarterly data update cycle (on the last day of the quarter)');
    expect(html).toContain('Backs up the database and the store of original files to the backup folder');
    expect(html).toContain('After each backup, a restore drill of the new backup runs at once.');
    expect(html).toMatch(/<td>Every day at \d\d:\d\d<\/td>/);
    expect(html).toContain('<td>Q4 2026</td>');
    expect(html).toContain('This period has already run successfully.');
    expect(html).toMatch(/<td class="small">e-mails sent: 0, active associations: 1, notices to Department staff: \d+, /);
    expect(html).toContain('<td>Year 2026</td>');
    expect(leftovers(html)).toEqual([]);
    expect(html).not.toMatch(/hằng ngày|Hằng ngày|lúc \d\d:\d\d/);
  });

  it('the run-now flash names the job in English; the compare page names scopes in English', async () => {
    const token = await csrfToken(admin, '/quan-tri/he-thong/tac-vu');
    await admin.post('/quan-tri/he-thong/tac-vu/annual-report-reminder/chay').type('form').send({ _csrf: token }).expect(303);
    const html = (await admin.get('/quan-tri/he-thong/tac-vu').expect(200)).text;
    expect(html).toContain('The job &#34;Annual report reminder&#34; has been asked to run.');
    const compare = (await staff.get('/quan-tri/chu-ky-cap-nhat/so-sanh?theo=scope').expect(200)).text;
    expect(compare).toContain('<th scope="row" class="fw-normal">Nationwide</th>');
    expect(compare).not.toMatch(/>(Toàn quốc|Liên tỉnh|Tỉnh|Xã)</);
  });

  it('stays Vietnamese in Vietnamese', async () => {
    const vi = await signedIn(['it_admin'], 'vi');
    const html = (await vi.get('/quan-tri/he-thong/tac-vu').expect(200)).text;
    expect(html).toContain('Mở kỳ cập nhật dữ liệu hằng quý (ngày cuối quý)');
    expect(html).toContain('Kỳ này đã chạy thành công.');
    expect(html).toMatch(/<td>Hằng ngày lúc \d\d:\d\d<\/td>/);
    expect(html).toContain('<td>Quý IV/2026</td>');
  });
});

describe('notices the jobs wrote, on the notices page', () => {
  it('reads the quarterly cycle and annual report notices in English', async () => {
    const html = (await staff.get('/thong-bao').expect(200)).text;
    expect(html).toContain('The data update cycle for quarter IV/2026 has opened');
    expect(html).toContain('Today is the last day of quarter IV/2026: the Department of Non-Governmental Organisations updates');
    expect(html).toContain('Prepare the 2026 annual report on the management of the associations database');
    expect(html).toContain('must be submitted to the Ministry&#39;s leaders before 31/12/2026.');
    expect(html).not.toContain('Kỳ cập nhật dữ liệu Quý IV/2026 đã mở');
    expect(leftovers(html)).toEqual([]);
    const vi = (await staffVi.get('/thong-bao').expect(200)).text;
    expect(vi).toContain('Kỳ cập nhật dữ liệu Quý IV/2026 đã mở');
  });
});

describe('the annual report', () => {
  it('is English on screen and Vietnamese in its printed document', async () => {
    const html = (await staff.get('/quan-tri/bao-cao-nam/2026').expect(200)).text;
    expect(html).toContain('1. Association records in the database</h2>');
    expect(html).toContain('- Association records added: <strong>');
    expect(html).toContain('<caption class="caption-top">Update cycles in the year</caption>');
    expect(html).toContain('<th scope="col">Quarter</th>');
    expect(html).toContain('Backups and restore drills</h2>');
    expect(html).toContain('- Average restore time in drills: <strong>2.5 seconds</strong>.');
    expect(html).toContain('>Job</th>');
    expect(html).toContain('>Quarterly data update cycle</th>');
    expect(leftovers(html)).toEqual([]);
    const print = (await staff.get('/quan-tri/bao-cao-nam/2026?print=1').expect(200)).text;
    expect(print).toContain('1. Hồ sơ hội trong cơ sở dữ liệu</h2>');
    expect(print).toContain('Kỳ cập nhật dữ liệu hằng quý');
    expect(print).toContain('- Thời gian phục hồi trung bình khi diễn tập: <strong>2,5 giây</strong>.');
    expect(print).not.toContain('Association records in the database');
  });
});

describe('the IT Centre in English', () => {
  it('backup errors read English', async () => {
    const html = (await admin.get('/quan-tri/he-thong/sao-luu').expect(200)).text;
    expect(html).toContain('DATABASE_URL is missing for pg_dump.');
    expect(html).toContain('There is no backup in /sao-luu to drill a restore of.');
    expect(leftovers(html)).toEqual([]);
  });

  it('the audit log’s filter messages are English (400)', async () => {
    const res = await admin.get('/quan-tri/he-thong/nhat-ky?ip=not-an-ip&ma-doi-tuong=12').expect(400);
    expect(res.text).toContain('The IP address is not valid; for example 10.0.0.1 or 2001:db8::1.');
    expect(res.text).toContain('Choose the type of target for the code or number entered.');
    expect(leftovers(res.text)).toEqual([]);
  });
});

describe('a saved search', () => {
  it('is named in English on the follows page', async () => {
    const a = await signedIn(['ngo_staff'], 'en');
    const token = await csrfToken(a, '/hoi');
    await a.post('/theo-doi/tim-kiem').type('form').send({ _csrf: token, 'pham-vi': 'toan_quoc', tiep: '/theo-doi' }).expect(303);
    const html = (await a.get('/theo-doi').expect(200)).text;
    expect(html).toContain('>Scope: Nationwide</a>');
    expect(html).not.toContain('Phạm vi: Toàn quốc');
    const bad = await request(t.app).get('/theo-doi').set('Cookie', 'lang=en');
    expect(bad.status).not.toBe(500);
  });
});
