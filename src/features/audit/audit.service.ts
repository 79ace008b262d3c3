import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { AuditEventInput, AuditRepository } from './audit.repository.js';

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
