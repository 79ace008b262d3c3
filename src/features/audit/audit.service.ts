import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AuditEventInput, AuditRepository } from './audit.repository.js';

/** Who did something and from where: taken from the request by the controller, passed down to services. */
export interface Actor {
  userId: number | null;
  username: string | null;
  roles: readonly string[];
  ip: string | null;
  requestId: string | null;
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

export function createAuditService(repo: AuditRepository) {
  return {
    record(
      actor: Actor | null,
      event: Omit<AuditEventInput, 'actorUserId' | 'actorUsername' | 'ip' | 'requestId'> & Partial<AuditEventInput>,
      trx?: Knex,
    ) {
      return repo.insert(
        {
          actorUserId: actor?.userId ?? null,
          actorUsername: actor?.username ?? null,
          ip: actor?.ip ?? null,
          requestId: actor?.requestId ?? null,
          ...event,
        },
        trx,
      );
    },
    /** The same for many events by one actor, inside the caller's transaction. */
    recordMany(
      actor: Actor | null,
      events: ReadonlyArray<Omit<AuditEventInput, 'actorUserId' | 'actorUsername' | 'ip' | 'requestId'>>,
      trx?: Knex,
    ) {
      return repo.insertMany(
        events.map((event) => ({
          actorUserId: actor?.userId ?? null,
          actorUsername: actor?.username ?? null,
          ip: actor?.ip ?? null,
          requestId: actor?.requestId ?? null,
          ...event,
        })),
        trx,
      );
    },
    recent: repo.recent,
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
