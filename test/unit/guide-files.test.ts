/**
 * The user guide's files (R-6.3, issue 17 item 2): every guide the service lists exists in Vietnamese
 * (docs/huong-dan) and in English (docs/guide-en), with the same section structure and the same links, and no file
 * holds raw HTML (the parser would show it as text, never run it, but a guide should not need it).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Lexer, type Token } from 'marked';
import { describe, expect, it } from 'vitest';
import { createGuideService, GUIDE_DIRS, GUIDES } from '../../src/features/guide/guide.service.js';
import { LANGS } from '../../src/lib/i18n.js';
import { projectRoot } from '../../src/lib/paths.js';

const root = projectRoot();
const read = (lang: 'vi' | 'en', slug: string) => readFile(path.join(root, 'docs', GUIDE_DIRS[lang], `${slug}.md`), 'utf8');

/** Every token of a Markdown file, nested ones included. */
function allTokens(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    out.push(t);
    if ('tokens' in t && Array.isArray(t.tokens)) out.push(...allTokens(t.tokens));
    if (t.type === 'list') for (const item of t.items) out.push(...allTokens(item.tokens));
    if (t.type === 'table') for (const cell of [...t.header, ...t.rows.flat()]) out.push(...allTokens(cell.tokens));
  }
  return out;
}

const headings = (md: string) =>
  md
    .split('\n')
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => l.replace(/ .*/, ''));
const links = (md: string) => [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]).sort();

describe('user guide files in both languages', () => {
  it.each(GUIDES.map((g) => [g.slug]))('%s: Vietnamese and English files, same sections and links, no raw HTML', async (slug) => {
    const vi = await read('vi', slug);
    const en = await read('en', slug);
    expect(headings(en)).toEqual(headings(vi));
    expect(links(en)).toEqual(links(vi));
    for (const [lang, md] of [
      ['vi', vi],
      ['en', en],
    ] as const) {
      const tokens = allTokens(new Lexer({ gfm: true }).lex(md));
      expect(
        tokens.filter((t) => t.type === 'html').map((t) => t.raw),
        `${lang}/${slug}`,
      ).toEqual([]);
    }
  });

  it('serves each guide in the language asked for, Vietnamese by default, and nothing outside the list', async () => {
    const guides = createGuideService(root);
    expect(guides.list().map((g) => g.title)).toEqual(GUIDES.map((g) => g.title.vi));
    expect(guides.list('en').map((g) => g.title)).toEqual(GUIDES.map((g) => g.title.en));
    for (const lang of LANGS) {
      for (const g of GUIDES) {
        const guide = await guides.get(g.slug, lang);
        expect(guide.title).toBe(g.title[lang]);
        expect(guide.heading, `${lang}/${g.slug}`).toMatch(lang === 'en' ? /^Guide for / : /^Hướng dẫn cho /);
        expect(guide.nodes.filter((n) => n.type === 'heading' && n.depth === 2).length).toBeGreaterThanOrEqual(2);
      }
    }
    expect((await guides.get('cong-chung')).heading).toBe('Hướng dẫn cho người dân, công chúng');
    expect((await guides.get('cong-chung', 'en')).heading).toBe('Guide for citizens and the public');
    await expect(guides.get('README', 'en')).rejects.toThrow();
    await expect(guides.get('../huong-dan/cong-chung', 'en')).rejects.toThrow();
  });
});
