/** Passport for one app: the session holds the user's id and session generation, the database the rest. */
import passport from 'passport';
import type { AuthUser } from '../../lib/auth-context.js';
import type { SessionUserRef } from '../../middleware/session.js';
import type { UserRow, UsersRepository } from './users.repository.js';

export function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    associationId: row.association_id,
    organisationId: row.organisation_id,
    mustChangePassword: row.must_change_password,
    sessionGeneration: row.session_generation,
  };
}

/** Passport instance for one app (tests build several apps in one process). */
export function createPassport(users: UsersRepository): passport.PassportStatic {
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.serializeUser<SessionUserRef>((user, done) => done(null, { id: user.id, gen: user.sessionGeneration }));
  instance.deserializeUser<SessionUserRef>((ref, done) => {
    if (!ref || typeof ref.id !== 'number') return done(null, false);
    users
      .findById(ref.id)
      .then((row) => {
        // A bumped generation (logout everywhere, password change, disable) ends this session (RELIABILITY check 4).
        if (!row || row.disabled_at || row.session_generation !== ref.gen) return done(null, false);
        done(null, toAuthUser(row));
      })
      .catch((err: unknown) => done(err));
  });
  return instance;
}
