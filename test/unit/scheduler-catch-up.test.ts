/**
 * The scheduler catches up missed periods `catchUpDelayMs` after start (JOBS_CATCH_UP_DELAY_SECONDS, default 30 s):
 * a restarted server answers its first requests before a catch-up backup and its restore drill take the machine;
 * stopped before then, it never starts them.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobRunner } from '../../src/jobs/runner.js';
import { createScheduler } from '../../src/jobs/scheduler.js';

const logger = pino({ level: 'silent' });

function stubRunner() {
  const catchUp = vi.fn(async () => []);
  const runner = {
    jobs: [],
    scheduleOf: () => null,
    catchUp,
    drain: async () => undefined,
    retrySkipped: async () => [],
    run: async () => ({}),
  } as unknown as JobRunner;
  return { runner, catchUp };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler catch-up', () => {
  it('waits the delay, then catches up once', async () => {
    const { runner, catchUp } = stubRunner();
    const s = createScheduler(runner, logger);
    await s.start({ catchUpDelayMs: 30_000 });
    await vi.advanceTimersByTimeAsync(29_000);
    expect(catchUp).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(catchUp).toHaveBeenCalledTimes(1);
    await s.stop(100);
  });

  it('catches up at once without a delay, and not at all when stopped first', async () => {
    const now = stubRunner();
    await createScheduler(now.runner, logger).start();
    expect(now.catchUp).toHaveBeenCalledTimes(1);

    const later = stubRunner();
    const s = createScheduler(later.runner, logger);
    await s.start({ catchUpDelayMs: 30_000 });
    await s.stop(100);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(later.catchUp).not.toHaveBeenCalled();
  });
});
