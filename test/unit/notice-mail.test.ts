/** The notice e-mail's pure parts (issue 17 item 4): the signed unsubscribe token, the classification, the texts. */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/features/notifications/notice-mail.job.js';
import { digestMail, noticeMail, unsubscribeToken, verifyUnsubscribeToken } from '../../src/features/notifications/notice-mail.js';
import type { PendingNotice } from '../../src/features/notifications/notice-mail.repository.js';

const SECRET = 'a-test-secret-of-some-length-0123456789';
const NOW = new Date('2026-12-07T01:00:00Z');

describe('unsubscribe token', () => {
  it('names its user while valid; another secret, another user, a changed day or a late use: none', () => {
    const token = unsubscribeToken(SECRET, 42, NOW);
    expect(verifyUnsubscribeToken(SECRET, token, NOW)).toBe(42);
    expect(verifyUnsubscribeToken(SECRET, token, new Date(NOW.getTime() + 89 * 86_400_000))).toBe(42);
    expect(verifyUnsubscribeToken(SECRET, token, new Date(NOW.getTime() + 91 * 86_400_000))).toBeNull();
    expect(verifyUnsubscribeToken('another-secret', token, NOW)).toBeNull();
    const [, day, sig] = token.split('.');
    expect(verifyUnsubscribeToken(SECRET, `43.${day}.${sig}`, NOW)).toBeNull();
    expect(verifyUnsubscribeToken(SECRET, `42.${Number(day) + 1000}.${sig}`, NOW)).toBeNull();
    for (const bad of [undefined, '', 'x', ['a'], `${token}x`]) expect(verifyUnsubscribeToken(SECRET, bad, NOW)).toBeNull();
  });
});

describe('classify', () => {
  const n = (id: number, over: Partial<PendingNotice> = {}): PendingNotice => ({
    id,
    kind: 'follow.record',
    title: 't',
    body: '',
    link: null,
    created_at: NOW,
    user_id: 1,
    email: 'a@b.vn',
    display_name: 'A',
    notice_email: 'immediately',
    disabled: false,
    ...over,
  });
  it('sends to "immediately", leaves "daily" for the digest, skips never / no address / disabled / too old', () => {
    const c = classify(
      [
        n(1),
        n(2, { notice_email: 'daily' }),
        n(3, { notice_email: 'never' }),
        n(4, { email: null }),
        n(5, { email: '  ' }),
        n(6, { disabled: true }),
        n(7, { created_at: new Date(NOW.getTime() - 4 * 86_400_000) }),
        n(8, { kind: 'cycle.quarterly' }),
        n(9, { kind: 'cycle.quarterly', notice_email: 'daily' }),
      ],
      NOW,
    );
    expect(c.send.map((x) => x.id)).toEqual([1]);
    expect(c.daily).toEqual([2, 9]);
    expect(c.skip).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('texts', () => {
  const user = { id: 7, email: 'a@b.vn', display_name: 'Nguyễn Văn A' };
  const notice = { id: 99, title: 'Sao lưu thất bại', body: 'Đĩa đầy.', link: '/quan-tri/he-thong/sao-luu', created_at: NOW };
  it('with PUBLIC_URL: absolute links, settings and unsubscribe in the footer, RFC 8058 headers', () => {
    const m = noticeMail(user, notice, { publicUrl: 'https://x.gov.vn/', secret: SECRET, now: NOW });
    expect(m.subject).toBe('[CSDL hội] Sao lưu thất bại');
    expect(m.messageId).toBe('<notice-99@csdl-hoi>');
    expect(m.text).toContain('Kính gửi Nguyễn Văn A,');
    expect(m.text).toContain('Xem tại: https://x.gov.vn/quan-tri/he-thong/sao-luu');
    expect(m.text).toContain('https://x.gov.vn/tai-khoan/nhan-thu');
    expect(m.text).toContain('Thời điểm: 07/12/2026 08:00');
    expect(m.headers?.['List-Unsubscribe']).toMatch(/^<https:\/\/x\.gov\.vn\/thu-dien-tu\/huy-nhan\?t=7\.\d+\.[\w-]{43}>$/);
    expect(m.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
  });
  it('without PUBLIC_URL: no link, no unsubscribe header; the digest numbers its notices', () => {
    const m = noticeMail(user, notice, { publicUrl: null, secret: SECRET, now: NOW });
    expect(m.text).not.toContain('http');
    expect(m.headers).toEqual({});
    const d = digestMail(user, [notice, { ...notice, id: 100, title: 'Tin hai' }], '2026-12-07', {
      publicUrl: null,
      secret: SECRET,
      now: NOW,
    });
    expect(d.subject).toBe('[CSDL hội] Thông báo ngày 07/12/2026: 2 thông báo mới');
    expect(d.text).toContain('1. Sao lưu thất bại (07/12/2026 08:00)');
    expect(d.text).toContain('2. Tin hai');
    expect(d.messageId).toBe('<notice-digest-7.2026-12-07@csdl-hoi>');
  });
});
