/**
 * Configuration: the only module that reads process.env. Every variable is validated with zod,
 * every bad one is reported at once, and the result is frozen.
 */
// server-text-file: configuration errors, printed to the operator's console at start (never on a page)
import path from 'node:path';
import { z } from 'zod';
import { cronProblem } from './lib/cron.js';
import { projectRoot } from './lib/paths.js';

export const DEFAULT_SESSION_SECRET = 'dev-only-session-secret-change-me-0123456789';
export const DEFAULT_DEMO_PASSWORD = 'Demo-CSDL-Hoi-2026';
export const DEFAULT_DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'phải là true hoặc false',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: 'phải là một số nguyên' })
    .int({ error: 'phải là một số nguyên' })
    .min(min, { error: `phải từ ${min} trở lên` })
    .max(max, { error: `phải không quá ${max}` })
    .optional()
    .transform((v) => v ?? fallback);

/** A cron expression for the scheduler (node-cron 4, Asia/Ho_Chi_Minh); see src/lib/cron.ts. */
const cronExpr = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => v ?? fallback)
    .superRefine((v, ctx) => {
      const problem = cronProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().min(1).optional().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'phải là một URL postgres://…' })
    .optional(),
  // Issue 19 item 2: a streaming replica for the public pages, the open data and the reports (PostgreSQL only).
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'phải là một URL postgres://…' })
    .optional(),
  DATABASE_REPLICA_MAX_LAG_SECONDS: int(5, 1, 3600),
  DATABASE_REPLICA_CHECK_MS: int(1000, 100, 60_000),
  DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS: int(15, 1, 3600),
  DATABASE_POOL_MAX: int(10, 1, 200),
  DATABASE_ACQUIRE_TIMEOUT_MS: int(2500, 100, 600_000),
  DATABASE_QUEUE_MAX: int(40, 0, 100_000),
  MAX_IN_FLIGHT: int(64, 0, 100_000),
  REQUEST_DEADLINE_MS: int(8000, 0, 600_000),
  DATA_DIR: z.string().min(1).optional().default('./data'),
  UPLOAD_DIR: z.string().min(1).optional(),
  UPLOAD_MAX_MB: int(20, 1, 1024),
  IMPORT_MAX_MB: int(50, 1, 1024),
  SESSION_SECRET: z.string().optional(),
  SESSION_STORE: z.enum(['database', 'memory']).optional().default('database'),
  RATE_LIMIT_STORE: z.enum(['database', 'memory']).optional().default('database'),
  SESSION_IDLE_MINUTES: int(30, 1, 24 * 60),
  SESSION_ABSOLUTE_HOURS: int(12, 1, 7 * 24),
  TRUST_PROXY: z
    .string()
    .regex(/^(false|true|\d{1,2}|[0-9a-f.:/, ]+|loopback|uniquelocal|linklocal)$/i, {
      error: 'phải là false, số bước proxy, hoặc danh sách địa chỉ/subnet',
    })
    .optional()
    .default('false'),
  LOGIN_MAX_FAILURES: int(10, 3, 100),
  LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
  LOGIN_RATE_LIMIT: int(30, 5, 10_000),
  LOGIN_RATE_WINDOW_MINUTES: int(15, 1, 24 * 60),
  ACCESS_REGISTRATION_RATE_LIMIT: int(10, 1, 10_000),
  ACCESS_REGISTRATION_RATE_WINDOW_MINUTES: int(60, 1, 24 * 60),
  API_KEY_RATE_LIMIT: int(60, 1, 100_000),
  API_KEY_RATE_WINDOW_SECONDS: int(60, 1, 24 * 3600),
  SEED_DEMO: z.enum(['true', 'false', '1', '0']).optional(),
  DEMO_PASSWORD: z.string().min(12, { error: 'phải có ít nhất 12 ký tự' }).optional(),
  DEMO_TOTP_SECRET: z
    .string()
    .regex(/^[A-Z2-7]{16,64}$/, { error: 'phải là chuỗi base32 (A–Z, 2–7), 16–64 ký tự' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  METRICS_TOKEN: z.string().min(24, { error: 'phải có ít nhất 24 ký tự' }).optional(),
  PUBLIC_URL: z.url({ error: 'phải là một URL' }).optional(),
  SECURE_COOKIES: bool(false),
  BACKUP_DIR: z.string().min(1).optional().default('./backups'),
  BACKUP_KEEP_WEEKLY: int(8, 1, 520),
  BACKUP_KEEP_MONTHLY: int(12, 0, 1200),
  BACKUP_MAX_AGE_DAYS: int(8, 1, 365),
  BACKUP_DRILL_SAMPLE: int(50, 1, 100_000),
  BACKUP_PG_BIN_DIR: z.string().min(1).optional(),
  PUBLIC_FIELDS_REGIME: z
    .enum(['113', '79-2022'], { error: 'phải là 113 (chỉ thông tin chung, mặc định) hoặc 79-2022 (thêm thông tin cơ bản)' })
    .optional()
    .default('113'),
  PUBLIC_SEARCH_CACHE_SIZE: int(500, 0, 100_000),
  PUBLIC_SEARCH_CACHE_TTL_S: int(30, 1, 60),
  PUBLIC_SEARCH_CACHE_CHECK_MS: int(250, 0, 60_000),
  PUBLIC_INDEX: z.enum(['on', 'off'], { error: 'PUBLIC_INDEX phải là on hoặc off.' }).optional().default('on'),
  // Default 32 MB, 0 (off) when NODE_ENV=test (see publicPageCache below).
  PUBLIC_PAGE_CACHE_MB: z.coerce
    .number({ error: 'phải là một số nguyên' })
    .int({ error: 'phải là một số nguyên' })
    .min(0, { error: 'phải từ 0 trở lên' })
    .max(4096, { error: 'phải không quá 4096' })
    .optional(),
  SCHEDULER: z.enum(['on', 'off'], { error: 'phải là on hoặc off' }).optional(),
  JOBS_CATCH_UP_DELAY_SECONDS: z.coerce
    .number({ error: 'phải là số giây' })
    .int({ error: 'phải là số nguyên' })
    .min(0, { error: 'không được âm' })
    .max(3600, { error: 'phải không quá 3600' })
    .optional()
    .default(30),
  SCHEDULE_QUARTERLY_CYCLE: cronExpr('0 7 * * *'),
  SCHEDULE_CONGRESS_ALERTS: cronExpr('30 7 * * *'),
  SCHEDULE_ANNUAL_REPORT_REMINDER: cronExpr('0 8 * 12 *'),
  // Weekly by default (R-20.1: at least weekly): Sunday 02:00 Viet Nam time; the restore drill follows each backup.
  SCHEDULE_BACKUP: cronExpr('0 2 * * 0'),
  // Follows (issue 16 item 2): changes of followed records and new matches of saved searches every 15 minutes.
  SCHEDULE_FOLLOW_CHANGES: cronExpr('*/15 * * * *'),
  // E-mail of notices (issue 17 item 4), only with SMTP: each new notice every 5 minutes to those who chose
  // "immediately"; the daily digest (follow notices included) before the working day to those who chose "daily".
  SCHEDULE_NOTICE_MAIL: cronExpr('*/5 * * * *'),
  SCHEDULE_NOTICE_DIGEST: cronExpr('45 6 * * *'),
  SCHEDULE_PERSONAL_DATA_ALERTS: cronExpr('15 7 * * *'),
  // Data-quality scores (issue 16 item 4): every record's score recomputed nightly (time-dependent checks).
  SCHEDULE_QUALITY_SCORES: cronExpr('15 1 * * *'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, { error: 'phải là một URL smtp://… hoặc smtps://…' })
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  database:
    | { backend: 'postgres'; url: string; poolMax: number; acquireTimeoutMs: number; maxQueue: number }
    | { backend: 'pglite'; dataDir: string | null; acquireTimeoutMs: number; maxQueue: number };
  /**
   * The streaming replica for reads (issue 19 item 2, src/db/read-router.ts), null without DATABASE_REPLICA_URL:
   * the public pages, the open data and the reports read it while its lag, probed every `checkMs`, is at most
   * `maxLagSeconds`; a user's reads stay on the primary for `readAfterWriteMs` after each of their writes.
   */
  replica: { url: string; maxLagSeconds: number; checkMs: number; readAfterWriteMs: number } | null;
  /** Load shedding (RELIABILITY check 41): requests in flight past which the next ones get 503; 0 = off. */
  maxInFlight: number;
  /**
   * RELIABILITY check 41: an admitted GET/HEAD that has not started its answer after this many ms while the instance
   * is under load is answered 503 + Retry-After (its handler's late answer is dropped); 0 = off.
   */
  requestDeadlineMs: number;
  dataDir: string;
  rootDir: string;
  /** Raw files (R-20.2): kept outside every static root, never served directly. */
  uploads: { dir: string; maxMb: number; maxBytes: number };
  /** Bulk import files (R-8.2): largest accepted .xlsx/.csv. */
  imports: { maxMb: number; maxBytes: number };
  session: {
    secret: string;
    store: 'database' | 'memory';
    idleMs: number;
    absoluteMs: number;
    secureCookie: boolean;
  };
  trustProxy: boolean | number | string;
  /** Where the rate limiters count (issue 19 item 3): the database (shared by every instance) or each process's memory. */
  rateLimitStore: 'database' | 'memory';
  login: {
    maxFailures: number;
    lockMs: number;
    rateLimit: number;
    rateWindowMs: number;
  };
  accessRegistration: {
    rateLimit: number;
    rateWindowMs: number;
  };
  /** The JSON API for exploiting organisations (issue 17 item 3): calls per key per window (then 429). */
  apiKeys: {
    rateLimit: number;
    rateWindowMs: number;
  };
  demo: { enabled: boolean; password: string; totpSecret: string };
  logLevel: string;
  metricsToken: string | null;
  publicUrl: string | null;
  /**
   * Which fields of a published association the public pages and open data show (SPEC §6, R-3.2, R-17.2):
   * '113' = general information only (Quyết định 113/QĐ-BNV), '79-2022' = basic information (79/QĐ-BNV, 2022).
   */
  publicFieldsRegime: '113' | '79-2022';
  /**
   * Public list pages kept in memory (public, published data only, the same for every visitor: rows, never rendered pages): at most `size`
   * entries (0 = off), each at most `ttlMs` old, dropped as soon as the database's public data version moves
   * (checked at most every `checkMs`; 0 = on every request).
   */
  publicSearchCache: { size: number; ttlMs: number; checkMs: number };
  /**
   * The in-process public search index (src/features/public/search/): on by default; off = every public list runs
   * the SQL search. Its data version is read every `pollMs` (PUBLIC_SEARCH_CACHE_CHECK_MS; 0 = before every query).
   */
  publicIndex: { enabled: boolean; pollMs: number };
  /**
   * Rendered anonymous public pages kept in memory (src/middleware/anonymous-pages.ts): at most `maxBytes` of HTML
   * (least recently used dropped first; 0 = off), each served only while the public data version it was rendered
   * under is current and for at most `ttlMs` (the list cache's PUBLIC_SEARCH_CACHE_TTL_S). Off by default under
   * NODE_ENV=test, where suites count the list cache's own hits; the page-cache tests turn it on.
   */
  publicPageCache: { maxBytes: number; ttlMs: number };
  /**
   * Scheduled jobs (issue 7): `scheduler` runs node-cron in this process (off for tests and extra instances);
   * `schedules` are cron expressions keyed by job name (a JobDefinition's `schedule`).
   */
  /** `catchUpDelayMs`: how long after start the periods missed while the app was down are caught up. */
  jobs: { scheduler: boolean; catchUpDelayMs: number; schedules: Readonly<Record<string, string>> };
  /** E-mail through nodemailer; null smtpUrl = in-app notifications only. */
  mail: { smtpUrl: string | null; from: string | null };
  /**
   * Backups (R-20.1, RELIABILITY rule 5): where they go, retention (the newest backup of each of the last
   * `keepWeekly` weeks and of the last `keepMonthly` months is kept), the age after which the IT Centre and /readyz
   * warn, how many stored files a drill re-hashes, and where pg_dump/pg_restore live (null = PATH).
   */
  backup: { dir: string; keepWeekly: number; keepMonthly: number; maxAgeDays: number; drillSample: number; pgBinDir: string | null };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Cấu hình không hợp lệ:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Production refuses default or missing secrets and an in-memory session or rate-limit store (RELIABILITY check 44). */
function secretProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const secret = env.SESSION_SECRET;
  if (env.NODE_ENV === 'production') {
    if (!secret) problems.push('SESSION_SECRET: bắt buộc trong môi trường production');
    else if (secret === DEFAULT_SESSION_SECRET) problems.push('SESSION_SECRET: không được dùng giá trị mặc định trong production');
    else if (secret.length < 32) problems.push('SESSION_SECRET: phải có ít nhất 32 ký tự');
    if (env.SESSION_STORE === 'memory') problems.push('SESSION_STORE: production không được lưu phiên trong bộ nhớ (dùng database)');
    if (env.RATE_LIMIT_STORE === 'memory')
      problems.push('RATE_LIMIT_STORE: production không được đếm giới hạn tần suất trong bộ nhớ (dùng database)');
    if (env.DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD)
      problems.push('DEMO_PASSWORD: không được dùng mật khẩu demo mặc định trong production');
    if (env.DEMO_TOTP_SECRET === DEFAULT_DEMO_TOTP_SECRET)
      problems.push('DEMO_TOTP_SECRET: không được dùng khóa TOTP demo mặc định trong production');
    if (env.SEED_DEMO === 'true' || env.SEED_DEMO === '1') problems.push('SEED_DEMO: không được nạp dữ liệu demo trong production');
  } else if (secret && secret.length < 32) {
    problems.push('SESSION_SECRET: phải có ít nhất 32 ký tự');
  }
  if (env.SMTP_URL && !env.MAIL_FROM) problems.push('MAIL_FROM: bắt buộc khi có SMTP_URL (địa chỉ người gửi thư)');
  return problems;
}

/**
 * The replica needs a PostgreSQL primary (PGlite has none), a probe more frequent than the lag it enforces, and a
 * read-after-write window longer than that lag plus one probe interval (else a user could miss their own write).
 */
function replicaProblems(e: z.output<typeof envSchema>): string[] {
  if (!e.DATABASE_REPLICA_URL) return [];
  const problems: string[] = [];
  if (!e.DATABASE_URL) problems.push('DATABASE_REPLICA_URL: chỉ dùng được cùng DATABASE_URL (PostgreSQL); PGlite nhúng không có bản sao');
  const lagMs = e.DATABASE_REPLICA_MAX_LAG_SECONDS * 1000;
  if (e.DATABASE_REPLICA_CHECK_MS >= lagMs)
    problems.push('DATABASE_REPLICA_CHECK_MS: phải nhỏ hơn DATABASE_REPLICA_MAX_LAG_SECONDS (đổi ra mili giây)');
  if (e.DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS * 1000 < lagMs + e.DATABASE_REPLICA_CHECK_MS)
    problems.push('DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS: phải ít nhất bằng độ trễ tối đa cộng một chu kỳ kiểm tra bản sao');
  return problems;
}

function parseTrustProxy(raw: string): boolean | number | string {
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/** Build the configuration from an environment (process.env by default). Throws ConfigError listing every problem. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Readonly<Config> {
  // Empty strings count as unset, as in most .env files.
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  // The secret and demo rules read the raw values, so they are reported together with any malformed variable.
  problems.push(...secretProblems(env));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const rootDir = projectRoot();
  const dataDir = path.resolve(rootDir, e.DATA_DIR);
  const uploadDir = e.UPLOAD_DIR ? path.resolve(rootDir, e.UPLOAD_DIR) : path.join(dataDir, 'uploads');
  const publicDir = path.join(rootDir, 'public');
  if (uploadDir === publicDir || uploadDir.startsWith(`${publicDir}${path.sep}`) || publicDir.startsWith(`${uploadDir}${path.sep}`)) {
    problems.push('UPLOAD_DIR: không được nằm trong (hoặc chứa) thư mục public/ — tệp tải lên không bao giờ được phục vụ trực tiếp');
  }
  problems.push(...replicaProblems(e));
  if (problems.length > 0) throw new ConfigError(problems);

  const seedDemo = e.SEED_DEMO === undefined ? !isProduction : e.SEED_DEMO === 'true' || e.SEED_DEMO === '1';

  const config: Config = {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    database: e.DATABASE_URL
      ? {
          backend: 'postgres',
          url: e.DATABASE_URL,
          poolMax: e.DATABASE_POOL_MAX,
          acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
          maxQueue: e.DATABASE_QUEUE_MAX,
        }
      : {
          backend: 'pglite',
          dataDir: path.join(dataDir, 'pglite'),
          acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS,
          maxQueue: e.DATABASE_QUEUE_MAX,
        },
    replica: e.DATABASE_REPLICA_URL
      ? {
          url: e.DATABASE_REPLICA_URL,
          maxLagSeconds: e.DATABASE_REPLICA_MAX_LAG_SECONDS,
          checkMs: e.DATABASE_REPLICA_CHECK_MS,
          readAfterWriteMs: e.DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS * 1000,
        }
      : null,
    maxInFlight: e.MAX_IN_FLIGHT,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    dataDir,
    rootDir,
    uploads: { dir: uploadDir, maxMb: e.UPLOAD_MAX_MB, maxBytes: e.UPLOAD_MAX_MB * 1024 * 1024 },
    imports: { maxMb: e.IMPORT_MAX_MB, maxBytes: e.IMPORT_MAX_MB * 1024 * 1024 },
    session: {
      secret: e.SESSION_SECRET ?? DEFAULT_SESSION_SECRET,
      store: e.SESSION_STORE,
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
      secureCookie: isProduction || e.SECURE_COOKIES,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    rateLimitStore: e.RATE_LIMIT_STORE,
    login: {
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockMs: e.LOGIN_LOCK_MINUTES * 60_000,
      rateLimit: e.LOGIN_RATE_LIMIT,
      rateWindowMs: e.LOGIN_RATE_WINDOW_MINUTES * 60_000,
    },
    accessRegistration: {
      rateLimit: e.ACCESS_REGISTRATION_RATE_LIMIT,
      rateWindowMs: e.ACCESS_REGISTRATION_RATE_WINDOW_MINUTES * 60_000,
    },
    apiKeys: {
      rateLimit: e.API_KEY_RATE_LIMIT,
      rateWindowMs: e.API_KEY_RATE_WINDOW_SECONDS * 1000,
    },
    demo: {
      enabled: seedDemo,
      password: e.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD,
      totpSecret: e.DEMO_TOTP_SECRET ?? DEFAULT_DEMO_TOTP_SECRET,
    },
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN ?? null,
    publicUrl: e.PUBLIC_URL ?? null,
    publicFieldsRegime: e.PUBLIC_FIELDS_REGIME,
    publicSearchCache: {
      size: e.PUBLIC_SEARCH_CACHE_SIZE,
      ttlMs: e.PUBLIC_SEARCH_CACHE_TTL_S * 1000,
      checkMs: e.PUBLIC_SEARCH_CACHE_CHECK_MS,
    },
    publicIndex: { enabled: e.PUBLIC_INDEX === 'on', pollMs: e.PUBLIC_SEARCH_CACHE_CHECK_MS },
    publicPageCache: {
      maxBytes: (e.PUBLIC_PAGE_CACHE_MB ?? (e.NODE_ENV === 'test' ? 0 : 32)) * 1024 * 1024,
      ttlMs: e.PUBLIC_SEARCH_CACHE_TTL_S * 1000,
    },
    jobs: {
      scheduler: e.SCHEDULER === undefined ? e.NODE_ENV !== 'test' : e.SCHEDULER === 'on',
      catchUpDelayMs: e.JOBS_CATCH_UP_DELAY_SECONDS * 1000,
      schedules: {
        'quarterly-cycle': e.SCHEDULE_QUARTERLY_CYCLE,
        'congress-alerts': e.SCHEDULE_CONGRESS_ALERTS,
        'annual-report-reminder': e.SCHEDULE_ANNUAL_REPORT_REMINDER,
        backup: e.SCHEDULE_BACKUP,
        'follow-changes': e.SCHEDULE_FOLLOW_CHANGES,
        'notice-mail': e.SCHEDULE_NOTICE_MAIL,
        'notice-digest': e.SCHEDULE_NOTICE_DIGEST,
        'personal-data-alerts': e.SCHEDULE_PERSONAL_DATA_ALERTS,
        'quality-scores': e.SCHEDULE_QUALITY_SCORES,
      },
    },
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM ?? null },
    backup: {
      dir: path.resolve(rootDir, e.BACKUP_DIR),
      keepWeekly: e.BACKUP_KEEP_WEEKLY,
      keepMonthly: e.BACKUP_KEEP_MONTHLY,
      maxAgeDays: e.BACKUP_MAX_AGE_DAYS,
      drillSample: e.BACKUP_DRILL_SAMPLE,
      pgBinDir: e.BACKUP_PG_BIN_DIR ? path.resolve(rootDir, e.BACKUP_PG_BIN_DIR) : null,
    },
  };
  return deepFreeze(config);
}

function deepFreeze<T>(obj: T): Readonly<T> {
  for (const value of Object.values(obj as object)) {
    if (value && typeof value === 'object') deepFreeze(value);
  }
  return Object.freeze(obj);
}
