#!/usr/bin/env node
/**
 * Lints the OpenAPI description served at /du-lieu-mo/openapi.json (open data + the data API, issue 17 item 3) with
 * @redocly/cli: for each public-field regime and with and without PUBLIC_URL, the built description
 * (dist/, run `npm run build` first; `npm run lint:openapi` does) is written to a temporary file and
 * `redocly lint` must report no error. Warnings are printed but do not fail.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { openApi } = await import(path.join(root, 'dist/src/features/public/open-data.js'));
const { PUBLIC_REGIMES, publicFields } = await import(path.join(root, 'dist/src/features/public/public-fields.js'));

const dir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-openapi-'));
let failed = 0;
try {
  for (const regime of Object.keys(PUBLIC_REGIMES)) {
    for (const server of [null, 'https://csdlhoi.example.gov.vn']) {
      const file = path.join(dir, `openapi-${regime}-${server ? 'url' : 'relative'}.json`);
      writeFileSync(file, JSON.stringify(openApi(regime, publicFields(regime), server), null, 2));
      const bin = path.join(root, 'node_modules/.bin/redocly');
      const run = spawnSync(bin, ['lint', file, '--format', 'stylish'], { stdio: 'inherit' });
      if (run.status !== 0) {
        console.error(`lint:openapi: ${path.basename(file)} has errors`);
        failed += 1;
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (failed) process.exit(1);
console.log('lint:openapi: no errors');
