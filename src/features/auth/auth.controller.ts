import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../../config.js';
import type { AuthUser } from '../../lib/auth-context.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { fieldErrors, keptValues, safeReturnTo, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { hasAnyRole, STAFF_ROLES } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { changePasswordSchema, codeSchema, loginSchema } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { toAuthUser } from './passport.js';
import { newTotpSecret, qrDataUrl, totpUri } from './totp.js';
import type { UserRow } from './users.repository.js';

/** The failures' words, in the request's language (locales/<lang>/auth.json). */
const genericFailure = (req: Request) => translatorOf(req).t('auth:login.failure');
const codeFailure = (req: Request) => translatorOf(req).t('auth:totp.failure');
const PENDING_TTL_MS = 5 * 60_000;

export function homeFor(user: Pick<AuthUser, 'roles'>): string {
  if (hasAnyRole(user.roles, STAFF_ROLES)) return paths.admin.home();
  if (hasAnyRole(user.roles, ['association'])) return paths.submissions.officerHome();
  if (hasAnyRole(user.roles, ['org_manager', 'exploiter'])) return paths.access.exploiterHome();
  return paths.public.home();
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

function login(req: Request, user: UserRow): Promise<void> {
  // Passport 0.7 regenerates the session id here (RELIABILITY check 1).
  return new Promise((resolve, reject) => req.login(toAuthUser(user), (err) => (err ? reject(err) : resolve())));
}

interface AuthPagesDeps {
  auth: AuthService;
  clock: Clock;
  config: Pick<Config, 'demo'>;
}

/** The sign-in journey: password, then (staff) the second factor or its enrolment; and signing out. */
function signInPages(deps: AuthPagesDeps) {
  const { auth, clock, config } = deps;

  function renderLogin(req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) {
    res.status(status).render('auth/login', {
      values: { username: '', tiep: safeReturnTo(req.query.tiep, '') },
      errors: {},
      expired: req.query['het-han'] === '1',
      demo: config.demo.enabled,
      ...extra,
    });
  }

  async function finishLogin(req: Request, _res: Response, user: UserRow, returnTo: string, method: 'password' | 'totp') {
    await login(req, user);
    const now = clock.now().getTime();
    req.session.authAt = now;
    req.session.seenAt = now;
    await auth.loginSucceeded(actorFromRequest(req), user, method);
    return safeReturnTo(returnTo, '') || homeFor(toAuthUser(user));
  }

  /** A pending first factor, still fresh, whose user generation has not moved. */
  function pending(req: Request) {
    const p = req.session.pendingLogin;
    if (!p || clock.now().getTime() - p.at > PENDING_TTL_MS) return null;
    return p;
  }

  return {
    showLogin(req: Request, res: Response) {
      if (req.user) return res.redirect(303, homeFor(req.user));
      renderLogin(req, res, 200);
    },

    async login(req: Request, res: Response) {
      const parsed = loginSchema.safeParse(req.body);
      const values = { username: keptValues(req.body).username ?? '', tiep: safeReturnTo(keptValues(req.body).tiep, '') };
      if (!parsed.success) return renderLogin(req, res, 400, { values, errors: fieldErrors(parsed.error) });
      const { username, password } = parsed.data;
      const outcome = await auth.checkPassword(actorFromRequest(req), username, password);
      if (!outcome.ok) {
        return renderLogin(req, res, 401, { values, errors: { _form: genericFailure(req) } });
      }
      const returnTo = values.tiep;
      if (outcome.secondFactor === 'none') {
        return res.redirect(303, await finishLogin(req, res, outcome.user, returnTo, 'password'));
      }
      // Staff: a fresh session holds only the pending first factor until the TOTP step.
      await regenerate(req);
      req.session.pendingLogin = {
        userId: outcome.user.id,
        gen: outcome.user.session_generation,
        at: clock.now().getTime(),
        returnTo,
        ...(outcome.secondFactor === 'enrol' ? { enrolSecret: newTotpSecret() } : {}),
      };
      // Stored before the redirect is sent (saveSessionBeforeRedirect, middleware/session.ts).
      res.redirect(303, outcome.secondFactor === 'enrol' ? paths.auth.enrol() : paths.auth.code());
    },

    showCode(req: Request, res: Response) {
      const p = pending(req);
      if (!p || p.enrolSecret) return res.redirect(303, paths.auth.login());
      res.render('auth/totp', { errors: {} });
    },

    async verifyCode(req: Request, res: Response) {
      const p = pending(req);
      if (!p || p.enrolSecret) return res.redirect(303, paths.auth.login({ 'het-han': 1 }));
      const parsed = codeSchema.safeParse(req.body);
      if (!parsed.success) return res.status(400).render('auth/totp', { errors: fieldErrors(parsed.error) });
      const user = await auth.checkSecondFactor(actorFromRequest(req), p.userId, parsed.data.code);
      if (!user || user.session_generation !== p.gen) {
        return res.status(401).render('auth/totp', { errors: { code: codeFailure(req) } });
      }
      const target = await finishLogin(req, res, user, p.returnTo, 'totp');
      const codes = await auth.recoveryCodes(user.id);
      if (codes.total > 0 && codes.unused <= 2) {
        flash(req, 'warning', translatorOf(req).t('auth:totp.fewCodes', { count: codes.unused }));
      }
      res.redirect(303, target);
    },

    async showEnrol(req: Request, res: Response) {
      const p = pending(req);
      if (!p?.enrolSecret) return res.redirect(303, paths.auth.login());
      await renderEnrol(req, res, 200, {});
    },

    async enrol(req: Request, res: Response) {
      const p = pending(req);
      if (!p?.enrolSecret) return res.redirect(303, paths.auth.login({ 'het-han': 1 }));
      const parsed = codeSchema.safeParse(req.body);
      if (!parsed.success) return renderEnrol(req, res, 400, fieldErrors(parsed.error));
      const result = await auth.enrolTotp(actorFromRequest(req), p.userId, p.enrolSecret, parsed.data.code, p.gen);
      if (!result) return renderEnrol(req, res, 401, { code: codeFailure(req) });
      const target = await finishLogin(req, res, result.user, p.returnTo, 'totp');
      res.setHeader('Cache-Control', 'no-store');
      res.render('auth/recovery-codes', { codes: result.recoveryCodes, next: target });
    },

    logout(req: Request, res: Response, next: NextFunction) {
      const actor = actorFromRequest(req);
      req.logout((err) => {
        if (err) return next(err);
        // Passport regenerated the session; remove that one too so nothing of this browser stays server-side.
        req.session.destroy((destroyErr) => {
          if (destroyErr) return next(destroyErr);
          res.clearCookie('csdl.sid', { path: '/' });
          auth
            .logout(actor)
            .then(() => res.redirect(303, paths.auth.login({ 'da-dang-xuat': 1 })))
            .catch(next);
        });
      });
    },
  };

  async function renderEnrol(req: Request, res: Response, status: number, errors: Record<string, string>) {
    const p = pending(req);
    if (!p?.enrolSecret) return res.redirect(303, paths.auth.login());
    const user = await auth.userForPending(p.userId);
    const uri = totpUri(p.enrolSecret, user?.username ?? 'user');
    res.status(status).render('auth/totp-enrol', {
      errors,
      secret: p.enrolSecret.replace(/(.{4})/g, '$1 ').trim(),
      qr: await qrDataUrl(uri),
    });
  }
}

/** The signed-in user changes their password (also the forced change while the account must change it). */
function passwordChangePages({ auth, clock }: Pick<AuthPagesDeps, 'auth' | 'clock'>) {
  return {
    showChangePassword(req: Request, res: Response) {
      res.render('auth/change-password', { errors: {}, forced: req.user?.mustChangePassword ?? false });
    },

    async changePassword(req: Request, res: Response) {
      const user = req.user as AuthUser;
      const render400 = (errors: Record<string, string>) =>
        res.status(400).render('auth/change-password', { errors, forced: user.mustChangePassword });
      const done = await submitForm(req.body, changePasswordSchema, {
        save: (data) => auth.changePassword(actorFromRequest(req), user.id, data.currentPassword, data.newPassword, data.confirmPassword),
        refused: ({ errors }) => render400(errors),
        // Passwords are never put back into the form.
        values: () => ({}),
      });
      if (!done) return;
      const fresh = done.saved;
      // Every session of the user ended (RELIABILITY check 4); this browser continues on a new one.
      const authAt = req.session.authAt;
      await login(req, fresh);
      req.session.authAt = authAt ?? clock.now().getTime();
      req.session.seenAt = clock.now().getTime();
      flash(req, 'success', translatorOf(req).t('auth:password.done'));
      res.redirect(303, homeFor(fresh as unknown as AuthUser));
    },
  };
}

export function createAuthController(deps: AuthPagesDeps) {
  return { ...signInPages(deps), ...passwordChangePages(deps) };
}
