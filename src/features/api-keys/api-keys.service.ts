/**
 * API keys of exploiting organisations (issue 17 item 3, as Companies House issues keys to registered users): the
 * organisation's manager creates and revokes them (each write in one transaction with its audit row); the JSON API
 * authenticates a presented key here. A key carries no grant of its own: its scope is the organisation's effective
 * access at the time of each call (access-grants.service.ts `organisationAccess`, the same rules as the officers'
 * pages), and its own optional expiry, never later than the grant's.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { formatDate } from '../../lib/format.js';
import { BLOCK_LABELS, type EffectiveAccess } from '../access/effective-access.js';
import type { AuditService } from '../audit/audit.service.js';
import { addDays } from '../fees/fees.service.js';
import type { ApiKeyRow, ApiKeysRepository } from './api-keys.repository.js';
import { type ApiKeyInput, KEYS_PAGE } from './api-keys.schemas.js';
import { generateKey, keyHashOf } from './api-token.js';

export type KeyRefusal = 'missing' | 'unknown' | 'revoked' | 'expired';

/** The data API's 401 messages: JSON bodies for a program, not a page (the API speaks Vietnamese, api.openapi.ts). */
export const REFUSAL_MESSAGES: Record<KeyRefusal, string> = {
  missing: 'Thiếu khóa API: gửi tiêu đề "Authorization: Bearer <khóa API>".', // server-text: JSON API message, not a page
  unknown: 'Khóa API không đúng.', // server-text: JSON API message, not a page
  revoked: 'Khóa API đã bị thu hồi.', // server-text: JSON API message, not a page
  expired: 'Khóa API đã hết hạn.', // server-text: JSON API message, not a page
};

export type Authenticated = { ok: true; key: ApiKeyRow; access: EffectiveAccess } | { ok: false; refusal: KeyRefusal };

export function keyStatus(key: Pick<ApiKeyRow, 'revoked_at' | 'expires_at'>, now: Date): 'active' | 'revoked' | 'expired' {
  if (key.revoked_at) return 'revoked';
  if (key.expires_at && new Date(key.expires_at) <= now) return 'expired';
  return 'active';
}

export function createApiKeysService(deps: {
  db: Knex;
  repo: ApiKeysRepository;
  audit: AuditService;
  clock: Clock;
  /** The access feature's `organisationAccess`: the organisation's grant in force, by the officers' rules. */
  access: { organisationAccess(organisationId: number): Promise<EffectiveAccess> };
}) {
  const { db, repo, audit, clock } = deps;
  const organisationAccess = (organisationId: number) => deps.access.organisationAccess(organisationId);
  return {
    organisationAccess,

    /** A key of this organisation (another organisation's key: undefined). */
    find: (organisationId: number, id: number) => repo.findOwn(organisationId, id),

    list(organisationId: number, page: number) {
      return repo.page(organisationId, KEYS_PAGE, (page - 1) * KEYS_PAGE);
    },

    /** A new key: the whole text is returned once, for the page that shows it; only its hash is stored. */
    async create(
      actor: Actor & { userId: number },
      organisationId: number,
      input: ApiKeyInput,
    ): Promise<{ key: ApiKeyRow; token: string }> {
      const now = clock.now();
      const access = await organisationAccess(organisationId);
      if (access.blocked !== null || !access.expiresAt)
        throw new ValidationError({ _form: `Không tạo được khóa API: ${BLOCK_LABELS[access.blocked ?? 'no_grant']}` });
      // The key ends with its last day (Viet Nam time), and never after the grant in force.
      const expiresAt = input.expires_on ? new Date(`${addDays(input.expires_on, 1)}T00:00:00+07:00`) : null;
      if (expiresAt && expiresAt <= now) throw new ValidationError({ expires_on: 'Ngày hết hạn phải từ hôm nay trở đi.' });
      if (expiresAt && expiresAt > access.expiresAt)
        throw new ValidationError({
          expires_on: `Ngày hết hạn của khóa không được sau ngày hết hạn quyền khai thác của tổ chức (${formatDate(access.expiresAt)}).`,
        });
      const fresh = generateKey();
      const key = await db.transaction(async (trx) => {
        const row = await repo.insert(trx, {
          organisation_id: organisationId,
          label: input.label,
          prefix: fresh.prefix,
          secret_hash: fresh.hash,
          created_by: actor.userId,
          created_at: now,
          expires_at: expiresAt,
        });
        await audit.record(
          actor,
          {
            action: 'api_key.create',
            targetType: 'api_key',
            targetId: row.id,
            details: { organisationId, label: row.label, prefix: row.prefix, expiresAt: row.expires_at },
          },
          trx,
        );
        return row;
      });
      return { key, token: fresh.token };
    },

    /** Revokes a key of the manager's own organisation (another organisation's key: not found). */
    async revoke(actor: Actor & { userId: number }, organisationId: number, id: number): Promise<ApiKeyRow> {
      return db.transaction(async (trx) => {
        const key = await repo.findOwnForUpdate(trx, organisationId, id);
        if (!key) throw new NotFoundError('Không tìm thấy khóa API này.');
        if (key.revoked_at) throw new ConflictError('Khóa API này đã bị thu hồi trước đó.');
        await repo.revoke(trx, id, clock.now(), actor.userId);
        await audit.record(
          actor,
          {
            action: 'api_key.revoke',
            targetType: 'api_key',
            targetId: id,
            details: { organisationId, label: key.label, prefix: key.prefix },
          },
          trx,
        );
        return key;
      });
    },

    /** The key of an `Authorization: Bearer` header: unknown, revoked or expired keys are refused. */
    async authenticate(token: string | null): Promise<Authenticated> {
      if (!token) return { ok: false, refusal: 'missing' };
      const hash = keyHashOf(token);
      const key = hash ? await repo.findByHash(hash) : undefined;
      if (!key) return { ok: false, refusal: 'unknown' };
      const now = clock.now();
      const status = keyStatus(key, now);
      if (status !== 'active') return { ok: false, refusal: status };
      const access = await organisationAccess(key.organisation_id);
      await repo.touch(key.id, now);
      return { ok: true, key, access };
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
