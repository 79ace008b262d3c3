/**
 * Every count a job records (job_runs.counts) is said in Vietnamese on the job runs page (issue 15 item 16): the keys
 * written by the jobs' sources — `counts.<key>` assignments and the keys of a `counts` object literal — all have a
 * label, so a new count never reads "số liệu khác".
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COUNT_LABELS } from '../../src/features/jobs/jobs.schemas.js';

function jobSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return jobSources(p);
    return e.name.endsWith('.job.ts') ? [p] : [];
  });
}

describe('job count labels', () => {
  it('each count key written by a job has a Vietnamese label', () => {
    const files = jobSources(path.resolve('src'));
    expect(files.length).toBeGreaterThan(4);
    const missing: string[] = [];
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      const keys = new Set([...src.matchAll(/\bcounts\.([a-z_A-Z]+)\s*(?:\+?=)/g)].map((m) => m[1] as string));
      for (const literal of src.matchAll(/\bcounts(?::\s*\w+)?\s*=\s*\{([^}]*)\}/g)) {
        for (const k of (literal[1] as string).matchAll(/([a-z_A-Z]+)\s*:/g)) keys.add(k[1] as string);
      }
      for (const k of keys) if (!COUNT_LABELS[k]) missing.push(`${path.relative('src', file)}: ${k}`);
    }
    expect(missing).toEqual([]);
  });
});
