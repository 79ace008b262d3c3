#!/usr/bin/env node
/**
 * The tree of the code for README's "Architecture" section, read from the folders as they are: src/ (its files,
 * each folder with its modules, each feature), then the other top-level folders. A folder's one-line purpose comes
 * from PURPOSES below or, for a folder not listed there, from the first sentence of the header comment of its
 * routes.ts, index.ts or <folder>.ts (or of its only file).
 *
 *   node scripts/architecture.mjs            rewrite README's tree (between the architecture markers) and print it
 *   node scripts/architecture.mjs --print    print it only
 *   node scripts/architecture.mjs --check    exit 1 when README's tree is not the current one
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const README = path.join(ROOT, 'README.md');
const START = '<!-- architecture:start (npm run docs:architecture) -->';
const END = '<!-- architecture:end -->';
const WIDTH = 118;

/** One line per folder, by its path from the repository's root. */
const PURPOSES = {
  'src/cli': 'entry points: start.ts (the server and its first-start seeding) and the npm commands',
  'src/db': 'knex factory (pg or PGlite), migration list, setup, shared query filters',
  'src/jobs': 'the job runner and scheduler: one run per period across instances; each job built with its own dependencies',
  'src/lib': 'shared helpers: errors, formatting (vi-VN), forms, route ids, uploads, URLs (paths), roles, clock',
  'src/middleware': 'the request stack (app.ts mounts it; never imports a feature)',
  'src/features': 'one folder per feature: routes → controller → zod schemas → service → repository',
  'src/features/access': "access to the data: registration, grants, requests, exploiters' pages, exploitation log",
  'src/features/associations': 'the register kept by the ministry: list, record, edit, publish, history',
  'src/features/audit': 'the audit trail: who did what, from which request',
  'src/features/auth': 'sign-in with TOTP, accounts, passwords, lockout',
  'src/features/backup': 'backups of the database and the file store, restore, drills',
  'src/features/catalogues': 'shared catalogues (provinces, fields, …) and their editing',
  'src/features/charters': 'charter versions (DOCX text, typed text) compared article by article',
  'src/features/documents': "a record's attachments: uploads checked by content, storage, downloads",
  'src/features/fees': 'data-access fees: schedules, contracts, ledger, statements',
  'src/features/follows': 'following records and saving public searches: buttons, change notices, daily e-mail digest',
  'src/features/guide': 'the in-app user guide (docs/huong-dan, docs/guide-en)',
  'src/features/health': 'liveness, readiness, Prometheus metrics',
  'src/features/home': 'the staff home page',
  'src/features/imports': 'bulk import of associations from Excel or CSV',
  'src/features/incidents': 'incidents and software change requests',
  'src/features/it-centre': "the IT Centre's pages: sessions, errors, lockouts, accounts, backups",
  'src/features/jobs': "the jobs' own work and pages: quarterly update cycles, congress alerts, the annual report",
  'src/features/legal-documents': 'legal documents on associations',
  'src/features/notifications': "the signed-in user's notices",
  'src/features/public': 'public pages and open data (no login, no session)',
  'src/features/public/search': 'the in-memory index of published associations behind the public list',
  'src/features/register-form': 'Biểu mẫu 1: definition, parsing, change-sets, workbook codec',
  'src/features/reports': 'reports (a)–(n): queries, pages, CSV and XLSX export',
  'src/features/submissions': "Biểu mẫu 1 and congress packages filed online by an association's officer, and their review",
  'src/features/support': 'questions and answers between users and the ministry',
  'src/features/violations': 'violations, evidence, sanctions',
  views: 'EJS: the layout, partials, form components that render label, hint and error, one folder per feature',
  public: 'static files; js/ is progressive enhancement only (sub-list rows, charts, print)',
  docs: 'deployment and recovery; huong-dan/, guide-en/: the in-app user guide per role (vi, en)',
  migrations: 'YYYYMMDDHHMMSS_verb_object.ts (immutable once landed)',
  seeds: 'reference/ in every environment (idempotent upserts), demo/ refused in production',
  test: 'vitest projects unit and integration (per-file databases from a migrated template), e2e in a browser',
  bench: 'benchmarks against SPEC §7 (BENCHMARKS.md)',
  scripts: 'repository checks: views, structure, this tree',
  tools: 'the structure check (import cycles, layers, function length) with its own lockfile',
};

/** Top-level folders shown after src/, in this order, when they exist; those marked true with their folders. */
const OTHER_FOLDERS = {
  views: true,
  public: true,
  docs: true,
  migrations: false,
  seeds: true,
  test: true,
  bench: false,
  scripts: false,
  tools: false,
};

const isDir = (rel) =>
  readdirSync(path.join(ROOT, path.dirname(rel)), { withFileTypes: true }).some((e) => e.name === path.basename(rel) && e.isDirectory());
const entries = (rel) =>
  readdirSync(path.join(ROOT, rel), { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name));
const folders = (rel) =>
  entries(rel)
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
const modules = (rel) =>
  entries(rel)
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => e.name);

/** The first sentence of a file's header comment (a block comment or `//` lines before any code). */
function headerSentence(file) {
  const source = readFileSync(file, 'utf8');
  const block = /^\s*(?:#![^\n]*\n\s*)?\/\*\*?([\s\S]*?)\*\//.exec(source);
  const lines = /^\s*((?:\/\/[^\n]*\n\s*)+)/.exec(source);
  const raw = block ? block[1].replace(/^\s*\* ?/gm, '') : lines ? lines[1].replace(/^\s*\/\/ ?/gm, '') : '';
  const text = raw.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  const sentence = /^(.*?[.:])(?:\s|$)/.exec(text)?.[1] ?? text;
  const plain = sentence.replace(/[.:]$/, '');
  // Lower-case the first letter, as the table's lines are, unless it starts an acronym (IT, TOTP).
  return /^[A-Z][a-z]/.test(plain) ? plain[0].toLowerCase() + plain.slice(1) : plain;
}

function purpose(rel) {
  if (PURPOSES[rel]) return PURPOSES[rel];
  const name = path.basename(rel);
  const files = modules(rel);
  const candidates = ['routes.ts', 'index.ts', `${name}.ts`, ...(files.length === 1 ? files : [])];
  for (const file of candidates) {
    const full = path.join(ROOT, rel, file);
    if (existsSync(full)) {
      const sentence = headerSentence(full);
      if (sentence) return sentence;
    }
  }
  return '(no description: add one to PURPOSES in scripts/architecture.mjs or a header comment)';
}

/** `label` padded to `column`, then `text` wrapped under itself. */
function line(indent, label, text, column) {
  const head = `${' '.repeat(indent)}${label}`;
  const pad = label === '' ? indent : Math.max(column, head.length + 1);
  const words = text.split(' ');
  const out = [];
  let current = head.padEnd(pad);
  let empty = true;
  for (const word of words) {
    if (!empty && current.length + 1 + word.length > WIDTH) {
      out.push(current.trimEnd());
      current = ' '.repeat(pad);
      empty = true;
    }
    current += (empty ? '' : ' ') + word;
    empty = false;
  }
  out.push(current.trimEnd());
  return out;
}

const stripExt = (file) => file.replace(/\.(ts|mjs|js)$/, '');

function tree() {
  const out = ['src/'];
  out.push(...line(2, '', modules('src').join('  '), 2));
  for (const dir of folders('src')) {
    const rel = `src/${dir}`;
    if (dir === 'features') continue;
    out.push(...line(2, `${dir}/`, purpose(rel), 16));
    const files = modules(rel).map(stripExt);
    if (files.length > 0) out.push(...line(16, '', files.join(' '), 16));
    for (const sub of folders(rel)) out.push(...line(4, `${sub}/`, purpose(`${rel}/${sub}`), 16));
  }
  if (folders('src').includes('features')) {
    out.push(...line(2, 'features/', purpose('src/features'), 16));
    for (const feature of folders('src/features')) {
      const rel = `src/features/${feature}`;
      out.push(...line(4, `${feature}/`, purpose(rel), 22));
      for (const sub of folders(rel)) out.push(...line(6, `${sub}/`, purpose(`${rel}/${sub}`), 22));
    }
  }
  for (const [dir, withFolders] of Object.entries(OTHER_FOLDERS)) {
    if (!existsSync(path.join(ROOT, dir)) || !isDir(dir)) continue;
    out.push(...line(0, `${dir}/`, purpose(dir), 14));
    const subs = withFolders ? folders(dir) : [];
    if (subs.length > 0) out.push(...line(14, '', subs.map((s) => `${s}/`).join(' '), 14));
  }
  return out.join('\n');
}

function section(text) {
  return `${START}\n\`\`\`\n${text}\n\`\`\`\n${END}`;
}

const mode = process.argv[2] ?? '--write';
if (!['--write', '--print', '--check'].includes(mode)) {
  console.error(`usage: node scripts/architecture.mjs [--write | --print | --check]`);
  process.exit(2);
}
const text = tree();
if (mode === '--print') {
  console.log(text);
  process.exit(0);
}
const readme = readFileSync(README, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} block`);
  process.exit(1);
}
const current = readme.slice(start, end + END.length);
const wanted = section(text);
if (mode === '--check') {
  if (current !== wanted) {
    console.error('README.md: the Architecture tree is stale; run `npm run docs:architecture`.');
    process.exit(1);
  }
  console.log('README.md: the Architecture tree is current.');
  process.exit(0);
}
if (current !== wanted) writeFileSync(README, readme.slice(0, start) + wanted + readme.slice(end + END.length));
console.log(text);
