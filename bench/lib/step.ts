/** What every bench step (bench/steps/*.ts) gets and gives. */
import type { Knex } from 'knex';
import type { Database } from '../../src/db/knex.js';
import type { BenchConfig } from '../config.js';
import type { ChildServer } from './child.js';
import type { Target } from './db.js';

export interface Row {
  measure: string;
  value: string;
  goal: string;
  /** true = meets the goal, false = misses it, null = no goal or not measured. */
  ok: boolean | null;
}

export interface BenchContext {
  config: BenchConfig;
  target: Target;
  /** The bench's own connection to the scratch database (for the SQL floor and checks). */
  db: Database;
  /** The real app in its own process. */
  app: ChildServer;
  /** The environment the app child was started with (to start more of them). */
  appEnv: Record<string, string>;
  /** Session cookies of two signed-in staff users (TOTP done). */
  cookies: { staff: string; staff2: string };
  /** The 20 rows of the first search query, read before the app started (the ceiling page renders them). */
  ceilingRows: unknown[];
  /** What each step's `prepare` read from the database before the app started, by step name. */
  prepared: Record<string, unknown>;
  /** Goes to bench/results/<date>.json. */
  results: Record<string, unknown>;
  rows: Row[];
  notes: string[];
  log(message: string): void;
}

export interface BenchStep {
  name: string;
  /**
   * Reads what the step needs from the scratch database while the bench still holds it (on PGlite the app child
   * opens the database afterwards and the bench cannot); the result is `ctx.prepared[name]` in `run`.
   */
  prepare?(knex: Knex, config: BenchConfig): Promise<unknown>;
  run(ctx: BenchContext): Promise<void>;
}

export const ms = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '—' : `${n.toFixed(1)} ms`);
