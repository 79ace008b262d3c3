/**
 * Settings of `npm run bench` (issue 8, SPEC §7). The bench is a tool, not the app: it reads its own BENCH_*
 * variables here (validated with zod, as src/config.ts does for the app) and hands the app a complete environment.
 */
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).optional().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));

const schema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .optional(),
  BENCH_SIZE: int(100_000, 10, 499_999),
  BENCH_SEED: int(20261129, 0, 2 ** 31),
  /** Seconds each measured autocannon run lasts (after its warm-up). */
  BENCH_DURATION: int(10, 1, 600),
  BENCH_WARMUP: int(3, 0, 60),
  BENCH_CONNECTIONS: int(50, 1, 1000),
  /** Concurrent staff sessions for the reports (a handful of ministry staff at once). */
  BENCH_REPORT_CONNECTIONS: int(5, 1, 200),
  BENCH_REPORT_DURATION: int(5, 1, 600),
  /** Scratch database created (and dropped) on the DATABASE_URL server. */
  BENCH_DATABASE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional()
    .default('csdl_hoi_bench'),
  /** Keep the scratch database afterwards and reuse it next time when it holds BENCH_SIZE generated associations. */
  BENCH_REUSE_DB: flag(false),
  /** Comma-separated subset of steps (default: all). */
  BENCH_STEPS: z.string().optional(),
  /** Log level of the app under test (its log lines are discarded; 'info' costs what production costs). */
  BENCH_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  /** Database restart under load: 'private' = a throwaway PostgreSQL cluster started by the bench (default, never
   *  touches a shared server); 'configured' = `pg_ctlcluster <version> main restart` of the local cluster; 'off'. */
  BENCH_FAULT_PG: z.enum(['private', 'configured', 'off']).optional().default('private'),
  /** RELIABILITY 42 (`npm run bench:soak`): minutes of the soak, its request rate, its sampling period, and the
   *  session idle timeout of the soaked app (short, so expired sessions are pruned within the run). */
  BENCH_SOAK_MINUTES: int(60, 1, 24 * 60),
  BENCH_SOAK_RATE: int(50, 1, 2000),
  BENCH_SOAK_SAMPLE_S: int(30, 5, 600),
  BENCH_SOAK_IDLE_MINUTES: int(2, 1, 60),
  BENCH_OUTPUT_DIR: z.string().optional().default('bench/results'),
});

export type BenchConfig = z.output<typeof schema>;

export function loadBenchConfig(env: Record<string, string | undefined> = process.env): BenchConfig {
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(clean);
  if (!parsed.success) {
    throw new Error(`Bench settings: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
