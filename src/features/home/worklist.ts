/**
 * The staff home's work list, "Việc cần làm" (issue 18 item 4): per role, what waits for the user, each a count
 * with a link to the list page filtered to exactly those items. Counts stop at WORKLIST_CAP (the page then says
 * "hơn 1.000"), so the home page costs the same at 100,000 associations as at 100.
 */
import type { Clock } from '../../lib/clock.js';
import { hasAnyRole, type Role } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { WorklistRepository } from './worklist.repository.js';

export const WORKLIST_CAP = 1000;
/** Failed jobs and backups are listed for the last this many days. */
export const FAILURE_DAYS = 7;

export interface WorkItem {
  /** Stable id of the item (HTML id, tests). */
  key: string;
  count: number;
  /** True when the count reached the cap: "hơn N". */
  capped: boolean;
  /** The sentence after the number ("Biểu mẫu 1 chờ xét duyệt"). */
  label: string;
  /** The sentence when there is none ("Không có Biểu mẫu 1 nào chờ xét duyệt."). */
  none: string;
  href: string;
  /** Past a deadline or a failure: shown in red. */
  urgent: boolean;
}

export interface WorklistDeps {
  repo: WorklistRepository;
  clock: Clock;
  /** Personal-data requests past their legal deadline (features/personal-data). */
  personalDataOverdue?: () => Promise<number>;
}

function item(key: string, n: number, texts: Pick<WorkItem, 'label' | 'none' | 'href'>, urgent = false): WorkItem {
  return { key, count: Math.min(n, WORKLIST_CAP), capped: n > WORKLIST_CAP, ...texts, urgent: urgent && n > 0 };
}

export function createWorklist(deps: WorklistDeps) {
  const { repo, clock } = deps;
  return {
    /** The items of a user with `roles`, in the order shown; [] for a role with nothing to do (leader). */
    async forRoles(roles: readonly Role[]): Promise<WorkItem[]> {
      const items: Promise<WorkItem>[] = [];
      const cap = WORKLIST_CAP;
      if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) {
        items.push(
          repo.waitingSubmissions('form', cap).then((n) =>
            item('bieu-mau-cho-duyet', n, {
              label: 'Biểu mẫu 1 chờ xét duyệt',
              none: 'Không có Biểu mẫu 1 nào chờ xét duyệt.',
              href: paths.submissions.queue({ loai: 'bieu-mau' }),
            }),
          ),
          repo.waitingSubmissions('congress', cap).then((n) =>
            item('dai-hoi-cho-duyet', n, {
              label: 'hồ sơ đại hội chờ xét duyệt',
              none: 'Không có hồ sơ đại hội nào chờ xét duyệt.',
              href: paths.submissions.queue({ loai: 'dai-hoi' }),
            }),
          ),
        );
        // Only the Department's lead decides registrations (the list page is hers).
        if (hasAnyRole(roles, ['ngo_lead']))
          items.push(
            repo.pendingRegistrations(cap).then((n) =>
              item('dang-ky-cho-duyet', n, {
                label: 'phiếu đăng ký khai thác chờ xét duyệt',
                none: 'Không có phiếu đăng ký khai thác nào chờ xét duyệt.',
                href: paths.access.registrations({ trang_thai: 'pending' }),
              }),
            ),
          );
        items.push(
          repo.importsToApply(cap).then((n) =>
            item('lo-nhap-cho-ap-dung', n, {
              label: 'lô nhập dữ liệu đã kiểm tra, chờ áp dụng',
              none: 'Không có lô nhập dữ liệu nào chờ áp dụng.',
              href: paths.imports.index({ 'trang-thai': 'validated' }),
            }),
          ),
        );
        if (deps.personalDataOverdue)
          items.push(
            deps.personalDataOverdue().then((n) =>
              item(
                'du-lieu-ca-nhan-qua-han',
                n,
                {
                  label: 'yêu cầu về dữ liệu cá nhân đã quá hạn trả lời',
                  none: 'Không có yêu cầu về dữ liệu cá nhân nào quá hạn trả lời.',
                  href: paths.personalData.list({ 'qua-han': 1 }),
                },
                true,
              ),
            ),
          );
      }
      if (hasAnyRole(roles, ['it_admin'])) {
        const since = new Date(clock.now().getTime() - FAILURE_DAYS * 86_400_000);
        items.push(
          repo.failedJobRuns(since, cap).then((n) =>
            item(
              'tac-vu-loi',
              n,
              {
                label: `lần chạy tác vụ tự động thất bại trong ${FAILURE_DAYS} ngày qua`,
                none: `Không có tác vụ tự động nào thất bại trong ${FAILURE_DAYS} ngày qua.`,
                href: paths.jobs.runs({ 'trang-thai': 'failed', 'so-ngay': FAILURE_DAYS }),
              },
              true,
            ),
          ),
          repo.failedBackups(since, cap).then((n) =>
            item(
              'sao-luu-loi',
              n,
              {
                label: `lần sao lưu hoặc diễn tập khôi phục thất bại trong ${FAILURE_DAYS} ngày qua`,
                none: `Không có lần sao lưu hay diễn tập khôi phục nào thất bại trong ${FAILURE_DAYS} ngày qua.`,
                href: paths.itCentre.backups({ 'ket-qua': 'failed', 'so-ngay': FAILURE_DAYS }),
              },
              true,
            ),
          ),
        );
      }
      return Promise.all(items);
    },
  };
}

export type Worklist = ReturnType<typeof createWorklist>;
