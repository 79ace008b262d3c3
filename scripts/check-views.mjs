#!/usr/bin/env node
/**
 * Fails when a view prints unescaped output: every `<%-` in views/**\/*.ejs must be `<%- include(…)`.
 * (RELIABILITY.md check 15; HOUSE-STYLE.md "one request's path", step 7.) `<%%-` is EJS's literal `<%-`
 * and is not output, so it is allowed. Run: npm run check:views
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const viewsDir = path.join(root, 'views');

function* ejsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* ejsFiles(full);
    else if (entry.isFile() && entry.name.endsWith('.ejs')) yield full;
  }
}

const problems = [];
let files = 0;
for (const file of ejsFiles(viewsDir)) {
  files += 1;
  const text = readFileSync(file, 'utf8');
  // `(?<!%)` skips the literal `<%%-`; an include may have spaces before the parenthesis.
  for (const match of text.matchAll(/(?<!%)<%-(?!\s*include\s*\()/g)) {
    const before = text.slice(0, match.index);
    const line = before.split('\n').length;
    const column = match.index - before.lastIndexOf('\n');
    const source = text.split('\n')[line - 1]?.trim() ?? '';
    problems.push(`${path.relative(root, file)}:${line}:${column}  ${source}`);
  }
}

if (files === 0) {
  console.error(`check:views: no .ejs file found under ${path.relative(root, viewsDir) || viewsDir}`);
  process.exit(1);
}
if (problems.length > 0) {
  console.error(`check:views: unescaped EJS output (use <%= %>; <%- is only for include(…)):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check:views: ${files} views, no unescaped output other than include(…)`);
