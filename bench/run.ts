/**
 * `npm run bench` (issue 8, SPEC §7): on a scratch database of the configured server (DATABASE_URL; PGlite in a
 * temp folder without it) with BENCH_SIZE generated associations, start the real app in its own process and
 * measure it step by step (bench/steps/*.ts). Prints a table and writes bench/results/<date>.json.
 * `npm run bench:load` runs only the load and fault step (RELIABILITY 36, 40–42).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPublicRepository } from '../src/features/public/public.repository.js';
import { type BenchConfig, loadBenchConfig } from './config.js';
import { startChild } from './lib/child.js';
import { BENCH_PASSWORD, BENCH_TOTP_SECRET, prepare, scratchTarget } from './lib/db.js';
import { staffCookie } from './lib/login.js';
import type { BenchContext, BenchStep, Row } from './lib/step.js';
import { backupStep } from './steps/backup.js';
import { importStep } from './steps/import.js';
import { loadStep } from './steps/load.js';
import { publicStep } from './steps/public.js';
import { reportsStep, settle } from './steps/reports.js';
import { CEILING_QUERY, searchStep } from './steps/search.js';
import { soakStep } from './steps/soak.js';
import { sqlFloorStep } from './steps/sql-floor.js';

/** Reports run last: the slowest of them can hold the connection pool for a while after their run. */
// The import adds its rows to the data set: it and the backup run after the reports, which measure the generated set.
export const STEPS: readonly BenchStep[] = [searchStep, sqlFloorStep, publicStep, loadStep, reportsStep, importStep, backupStep, soakStep];
/** The soak (RELIABILITY 42) lasts an hour by default: only `npm run bench:soak` or BENCH_STEPS=soak runs it. */
const DEFAULT_STEPS = STEPS.filter((s) => s !== soakStep).map((s) => s.name);

const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);

function printTable(rows: Row[]): void {
  const w0 = Math.max(...rows.map((r) => r.measure.length), 7);
  const w1 = Math.max(...rows.map((r) => r.value.length), 5);
  const w2 = Math.max(...rows.map((r) => r.goal.length), 4);
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padEnd(w2)}  ${d}`;
  console.log(`\n${line('measure', 'value', 'goal', '')}`);
  console.log('-'.repeat(w0 + w1 + w2 + 12));
  for (const r of rows) console.log(line(r.measure, r.value, r.goal, r.ok === null ? '' : r.ok ? 'ok' : 'MISSED'));
}

export async function runBench(config: BenchConfig, only?: readonly string[]): Promise<Record<string, unknown>> {
  const wanted = only ?? (config.BENCH_STEPS ? config.BENCH_STEPS.split(',').map((s) => s.trim()) : DEFAULT_STEPS);
  const steps = STEPS.filter((s) => wanted.includes(s.name));
  const started = new Date();
  const target = await scratchTarget(config.DATABASE_URL, config.BENCH_DATABASE, config.BENCH_REUSE_DB);
  log(`database: ${target.backend}${target.url ? ` (${config.BENCH_DATABASE})` : ''}`);
  const results: Record<string, unknown> = {
    date: started.toISOString(),
    size: config.BENCH_SIZE,
    backend: target.backend,
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? null,
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      load_avg_at_start: os.loadavg(),
    },
    settings: {
      connections: config.BENCH_CONNECTIONS,
      duration_s: config.BENCH_DURATION,
      warmup_s: config.BENCH_WARMUP,
      report_connections: config.BENCH_REPORT_CONNECTIONS,
      report_duration_s: config.BENCH_REPORT_DURATION,
      app_log_level: config.BENCH_LOG_LEVEL,
    },
  };
  const rows: Row[] = [];
  const notes: string[] = [];
  const failed: string[] = [];
  const rssByStep: Record<string, number> = {};

  // 1. Data.
  const db = await target.open();
  const t0 = performance.now();
  const prepared = await prepare(db.knex, config.BENCH_SIZE, config.BENCH_SEED, log);
  if (prepared.generated) {
    results.generate_s = Math.round(prepared.generated.ms / 100) / 10;
    results.generated = prepared.generated;
    rows.push({
      measure: `generate ${config.BENCH_SIZE.toLocaleString('en')} associations`,
      value: `${results.generate_s} s`,
      goal: 'a few minutes',
      ok: null,
    });
  } else {
    log('reusing the generated data set already in the scratch database');
    results.generate_s = null;
  }
  log(`data ready in ${Math.round((performance.now() - t0) / 1000)} s`);
  // The 20 rows the ceiling page renders: the first page of the first search query.
  const ceilingRows = (await createPublicRepository(db.knex).list({ q: CEILING_QUERY }, 'phu-hop', 1, 20)).rows;
  // What the steps read from the database themselves (query lists, codes), while the bench still holds it.
  const preparedBySteps: Record<string, unknown> = {};
  for (const step of steps) if (step.prepare) preparedBySteps[step.name] = await step.prepare(db.knex, config);
  // PGlite is one process: the app child opens it once the bench lets go; the bench reopens it afterwards.
  if (target.backend === 'pglite') await db.close();

  // 2. The real app, production settings, in its own process.
  const appEnv: Record<string, string> = {
    ...target.env,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('base64'),
    SEED_DEMO: 'false',
    LOG_LEVEL: config.BENCH_LOG_LEVEL,
    LOGIN_RATE_LIMIT: '1000',
    TRUST_PROXY: 'loopback',
    // Background jobs (issue: scheduler) would compete with the measured requests; ignored where the app has none.
    SCHEDULER: 'off',
  };
  const app = await startChild('app', appEnv);
  log(`app listening on ${app.baseUrl}`);
  if (target.backend === 'pglite') {
    notes.push('PGlite: the bench cannot open the database while the app holds it, so the SQL floor is skipped.');
  }
  try {
    const cookies = {
      staff: await staffCookie(app.baseUrl, 'bench.staff', BENCH_PASSWORD, BENCH_TOTP_SECRET),
      staff2: await staffCookie(app.baseUrl, 'bench.staff2', BENCH_PASSWORD, BENCH_TOTP_SECRET),
    };
    const ctx: BenchContext = {
      config,
      target,
      db,
      app,
      appEnv,
      cookies,
      ceilingRows,
      prepared: preparedBySteps,
      results,
      rows,
      notes,
      log,
    };
    await app.resetPeak();
    for (const step of steps) {
      if (target.backend === 'pglite' && step.name === 'sql-floor') continue;
      log(`step ${step.name}`);
      await settle(app.baseUrl);
      await app.resetPeak();
      const s0 = performance.now();
      try {
        await step.run(ctx);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log(`step ${step.name} FAILED: ${message}`);
        notes.push(`step ${step.name} failed: ${message}`);
        failed.push(step.name);
      }
      log(`step ${step.name} done in ${Math.round((performance.now() - s0) / 1000)} s`);
      rssByStep[step.name] = Math.round((await app.rss()).peak / 2 ** 20);
    }
    results.rss_peak_by_step_mb = rssByStep;
    results.rss_peak_mb = Math.max(0, ...Object.values(rssByStep));
    rows.push({
      measure: 'app peak RSS under load',
      value: `${results.rss_peak_mb} MB`,
      goal: '≤ 300 MB',
      ok: (results.rss_peak_mb as number) <= 300,
    });
  } finally {
    await app.stop();
    if (target.backend === 'postgres') await db.close();
    if (!config.BENCH_REUSE_DB) await target.drop();
  }
  results.machine = { ...(results.machine as object), load_avg_at_end: os.loadavg() };
  results.notes = notes;
  results.failed_steps = failed;
  results.duration_s = Math.round((Date.now() - started.getTime()) / 1000);

  printTable(rows);
  if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  mkdirSync(config.BENCH_OUTPUT_DIR, { recursive: true });
  const file = path.join(config.BENCH_OUTPUT_DIR, `${started.toISOString().slice(0, 10)}${only ? `-${only.join('-')}` : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  return results;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('bench', 'run.js'));
if (isMain) {
  runBench(loadBenchConfig()).then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
