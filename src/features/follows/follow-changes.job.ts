/**
 * Follow notices (issue 16 item 2), every 15 minutes by default. Reads the associations that got a new version since
 * its previous look (`association_changes`, the xmin cursor of migration 20261231002600: never a change missed, cost
 * by the number of changes, not the register's size), then:
 *  1. each follow of those whose record moved past the version its user was told about → one notice per follow,
 *     naming only the changes the user may read now (follow-scope.ts: the register, the officer's own record, report
 *     (a) within an exploiter's grant, or the public fields of a published record), linking to the user's own view;
 *     a user who may no longer read the record, or who made every one of those versions, gets nothing. The follow moves to the new version in the same
 *     transaction as its notice (one transaction per record): a re-run tells nobody twice.
 *  2. each saved search → its new matches among the changed records that are published and new to a search (newly
 *     published, or changed in what the search reads), the saved query run again for those ids only
 *     (`publicData.matchingAmong`); announced once per search and record (`saved_search_hits`, inserted with the
 *     notice in one transaction), one notice per search and run.
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime } from '../../lib/format.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { EffectiveAccess } from '../access/effective-access.js';
import { GRANT_ROLES } from '../access/report-access.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { PublicFilters } from '../public/public.repository.js';
import type { PublicRegime } from '../register-form/definition.js';
import { type FollowReader, readLevel, recordLink, visibleChanges } from './follow-scope.js';
import type { ChangedAssociation, FollowsRepository, PendingFollow, SavedQuery, SavedSearchRow } from './follows.repository.js';

/** The cursor's name in follow_watch_state. */
const CURSOR = 'follow-changes';
/** Changed associations whose follows are read per query. */
const CHUNK = 500;
/** Ids per saved-search query. */
const MATCH_CHUNK = 1000;
/** Change rows already read are kept this long (a look that failed midway reads them again). */
const KEEP_CHANGES_MS = 2 * 86_400_000;
/** Changes named in one notice; the rest are counted. */
const MAX_LABELS = 8;
/** Records named in one saved-search notice; the rest are counted. */
const MAX_NAMES = 5;

export interface FollowJobsDeps {
  repo: FollowsRepository;
  /** The grant in force of an org_manager / exploiter, as the request middleware reads it (access feature). */
  effectiveAccess(userId: number): Promise<EffectiveAccess>;
  /** Which of these associations the public search finds now (public.repository matchingAmong). */
  publicMatches(filters: PublicFilters, ids: readonly number[]): Promise<number[]>;
  /** The public-field regime (config.publicFieldsRegime). */
  regime: PublicRegime;
}

export interface FollowChangesJobDeps extends FollowJobsDeps {
  db: Knex;
  notifications: Pick<NotificationsService, 'notifyUsers'>;
  clock: Clock;
}

interface Counts {
  changed: number;
  record_notices: number;
  record_changes_not_shown: number;
  own_changes: number;
  fresh_published: number;
  searches_checked: number;
  search_notices: number;
  changes_pruned: number;
}

const filtersOf = (q: SavedQuery): PublicFilters => ({
  ...(q.q ? { q: q.q } : {}),
  ...(q['linh-vuc'] ? { field: q['linh-vuc'] } : {}),
  ...(q['pham-vi'] ? { scope: q['pham-vi'] } : {}),
  ...(q.tinh ? { province: q.tinh } : {}),
});

/** One template per shape (locales/texts/en translates the notices on the notices page). */
function changeText(name: string, code: string, at: Date, labels: string[] | null): string {
  const when = formatDateTime(at);
  if (!labels) return `${name} (mã ${code}) đã được cập nhật lúc ${when}.`;
  const shown = labels.slice(0, MAX_LABELS).join('; ');
  const list = labels.length > MAX_LABELS ? `${shown} và ${labels.length - MAX_LABELS} mục khác` : shown;
  return `${name} (mã ${code}) đã được cập nhật lúc ${when}. Nội dung thay đổi: ${list}.`;
}

/** Step 1: the followers of one record, told of its new versions. */
function recordNotifier(deps: FollowChangesJobDeps) {
  const { db, repo, notifications, regime, effectiveAccess } = deps;

  return async function notifyRecord(follows: readonly PendingFollow[], counts: Counts): Promise<void> {
    const first = follows[0];
    if (!first) return;
    const versions = new Set([first.version, ...follows.map((f) => f.seen_version)]);
    const snaps = await repo.snapshots(first.association_id, [...versions]);
    const after = snaps.get(first.version);
    const authors = await repo.versionAuthors(first.association_id, Math.min(...follows.map((f) => f.seen_version)), first.version);
    /** The user made every version since the one they were told about: nothing to tell them. */
    const ownChanges = (f: PendingFollow) => {
      const mine = authors.filter((a) => a.version > f.seen_version);
      return mine.length > 0 && mine.every((a) => a.created_by === f.user_id);
    };
    // Readers first (outside the transaction: the embedded database has one connection).
    const readers = new Map<number, FollowReader>();
    for (const f of follows) {
      const access = hasAnyRole(f.roles, GRANT_ROLES) ? await effectiveAccess(f.user_id) : null;
      readers.set(f.id, { roles: f.roles, associationId: f.user_association_id, access });
    }
    await db.transaction(async (trx) => {
      for (const f of follows) {
        const reader = readers.get(f.id) as FollowReader;
        const level = readLevel(reader, { id: f.association_id, published: f.published });
        const labels = level && after ? visibleChanges(snaps.get(f.seen_version)?.snapshot ?? null, after.snapshot, level, regime) : null;
        // Without the earlier snapshot nothing can be named: only a reader of the whole record is told, plainly.
        if (ownChanges(f)) {
          counts.own_changes += 1;
        } else if (level && (labels ? labels.length > 0 : level === 'full')) {
          counts.record_notices += await notifications.notifyUsers(trx, [f.user_id], {
            kind: 'follow.record',
            title: `Hồ sơ hội bạn theo dõi có thay đổi: ${f.name}`,
            body: changeText(f.name, f.code, after?.at ?? deps.clock.now(), labels),
            link: recordLink(level, reader, f.code),
            dedupeKey: `follow:${f.association_id}:v${f.version}`,
            followAssociationId: f.association_id,
          });
        } else {
          counts.record_changes_not_shown += 1;
        }
        await repo.advanceFollow(trx, f.id, f.version);
      }
    });
  };
}

/** Step 2: every saved search against the changed records that are new to a search. */
function searchNotifier(deps: FollowChangesJobDeps) {
  const { db, repo, notifications, publicMatches, clock } = deps;

  async function notifySearch(s: SavedSearchRow, fresh: ReadonlyArray<{ id: number; code: string; name: string; first_at: Date }>) {
    // Changes older than the search itself were in its results when the user saved it.
    const candidates = fresh.filter((f) => new Date(f.first_at) >= new Date(s.created_at));
    const matched: number[] = [];
    for (let i = 0; i < candidates.length; i += MATCH_CHUNK) {
      matched.push(
        ...(await publicMatches(
          filtersOf(s.query),
          candidates.slice(i, i + MATCH_CHUNK).map((c) => c.id),
        )),
      );
    }
    if (matched.length === 0) return 0;
    const byId = new Map(fresh.map((f) => [f.id, f]));
    return db.transaction(async (trx) => {
      const added = await repo.insertHits(trx, s.id, matched, clock.now());
      const found = matched.filter((id) => added.has(id)).sort((a, b) => a - b);
      if (found.length === 0) return 0;
      const names = found.slice(0, MAX_NAMES).map((id) => {
        const r = byId.get(id);
        return r ? `${r.name} (mã ${r.code})` : '';
      });
      const shown = names.join('; ');
      const list = found.length > MAX_NAMES ? `${shown} và ${found.length - MAX_NAMES} hội khác` : shown;
      return notifications.notifyUsers(trx, [s.user_id], {
        kind: 'follow.search',
        title: `Tìm kiếm đã lưu có ${found.length} hội mới phù hợp: ${s.label}`,
        body: `Hội mới công khai hoặc vừa thay đổi phù hợp với tìm kiếm của bạn: ${list}.`,
        link: paths.public.list(s.query as Record<string, string>),
        dedupeKey: `saved-search:${s.id}:${found[0]}`,
        savedSearchId: s.id,
      });
    });
  }

  return async function notifySearches(changes: readonly ChangedAssociation[], counts: Counts): Promise<void> {
    const fresh = [];
    for (let i = 0; i < changes.length; i += MATCH_CHUNK) fresh.push(...(await repo.freshPublished(changes.slice(i, i + MATCH_CHUNK))));
    counts.fresh_published = fresh.length;
    if (fresh.length === 0) return;
    for (let afterId = 0; ; ) {
      const searches = await repo.searchesAfter(afterId, 100);
      if (searches.length === 0) break;
      for (const s of searches) counts.search_notices += await notifySearch(s, fresh);
      await repo.markSearchesChecked(
        searches.map((s) => s.id),
        clock.now(),
      );
      counts.searches_checked += searches.length;
      afterId = searches[searches.length - 1]?.id ?? afterId;
    }
  };
}

export function createFollowChangesJob(deps: FollowChangesJobDeps): JobDefinition {
  const { repo, clock } = deps;
  const notifyRecord = recordNotifier(deps);
  const notifySearches = searchNotifier(deps);
  return {
    name: 'follow-changes',
    title: 'Thông báo thay đổi hồ sơ và tìm kiếm được theo dõi',
    description:
      'Báo cho người theo dõi khi hồ sơ hội họ theo dõi có phiên bản mới (chỉ những thông tin họ được xem) và khi tìm kiếm đã lưu có hội mới công khai phù hợp',
    schedule: 'follow-changes',
    async run() {
      const counts: Counts = {
        changed: 0,
        record_notices: 0,
        record_changes_not_shown: 0,
        own_changes: 0,
        fresh_published: 0,
        searches_checked: 0,
        search_notices: 0,
        changes_pruned: 0,
      };
      const previous = await repo.cursor(CURSOR);
      const next = await repo.snapshotXmin();
      // A cursor ahead of the database's transaction ids (a restore into another server) reads the kept log again:
      // harmless, every notice is idempotent.
      const from = previous === null || BigInt(previous) > BigInt(next) ? '0' : previous;
      const changes = await repo.changedSince(from);
      counts.changed = changes.length;
      for (let i = 0; i < changes.length; i += CHUNK) {
        const pending = await repo.pendingFollows(changes.slice(i, i + CHUNK).map((c) => c.association_id));
        const byRecord = new Map<number, PendingFollow[]>();
        for (const f of pending) byRecord.set(f.association_id, [...(byRecord.get(f.association_id) ?? []), f]);
        for (const follows of byRecord.values()) await notifyRecord(follows, counts);
      }
      await notifySearches(changes, counts);
      const now = clock.now();
      await repo.saveCursor(CURSOR, next, now);
      counts.changes_pruned = await repo.pruneChanges(next, new Date(now.getTime() - KEEP_CHANGES_MS));
      return { ...counts };
    },
  };
}
