/**
 * Reference data for every environment: idempotent upserts, safe to run at every start.
 * The catalogues of FORM-1.md (provinces, ministries, fields, natures …) are added here with the register.
 */
import type { Knex } from 'knex';

export type ReferenceSeed = (knex: Knex) => Promise<void>;

export const REFERENCE_SEEDS: ReadonlyArray<readonly [string, ReferenceSeed]> = [];

export async function seedReference(knex: Knex): Promise<string[]> {
  const done: string[] = [];
  for (const [name, seed] of REFERENCE_SEEDS) {
    await knex.transaction((trx) => seed(trx));
    done.push(name);
  }
  return done;
}
