/**
 * Issue 16 item 4 — the nightly recompute of every record's data-quality score: some checks depend on the date (the
 * term congress falls due, the quarterly update becomes overdue, a record grows old), so a score stored at the last
 * save would drift. Every association is recomputed set-based, RECOMPUTE_BATCH ids per statement, each batch its own
 * short transaction (a killed run leaves each batch either old or new; its re-run recomputes everything again).
 * Idempotent; also the catch-up for records written outside the application (generated demo data).
 */
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import { vietnamToday } from '../../lib/format.js';
import type { QualityRepository } from './quality.repository.js';

export const createQualityScoresJob = ({ repo, clock }: { repo: QualityRepository; clock: Clock }): JobDefinition => ({
  name: 'quality-scores',
  title: 'Tính lại điểm chất lượng dữ liệu',
  description: 'Tính lại điểm chất lượng dữ liệu của mọi hồ sơ hội theo các quy tắc đang áp dụng (hằng đêm)',
  schedule: 'quality-scores',
  period: (now) => vietnamToday(now),
  async run({ period }) {
    const { associations, batches } = await repo.recomputeAll(period, clock.now());
    return { quality_scored: associations, quality_batches: batches };
  },
});
