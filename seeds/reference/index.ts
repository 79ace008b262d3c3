/**
 * Reference data for every environment: idempotent upserts, safe to run at every start.
 */
import type { Knex } from 'knex';
import { seedCatalogues } from './catalogues.js';

export type ReferenceSeed = (knex: Knex) => Promise<void>;

export const REFERENCE_SEEDS: ReadonlyArray<readonly [string, ReferenceSeed]> = [['catalogues', seedCatalogues]];

export async function seedReference(knex: Knex): Promise<string[]> {
  const done: string[] = [];
  for (const [name, seed] of REFERENCE_SEEDS) {
    await knex.transaction((trx) => seed(trx));
    done.push(name);
  }
  return done;
}
