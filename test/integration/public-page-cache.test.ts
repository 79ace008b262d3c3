/**
 * Issue 13: the anonymous page path and its rendered-page cache (src/middleware/anonymous-pages.ts). A visitor without
 * a session cookie gets /, /hoi, /hoi/:code and /linh-vuc from memory with every security header (RELIABILITY 26,
 * static CSP), a strong ETag (304) and no session (RELIABILITY 10); a signed-in visitor never gets that page; a write
 * to public data shows on the next request of every page (the data version is read on every request in tests); the
 * key is the normalised query; PUBLIC_PAGE_CACHE_MB=0 turns the cache off. Nothing here is timed.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { agent, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const METRICS_TOKEN = 'metrics-token-for-page-cache-tests-0123';

interface Seed {
  code: string;
  name: string;
  published: boolean;
  field: string;
}

const SEEDS: Seed[] = [
  { code: 'H980001', name: 'Hội Khuyến học Việt Nam', published: true, field: 'GDDT' },
  { code: 'H980002', name: 'Hội Khuyến học tỉnh Thái Bình', published: true, field: 'GDDT' },
  { code: 'H980003', name: 'Hội Người mù Việt Nam', published: true, field: 'XHND' },
  { code: 'H980004', name: 'Hội Cựu giáo chức Việt Nam', published: true, field: 'GDDT' },
  { code: 'H980009', name: 'Hội Khuyến học chưa công khai', published: false, field: 'GDDT' },
];

/** The four cached pages, as a visitor would request them. */
const PAGES = ['/', '/hoi?q=khuyen+hoc', '/hoi/H980001', '/linh-vuc'];

let t: TestContext;
const stats = (ctx: TestContext = t) => ctx.app.locals.publicPages;

async function seed(ctx: TestContext): Promise<void> {
  await insertAssociations(
    ctx.db.knex,
    SEEDS.map((s) =>
      anAssociation({ code: s.code, name: s.name, main_field_code: s.field, hq_province_code: '01', published: s.published }),
    ),
  );
}

async function sessionRows(ctx: TestContext = t): Promise<number> {
  const row = await ctx.db.knex('sessions').count<{ n: string | number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

type Res = { status: number; headers: Record<string, string | string[] | undefined>; text: string };

function csp(res: Res): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of String(res.headers['content-security-policy'] ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

/** RELIABILITY 26 on a page of the anonymous path: the static policy (no nonce, no unsafe-inline) and the rest. */
function expectSecurityHeaders(res: Res, label: string): void {
  const d = csp(res);
  expect(d.get('default-src'), label).toEqual(["'self'"]);
  expect(d.get('script-src'), label).toEqual(["'self'"]);
  expect(d.get('style-src'), label).toEqual(["'self'"]);
  expect(d.get('object-src'), label).toEqual(["'none'"]);
  expect(d.get('base-uri'), label).toEqual(["'none'"]);
  expect(d.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(d.get('form-action'), label).toEqual(["'self'"]);
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['referrer-policy'], label).toBe('same-origin');
  expect(res.headers['x-frame-options'], label).toBe('SAMEORIGIN');
  expect(res.headers['x-powered-by'], label).toBeUndefined();
  expect(res.headers['strict-transport-security'], label).toBeUndefined();
  expect(res.headers['set-cookie'], label).toBeUndefined();
}

beforeAll(async () => {
  t = await buildTestApp({ PUBLIC_PAGE_CACHE_MB: '4', METRICS_TOKEN });
  await seed(t);
});
afterAll(() => t.db.destroy());

describe('anonymous public pages from memory (issue 13)', () => {
  it('renders a page the first two times it is asked for (kept from the second), then serves the same bytes from memory with every security header', async () => {
    for (const path of PAGES) {
      const before = { ...stats() };
      const once = await request(t.app).get(path);
      expect(once.status, path).toBe(200);
      // Asked for once: rendered and sent, not kept, so no ETag (a one-off search never displaces repeated pages).
      expect(once.headers.etag, path).toBeUndefined();
      expect(stats().entries, path).toBe(before.entries);
      const first = await request(t.app).get(path);
      expect(first.status, path).toBe(200);
      expect(stats().misses, path).toBe(before.misses + 2);
      expect(first.text, path).toBe(once.text);
      const second = await request(t.app).get(path);
      expect(second.status, path).toBe(200);
      expect(stats().hits, path).toBe(before.hits + 1);
      expect(stats().misses, path).toBe(before.misses + 2);
      // The repeat was answered before Express (app.ts wraps app.handle), from the URL the first request resolved.
      expect(stats().early, path).toBe(before.early + 1);
      expect(second.text, path).toBe(first.text);
      for (const res of [first, second]) {
        expectSecurityHeaders(res, path);
        expect(res.headers['content-type'], path).toBe('text/html; charset=utf-8');
        expect(Number(res.headers['content-length']), path).toBe(Buffer.byteLength(res.text));
        expect(res.headers.etag, path).toMatch(/^"[0-9a-f]+-[A-Za-z0-9_-]{27}"$/);
        expect(res.headers['cache-control'], path).toBe('no-cache');
        expect(res.headers.vary, path).toBe('Cookie');
        // An anonymous page: the login link, no user.
        expect(res.text, path).toContain('href="/dang-nhap"');
        expect(res.text, path).not.toContain('Xin chào');
      }
      expect(second.headers.etag, path).toBe(first.headers.etag);
    }
    expect((await request(t.app).get('/hoi/H980001')).text).toContain('Hội Khuyến học Việt Nam');
  });

  it('sends exactly the HTML the full stack renders for an anonymous visitor', async () => {
    for (const path of [...PAGES, '/hoi?linh-vuc=GDDT&sap-xep=ma', '/hoi?q=khong+co+hoi+nao']) {
      const fast = await request(t.app).get(path);
      // A cookie for an unknown session sends the request down the full stack, which renders it anonymously.
      const full = await request(t.app).get(path).set('Cookie', `${SESSION_COOKIE}=s%3Aunknown.sig`);
      expect(fast.status, path).toBe(200);
      expect(full.status, path).toBe(200);
      expect(
        csp(full)
          .get('script-src')
          ?.some((v) => v.startsWith("'nonce-")),
        path,
      ).toBe(true);
      expect(fast.text, path).toBe(full.text);
    }
    expect(await sessionRows()).toBe(0);
  });

  it('never gives a signed-in visitor the anonymous page: their name in the header, no-store', async () => {
    const anonymous = await request(t.app).get('/');
    expect(anonymous.status).toBe(200);
    const user = await createUser(t.db.knex, ['association']);
    const a = agent(t);
    await login(t, a, user);
    const before = { ...stats() };
    for (const path of PAGES) {
      const res = await a.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain(`Xin chào, <strong>${user.display_name}</strong>`);
      expect(res.text, path).toContain('action="/dang-xuat"');
      expect(res.headers['cache-control'], path).toBe('no-store');
      expect(res.headers.vary, path).toBeUndefined();
      expect(res.headers.etag, path).not.toBe(anonymous.headers.etag);
    }
    // Not one of those requests touched the page cache, and the cached page still has no user in it.
    expect(stats().hits + stats().misses).toBe(before.hits + before.misses);
    const after = await request(t.app).get('/');
    expect(after.text).toBe(anonymous.text);
    expect(after.text).not.toContain(user.display_name);
  });

  it('shows a write on the next request of /, /hoi?q=…, /hoi/:code and /linh-vuc (a rename by SQL, a publication by the service)', async () => {
    const published = (html: string) => Number(/Hiện có <strong>(\d+)<\/strong> hội được công khai/.exec(html)?.[1]);
    const educationCount = (html: string) =>
      Number(/<a href="\/hoi\?linh-vuc=GDDT">[^<]+<\/a><\/td>\s*<td class="text-end">(\d+)<\/td>/.exec(html)?.[1]);
    const get = async (path: string) => {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      return res.text;
    };
    // Warm every page (twice: the second from memory).
    for (const path of PAGES) await get(path);
    const hits = stats().hits;
    const [home, list, record, fields] = await Promise.all(PAGES.map(get));
    expect(stats().hits).toBe(hits + PAGES.length);
    const total = published(home as string);
    const education = educationCount(fields as string);
    expect(list).not.toContain('H980009');

    // A rename straight in SQL: every write to public data moves the data version.
    await t.db.knex('associations').where({ code: 'H980001' }).update({ name: 'Hội Khuyến học Việt Nam (tên mới)' });
    expect(await get('/hoi?q=khuyen+hoc')).toContain('Hội Khuyến học Việt Nam (tên mới)');
    expect(await get('/hoi/H980001')).toContain('Hội Khuyến học Việt Nam (tên mới)');
    expect(record).not.toContain('(tên mới)');

    // A publication through the register service, as the staff form does it.
    const staff = await createUser(t.db.knex, ['ngo_staff']);
    const row = await t.db.knex('associations').where({ code: 'H980009' }).first<{ version: number }>('version');
    await t.services.associations.setPublished(
      { userId: staff.id, username: staff.username, roles: ['ngo_staff'], ip: null, requestId: null },
      'H980009',
      true,
      Number(row?.version),
    );
    expect(published(await get('/'))).toBe(total + 1);
    expect(await get('/hoi?q=khuyen+hoc')).toContain('H980009');
    expect(educationCount(await get('/linh-vuc'))).toBe(education + 1);
    expect(await get('/hoi/H980009')).toContain('Hội Khuyến học chưa công khai');

    // Unpublished again: gone from every page at the next request, the record page answers 404.
    const again = await t.db.knex('associations').where({ code: 'H980009' }).first<{ version: number }>('version');
    await t.services.associations.setPublished(
      { userId: staff.id, username: staff.username, roles: ['ngo_staff'], ip: null, requestId: null },
      'H980009',
      false,
      Number(again?.version),
    );
    expect(published(await get('/'))).toBe(total);
    expect(await get('/hoi?q=khuyen+hoc')).not.toContain('H980009');
    expect(educationCount(await get('/linh-vuc'))).toBe(education);
    expect((await request(t.app).get('/hoi/H980009')).status).toBe(404);
  });

  it('answers If-None-Match with 304 and HEAD with the headers only', async () => {
    for (const path of PAGES) {
      const first = await request(t.app).get(path);
      const etag = String(first.headers.etag);
      for (const inm of [etag, `W/${etag}`, `"autre", ${etag}`, '*']) {
        const res = await request(t.app).get(path).set('If-None-Match', inm);
        expect(res.status, `${path} ${inm}`).toBe(304);
        expect(res.text, path).toBe('');
        expect(res.headers.etag, path).toBe(etag);
        expect(res.headers['cache-control'], path).toBe('no-cache');
        expect(res.headers['content-security-policy'], path).toBeDefined();
      }
      const changed = await request(t.app).get(path).set('If-None-Match', '"0-khac"');
      expect(changed.status, path).toBe(200);
      expect(changed.text, path).toBe(first.text);
      const head = await request(t.app).head(path);
      expect(head.status, path).toBe(200);
      expect(head.headers['content-length'], path).toBe(first.headers['content-length']);
      expect(head.headers.etag, path).toBe(etag);
      expect(head.text ?? '', path).toBe('');
    }
  });

  it('keys the list by its parsed query: empty values, parameter order, blanks and unknown parameters do not matter', async () => {
    // Asked for twice (kept from the second request on), then every spelling of the same query is that page.
    await request(t.app).get('/hoi?q=%20cuu%20%20giao%20chuc&linh-vuc=&tinh=');
    const first = await request(t.app).get('/hoi?q=%20cuu%20%20giao%20chuc&linh-vuc=&tinh=');
    expect(first.status).toBe(200);
    expect(first.headers.etag).toMatch(/^"/);
    const { misses, entries } = stats();
    for (const path of [
      '/hoi?tinh=&q=cuu+giao+chuc',
      '/hoi?linh-vuc=&q=cuu%09giao%0Achuc%20&trang=1',
      '/hoi?q=cuu+giao+chuc&nguon=email',
      '/hoi?q=cuu+giao+chuc&trang=01',
    ]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.etag, path).toBe(first.headers.etag);
    }
    expect(stats().misses).toBe(misses);
    expect(stats().entries).toBe(entries);
    // What the page shows differs, so the key does: the words as typed, another sort, another page.
    for (const path of ['/hoi?q=Cuu+giao+chuc', '/hoi?q=cuu+giao+chuc&sap-xep=phu-hop', '/hoi?q=cuu+giao+chuc&trang=2']) {
      expect((await request(t.app).get(path)).status, path).toBe(200);
    }
    expect(stats().misses).toBe(misses + 3);
  });

  it('leaves bad queries, unknown codes and polluted parameters to the full stack and its error pages', async () => {
    const cases: Array<[string, number, string]> = [
      ['/hoi?trang=0', 400, 'Điều kiện tìm kiếm không hợp lệ'],
      ['/hoi?pham-vi=vu-tru', 400, 'Điều kiện tìm kiếm không hợp lệ'],
      ['/hoi?q=a&q=b', 400, 'Điều kiện tìm kiếm không hợp lệ'],
      ['/hoi/H999999', 404, 'Không tìm thấy'],
      ['/hoi/khong-phai-ma', 404, 'Không tìm thấy'],
      ['/hoi?a[b]=1', 400, 'Yêu cầu không hợp lệ'],
      ['/?__proto__[x]=1', 400, 'Yêu cầu không hợp lệ'],
    ];
    const { entries } = stats();
    for (const [path, status, text] of cases) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(status);
      expect(res.text, path).toContain(text);
      // The error page of the full stack: its request id and its nonce.
      expect(res.headers['x-request-id'], path).toBeDefined();
      expect(
        csp(res)
          .get('script-src')
          ?.some((v) => v.startsWith("'nonce-")),
        path,
      ).toBe(true);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    expect(stats().entries).toBe(entries);
  });

  it('creates no session row and sets no cookie over 100 anonymous GETs', async () => {
    // (The signed-in visitor above holds one.)
    const before = await sessionRows();
    const paths = [...PAGES, '/hoi?q=nguoi+mu', '/hoi/H999999'];
    let cookies = 0;
    for (let i = 0; i < 100; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => request(t.app).get(paths[(i + j) % paths.length] as string)));
      for (const res of batch) {
        expect([200, 404]).toContain(res.status);
        if (res.headers['set-cookie']) cookies++;
      }
    }
    expect(cookies).toBe(0);
    expect(await sessionRows()).toBe(before);
  });

  it('counts hits, misses and 304s for Prometheus', async () => {
    await request(t.app).get('/');
    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(new RegExp(`csdl_hoi_public_pages_total\\{result="hit"\\} ${stats().hits}\\b`));
    expect(res.text).toMatch(new RegExp(`csdl_hoi_public_pages_total\\{result="miss"\\} ${stats().misses}\\b`));
    expect(res.text).toMatch(/csdl_hoi_public_pages_total\{result="not_modified"\} [1-9]/);
    expect(res.text).toMatch(/csdl_hoi_public_page_render_seconds_count [1-9]/);
  });
});

describe('PUBLIC_PAGE_CACHE_MB=0', () => {
  let off: TestContext;
  beforeAll(async () => {
    off = await buildTestApp({ PUBLIC_PAGE_CACHE_MB: '0' });
    await seed(off);
  });
  afterAll(() => off.db.destroy());

  it('renders every request (no page kept), still on the anonymous path with its headers, ETag and no session', async () => {
    expect(off.config.publicPageCache.maxBytes).toBe(0);
    const home = vi.spyOn(off.services.publicData, 'home');
    try {
      const first = await request(off.app).get('/');
      const second = await request(off.app).get('/');
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(home).toHaveBeenCalledTimes(2);
      expect(stats(off)).toMatchObject({ hits: 0, misses: 2, entries: 0, bytes: 0 });
      expect(second.text).toBe(first.text);
      expectSecurityHeaders(second, 'cache off');
      expect(second.headers.etag).toBe(first.headers.etag);
      const revalidated = await request(off.app).get('/').set('If-None-Match', String(first.headers.etag));
      expect(revalidated.status).toBe(304);
      expect(home).toHaveBeenCalledTimes(3);
    } finally {
      home.mockRestore();
    }
    expect(await sessionRows(off)).toBe(0);
  });
});
