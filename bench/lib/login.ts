/** Sign a staff user in through the real forms (password, then TOTP) and return the session cookie header. */
import { totpCode } from '../../src/features/auth/totp.js';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { PROXY_HEADERS } from './cannon.js';

/**
 * The cookies the server set so far, sent back as one header: the session cookie and, before the session exists, the
 * signed CSRF cookie of the login form (issue 15 item 6: no session row for showing the form).
 */
function remember(res: Response, jar: Map<string, string>): void {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

const cookieHeader = (jar: Map<string, string>): string => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

async function csrfFrom(res: Response): Promise<string> {
  const m = /name="_csrf" value="([^"]+)"/.exec(await res.text());
  if (!m?.[1]) throw new Error(`no _csrf field in ${res.url} (${res.status} ${res.headers.get('location') ?? ''})`);
  return m[1];
}

export async function staffCookie(baseUrl: string, username: string, password: string, totpSecret: string): Promise<string> {
  const jar = new Map<string, string>();
  const get = async (path: string) => {
    const res = await fetch(baseUrl + path, {
      headers: { ...PROXY_HEADERS, ...(jar.size ? { cookie: cookieHeader(jar) } : {}) },
      redirect: 'manual',
    });
    remember(res, jar);
    return res;
  };
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(baseUrl + path, {
      method: 'POST',
      headers: {
        ...PROXY_HEADERS,
        'content-type': 'application/x-www-form-urlencoded',
        ...(jar.size ? { cookie: cookieHeader(jar) } : {}),
      },
      body: new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    remember(res, jar);
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
  const session = jar.get(SESSION_COOKIE);
  if (!session) throw new Error('no session cookie');
  return `${SESSION_COOKIE}=${session}`;
}
