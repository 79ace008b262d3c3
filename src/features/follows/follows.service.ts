/**
 * Follows and saved searches of the signed-in user (issue 16 item 2): follow a record the user may read (scope:
 * follow-scope.ts; otherwise 404, as if it did not exist), unfollow, save a public search, remove it, and the page
 * "Theo dõi của tôi". Every write is audited in its own transaction; every query is scoped to the user.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import { SCOPES } from '../register-form/definition.js';
import { type FollowReader, readLevel, recordLink } from './follow-scope.js';
import type { FollowsRepository, SavedQuery } from './follows.repository.js';
import { queryKey } from './follows.schemas.js';

/** At most this many records followed and searches saved per user (each change of each is checked by a job). */
export const MAX_FOLLOWS = 200;
export const MAX_SAVED_SEARCHES = 20;

const NOT_FOUND = 'Không tìm thấy hội với mã này, hoặc bạn không có quyền xem hồ sơ này.';
const SCOPE_LABELS: Record<string, string> = Object.fromEntries(SCOPES);

export type Follower = FollowReader & { id: number };

export interface FollowOutcome {
  /** `added`/`removed`; `unchanged` when it already was so; `full` when the user follows MAX_FOLLOWS records. */
  result: 'added' | 'removed' | 'unchanged' | 'full';
  name: string;
}

interface Deps {
  db: Knex;
  repo: FollowsRepository;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
}

/** A saved search's label from its query: the words, then each filter by name. */
export function searchLabel(q: SavedQuery, names: { field: string | null; province: string | null }): string {
  const parts = [
    q.q ? `“${q.q}”` : null,
    names.field ? `Lĩnh vực: ${names.field}` : null,
    q['pham-vi'] ? `Phạm vi: ${SCOPE_LABELS[q['pham-vi']] ?? q['pham-vi']}` : null,
    names.province ? `Tỉnh, thành phố: ${names.province}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(' · ') : 'Tất cả hội công khai';
}

/**
 * A saved label (searchLabel, stored in Vietnamese) in the reader's language: each part translated by `say` (a
 * view's `tx`), the words searched and the catalogue names as they are.
 */
export function searchLabelText(label: string, say: (text: string) => string): string {
  return label
    .split(' · ')
    .map((part) => say(part))
    .join(' · ');
}

function followMethods({ db, repo, audit, clock }: Deps) {
  async function readable(user: Follower, code: string) {
    const record = await repo.findAssociation({ code });
    if (!record || readLevel(user, record) === null) throw new NotFoundError(NOT_FOUND);
    return record;
  }

  return {
    async follow(actor: Actor, user: Follower, code: string): Promise<FollowOutcome> {
      const record = await readable(user, code);
      return db.transaction(async (trx) => {
        if ((await repo.countFollows(user.id, trx)) >= MAX_FOLLOWS) return { result: 'full', name: record.name };
        const added = await repo.insertFollow(trx, {
          user_id: user.id,
          association_id: record.id,
          seen_version: record.version,
          created_at: clock.now(),
        });
        if (added) await audit.record(actor, { action: 'follow.add', targetType: 'association', targetId: record.code }, trx);
        return { result: added ? 'added' : 'unchanged', name: record.name };
      });
    },

    /** Stops following (no read check: it only removes the user's own row). */
    async unfollow(actor: Actor, userId: number, code: string): Promise<FollowOutcome> {
      const record = await repo.findAssociation({ code });
      if (!record) throw new NotFoundError(NOT_FOUND);
      return db.transaction(async (trx) => {
        const removed = await repo.deleteFollow(trx, userId, record.id);
        if (removed) await audit.record(actor, { action: 'follow.remove', targetType: 'association', targetId: record.code }, trx);
        return { result: removed ? 'removed' : 'unchanged', name: record.name };
      });
    },

    /** The button's state on a record page the user is reading (null: nothing to show). */
    async pageState(user: Follower, where: { code: string } | { id: number }) {
      const record = await repo.findAssociation(where);
      if (!record || readLevel(user, record) === null) return null;
      return { code: record.code, name: record.name, following: await repo.isFollowing(user.id, record.id) };
    },
  };
}

function searchMethods({ db, repo, audit }: Deps) {
  return {
    /** Saves the search (once per user and query); `full` when the user has MAX_SAVED_SEARCHES. */
    async saveSearch(actor: Actor, userId: number, query: SavedQuery): Promise<{ result: 'added' | 'unchanged' | 'full'; label: string }> {
      const names = await repo.catalogueNames(query['linh-vuc'] ?? null, query.tinh ?? null);
      const errors: Record<string, string> = {};
      if (query['linh-vuc'] && !names.field) errors['linh-vuc'] = 'Lĩnh vực không có trong danh mục.';
      if (query.tinh && !names.province) errors.tinh = 'Tỉnh, thành phố không có trong danh mục.';
      if (Object.keys(errors).length > 0) throw new ValidationError(errors, Object.values(errors).join(' '));
      const label = searchLabel(query, names);
      return db.transaction(async (trx) => {
        if ((await repo.countSearches(userId, trx)) >= MAX_SAVED_SEARCHES) return { result: 'full', label };
        const id = await repo.insertSearch(trx, { user_id: userId, query, query_key: queryKey(query), label });
        if (id !== null)
          await audit.record(actor, { action: 'saved_search.add', targetType: 'saved_search', targetId: id, details: { query } }, trx);
        return { result: id === null ? 'unchanged' : 'added', label };
      });
    },

    async removeSearch(actor: Actor, userId: number, id: number): Promise<string> {
      return db.transaction(async (trx) => {
        const label = await repo.deleteSearch(trx, userId, id);
        if (label === null) throw new NotFoundError('Không tìm thấy tìm kiếm đã lưu này.');
        await audit.record(actor, { action: 'saved_search.remove', targetType: 'saved_search', targetId: id }, trx);
        return label;
      });
    },
  };
}

export function createFollowsService(deps: Deps) {
  const { repo } = deps;
  return {
    ...followMethods(deps),
    ...searchMethods(deps),

    /** "Theo dõi của tôi": the records (linked to the user's own view, or marked when no longer readable) and searches. */
    async mine(user: Follower) {
      const [follows, searches] = await Promise.all([repo.followsOf(user.id), repo.searchesOf(user.id)]);
      return {
        follows: follows.map((f) => {
          const level = readLevel(user, { id: f.association_id, published: f.published });
          // A record the user can no longer read keeps only its code on the page.
          return level === null
            ? { code: f.code, name: null, href: null, created_at: f.created_at }
            : { code: f.code, name: f.name, href: recordLink(level, user, f.code), created_at: f.created_at };
        }),
        searches: searches.map((s) => ({ ...s, href: paths.public.list(s.query as Record<string, string>) })),
      };
    },
  };
}

export type FollowsService = ReturnType<typeof createFollowsService>;
