/**
 * Who is asking: the signed-in user as request handlers see it (`req.user`), and the actor a controller passes down
 * to services for the audit trail. Below features and middleware: both read it, neither defines it.
 */
import type { Request } from 'express';
import type { Role } from './roles.js';

/**
 * What request handlers see of the signed-in user (never the hashes or the TOTP secret). The access feature adds
 * `access`, the grant in force of an org_manager or exploiter (features/access/effective-access.ts).
 */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  associationId: number | null;
  organisationId: number | null;
  mustChangePassword: boolean;
  sessionGeneration: number;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends AuthUser {}
  }
}

/** Who did something and from where: taken from the request by the controller, passed down to services. */
export interface Actor {
  userId: number | null;
  username: string | null;
  roles: readonly string[];
  ip: string | null;
  requestId: string | null;
}

/**
 * What middleware writes to the audit trail (a refused request, an expired session): one event by an actor. The
 * audit feature's service is one; middleware takes it by this shape and never imports the feature.
 */
export interface AuditRecorder {
  record(
    actor: Actor | null,
    event: {
      action: string;
      outcome?: 'success' | 'failure' | 'denied';
      targetType?: string | null;
      targetId?: string | number | null;
      details?: Record<string, unknown> | null;
    },
  ): Promise<void>;
}

export function actorFromRequest(req: Request): Actor {
  return {
    userId: req.user?.id ?? null,
    username: req.user?.username ?? null,
    roles: req.user?.roles ?? [],
    ip: req.ip ?? null,
    requestId: typeof req.id === 'string' ? req.id : req.id !== undefined ? String(req.id) : null,
  };
}
