/**
 * Steps whose feature lands on another branch (bulk import, backup) look for it here. A feature plugs in by
 * shipping a `bench-hook.ts` in its folder that exports the function the step names; until then the step records
 * null with a note saying what is missing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The first candidate folder (under src/features, as compiled into dist) that exists, and its hook module if any. */
export async function findFeature<T>(folders: readonly string[]): Promise<{ folder: string | null; hook: T | null }> {
  for (const folder of folders) {
    const dir = path.join(distRoot, 'src', 'features', folder);
    if (!existsSync(dir)) continue;
    const hookFile = path.join(dir, 'bench-hook.js');
    if (!existsSync(hookFile)) return { folder, hook: null };
    return { folder, hook: (await import(hookFile)) as T };
  }
  return { folder: null, hook: null };
}
