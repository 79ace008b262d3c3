#!/usr/bin/env node
/**
 * `npm run check:structure` — the code's shape, checked (issue 14):
 *   1. no import cycle in src/ (type-only imports count: a cycle of types is still two modules that must change
 *      together), found by madge;
 *   2. one-way layers: src/lib and src/db never import features or middleware, middleware never imports a feature;
 *      nothing in src/ imports seeds/, bench/ or test/ except the command-line entry points in src/cli/ (which seed
 *      and benchmark on purpose);
 *   3. no function longer than MAX_FUNCTION_LINES lines (a factory returning an object of methods counts whole).
 *
 * madge and the TypeScript 5 compiler API live in tools/structure/ with their own lockfile (TypeScript 7, the
 * app's compiler, no longer ships the JavaScript API that madge's parser needs); `npm run check:structure`
 * installs them there on first use.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const MAX_FUNCTION_LINES = 150;

const TOOLS = path.join(ROOT, 'tools/structure');
if (!existsSync(path.join(TOOLS, 'node_modules/madge'))) {
  execFileSync('npm', ['ci', '--prefix', TOOLS, '--silent', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}
const toolRequire = createRequire(path.join(TOOLS, 'package.json'));
const madge = (await import(toolRequire.resolve('madge'))).default;
const ts = toolRequire('typescript');

const problems = [];

// 1 and 2: the import graph.
const graph = await madge(SRC, {
  fileExtensions: ['ts'],
  tsConfig: path.join(ROOT, 'tsconfig.json'),
  detectiveOptions: { ts: { skipTypeImports: false, mixedImports: true }, es6: { mixedImports: true } },
});
for (const cycle of graph.circular()) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);

const LAYER_RULES = [
  { from: /^(lib|db)\//, to: /^(features|middleware)\//, why: 'lib/ and db/ are below features and middleware' },
  { from: /^middleware\//, to: /^features\//, why: 'middleware never imports a feature' },
  { from: /^(?!cli\/|\.\.\/)/, to: /^\.\.\/(seeds|bench|test)\//, why: 'only src/cli/ may use seeds, bench or test code' },
];
// The graph also holds the files outside src/ that src/ reaches (as ../seeds/…): rules apply to src/'s own files.
for (const [from, deps] of Object.entries(graph.obj())) {
  for (const to of deps) {
    for (const rule of LAYER_RULES) {
      if (rule.from.test(from) && rule.to.test(to)) problems.push(`layer: src/${from} imports ${to} (${rule.why})`);
    }
  }
}
// 3: function length.
for (const file of walk(SRC)) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name?.getText(source) ?? nameFromParent(node, source) ?? '(anonymous)';
        problems.push(`long function: ${path.relative(ROOT, file)}:${start + 1} ${name} is ${lines} lines (max ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\ncheck:structure: ${problems.length} problem(s)`);
  process.exit(1);
}
const modules = Object.keys(graph.obj()).filter((m) => !m.startsWith('../')).length;
console.log(`check:structure: ${modules} modules, no cycle, layers one-way, no function over ${MAX_FUNCTION_LINES} lines`);

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.name.endsWith('.ts')) yield full;
  }
}

function nameFromParent(node, source) {
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText(source);
  return undefined;
}
