/**
 * Issue 17 item 2: the interface in Vietnamese (default) and English. The switch (/ngon-ngu) remembers the choice in
 * a cookie and goes back to the page (a local path only); `<html lang>` follows it; the anonymous page path keeps one
 * page per language (a Vietnamese visitor never gets the English page from memory, nor the reverse); signed-in pages
 * and error pages follow the same cookie; numbers are written per locale.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formattersFor } from '../../src/lib/format.js';
import { langFromCookieHeader } from '../../src/lib/i18n.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { agent, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp({ PUBLIC_PAGE_CACHE_MB: '4' });
  await insertAssociations(t.db.knex, [anAssociation({ code: 'H970001', name: 'Hội Ngôn ngữ học Việt Nam', published: true })]);
});

afterAll(async () => {
  await t?.db.destroy();
});

const htmlLang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];

describe('the language switch', () => {
  it('sets a year-long cookie and returns to the page', async () => {
    const res = await request(t.app).get('/ngon-ngu?lang=en&tiep=%2Fhoi%3Fq%3Dngon').expect(303);
    expect(res.headers.location).toBe('/hoi?q=ngon');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toMatch(/Max-Age=31536000/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('never leaves the site and ignores an unknown language', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const res = await request(t.app)
        .get(`/ngon-ngu?lang=en&tiep=${encodeURIComponent(next)}`)
        .expect(303);
      expect(res.headers.location).toBe('/');
    }
    const res = await request(t.app).get('/ngon-ngu?lang=fr&tiep=/hoi').expect(303);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers.location).toBe('/hoi');
  });

  it('reads only vi or en from the cookie', () => {
    expect(langFromCookieHeader(undefined)).toBe('vi');
    expect(langFromCookieHeader('a=1; lang=en')).toBe('en');
    expect(langFromCookieHeader('lang=fr')).toBe('vi');
    expect(langFromCookieHeader('xlang=en')).toBe('vi');
  });
});

describe('pages in each language', () => {
  it('the anonymous pages keep one page per language, from memory too', async () => {
    for (let i = 0; i < 3; i++) {
      const vi = await request(t.app).get('/hoi/H970001').expect(200);
      expect(htmlLang(vi.text)).toBe('vi');
      expect(vi.text).toContain('Chuyển đến nội dung chính');
      expect(vi.text).toContain('href="/ngon-ngu?lang=en&amp;tiep=%2Fhoi%2FH970001"');
      const en = await request(t.app).get('/hoi/H970001').set('Cookie', 'lang=en').expect(200);
      expect(htmlLang(en.text)).toBe('en');
      expect(en.text).toContain('Skip to main content');
      expect(en.text).not.toContain('Chuyển đến nội dung chính');
      expect(en.text).toContain('href="/ngon-ngu?lang=vi&amp;tiep=%2Fhoi%2FH970001"');
      // Kept from the second request on (with an ETag): two pages, two tags.
      if (i > 0) {
        expect(en.headers.etag).toBeDefined();
        expect(en.headers.etag).not.toBe(vi.headers.etag);
      }
    }
    expect(t.app.locals.publicPages.hits).toBeGreaterThan(0);
  });

  it('error pages follow the cookie', async () => {
    const en = await request(t.app).get('/khong-co-trang-nay').set('Cookie', 'lang=en').expect(404);
    expect(htmlLang(en.text)).toBe('en');
    expect(en.text).toContain('Page not found');
    const vi = await request(t.app).get('/khong-co-trang-nay').expect(404);
    expect(vi.text).toContain('Không tìm thấy trang');
  });

  it("a signed-in user's header and navigation follow the cookie", async () => {
    const user = await createUser(t.db.knex, ['ngo_staff']);
    const a = agent(t);
    await login(t, a, user);
    const vi = await a.get('/quan-tri').expect(200);
    expect(vi.text).toContain('Đăng xuất');
    expect(vi.text).toContain('>Sổ đăng ký hội</a>');
    await a.get('/ngon-ngu?lang=en&tiep=/quan-tri').expect(303);
    const en = await a.get('/quan-tri').expect(200);
    expect(htmlLang(en.text)).toBe('en');
    expect(en.text).toContain('Sign out');
    expect(en.text).toContain('>Register of associations</a>');
  });
});

describe('numbers per locale', () => {
  it('1.234.567 in Vietnamese, 1,234,567 in English; money in đ and VND', () => {
    expect(formattersFor('vi').number(1234567)).toBe('1.234.567');
    expect(formattersFor('en').number(1234567)).toBe('1,234,567');
    expect(formattersFor('vi').vnd(5000)).toBe('5.000 đ');
    expect(formattersFor('en').vnd(5000)).toBe('5,000 VND');
    expect(formattersFor('en').date(new Date('2026-02-05T03:00:00Z'))).toBe('05/02/2026');
  });
});

describe('back to the page the switch was on', () => {
  it('prefers a Referer of this site (query included) over `tiep`, never another site', async () => {
    const host = '127.0.0.1';
    const same = await request(t.app)
      .get('/ngon-ngu?lang=en&tiep=/hoi')
      .set('Host', host)
      .set('Referer', `http://${host}/hoi?q=ngon+ngu&trang=2`)
      .expect(303);
    expect(same.headers.location).toBe('/hoi?q=ngon+ngu&trang=2');
    const other = await request(t.app)
      .get('/ngon-ngu?lang=en&tiep=/hoi')
      .set('Host', host)
      .set('Referer', 'http://evil.example/hoi?x=1')
      .expect(303);
    expect(other.headers.location).toBe('/hoi');
    const loop = await request(t.app)
      .get('/ngon-ngu?lang=en&tiep=/linh-vuc')
      .set('Host', host)
      .set('Referer', `http://${host}/ngon-ngu?lang=vi`)
      .expect(303);
    expect(loop.headers.location).toBe('/linh-vuc');
  });
});
