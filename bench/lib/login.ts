/** Sign a staff user in through the real forms (password, then TOTP) and return the session cookie header. */
import { totpCode } from '../../src/features/auth/totp.js';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { PROXY_HEADERS } from './cannon.js';

function cookieFrom(res: Response, current: string | null): string | null {
  for (const c of res.headers.getSetCookie()) {
    if (c.startsWith(`${SESSION_COOKIE}=`)) return c.split(';')[0] ?? current;
  }
  return current;
}

async function csrfFrom(res: Response): Promise<string> {
  const m = /name="_csrf" value="([^"]+)"/.exec(await res.text());
  if (!m?.[1]) throw new Error(`no _csrf field in ${res.url} (${res.status} ${res.headers.get('location') ?? ''})`);
  return m[1];
}

export async function staffCookie(baseUrl: string, username: string, password: string, totpSecret: string): Promise<string> {
  let cookie: string | null = null;
  const get = async (path: string) => {
    const res = await fetch(baseUrl + path, { headers: { ...PROXY_HEADERS, ...(cookie ? { cookie } : {}) }, redirect: 'manual' });
    cookie = cookieFrom(res, cookie);
    return res;
  };
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: { ...PROXY_HEADERS, 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    cookie = cookieFrom(res, cookie);
    return res;
  };
  const loginPage = await get('/dang-nhap');
  const step1 = await post('/dang-nhap', { _csrf: await csrfFrom(loginPage), username, password });
  if (step1.status !== 303 || step1.headers.get('location') !== '/dang-nhap/ma-xac-thuc') {
    throw new Error(`login of ${username}: expected the TOTP step, got ${step1.status} ${step1.headers.get('location')}`);
  }
  const codePage = await get('/dang-nhap/ma-xac-thuc');
  const step2 = await post('/dang-nhap/ma-xac-thuc', {
    _csrf: await csrfFrom(codePage),
    code: await totpCode(totpSecret, new Date()),
  });
  if (step2.status !== 303) throw new Error(`TOTP step of ${username}: ${step2.status}`);
  if (!cookie) throw new Error('no session cookie');
  return cookie;
}
