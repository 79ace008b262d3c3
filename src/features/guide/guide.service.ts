/**
 * The user guide: one Markdown file per role in docs/huong-dan/ (Vietnamese) and its English translation in
 * docs/guide-en/ (issue 17 item 2, same file names), kept in the repository with the code.
 * Markdown is parsed with marked's lexer and turned into a small tree of safe nodes that the views print with
 * escaped output only: raw HTML in a file is shown as text, never run; links go only to this site, http(s) or
 * mailto. Parsed guides are kept in memory (the files ship with each release).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { NotFoundError } from '../../lib/errors.js';
import { DEFAULT_LANG, type Lang } from '../../lib/i18n.js';

export interface GuideInfo {
  slug: string;
  title: string;
  audience: string;
}

/** One guide in both languages (issue 17 item 2): the slug is the file name in each language's folder. */
export interface GuideEntry {
  slug: string;
  title: Record<Lang, string>;
  audience: Record<Lang, string>;
}

/** Where each language's guides live: Vietnamese (the language of record) and the English translation. */
export const GUIDE_DIRS: Record<Lang, string> = { vi: 'huong-dan', en: 'guide-en' };

/** The guides, in the order the index lists them. The slug is also the file name: only these files are read. */
export const GUIDES: readonly GuideEntry[] = [
  {
    slug: 'cong-chung',
    title: { vi: 'Người dân, công chúng', en: 'Citizens and the public' },
    audience: {
      vi: 'Tra cứu hội, tải dữ liệu mở — không cần đăng nhập.',
      en: 'Find associations, download open data — no sign-in needed.',
    },
  },
  {
    slug: 'can-bo-vu-tcpcp',
    title: { vi: 'Cán bộ Vụ Tổ chức phi chính phủ', en: 'Staff of the Department of Non-Governmental Organisations' },
    audience: {
      vi: 'Chuyên viên và lãnh đạo Vụ (ngo_staff, ngo_lead): sổ đăng ký hội, hồ sơ, tài liệu, danh mục.',
      en: 'Officers and leaders of the Department (ngo_staff, ngo_lead): register of associations, records, documents, catalogues.',
    },
  },
  {
    slug: 'lanh-dao',
    title: { vi: 'Lãnh đạo Bộ', en: 'Ministry leaders' },
    audience: {
      vi: 'Xem sổ đăng ký hội, hồ sơ và lịch sử thay đổi; báo cáo, thống kê.',
      en: 'View the register of associations, records and their history; reports and statistics.',
    },
  },
  {
    slug: 'quan-tri-he-thong',
    title: { vi: 'Quản trị hệ thống (Trung tâm Thông tin)', en: 'System administrators (Information Centre)' },
    audience: {
      vi: 'Tài khoản, bảo mật, giám sát, sao lưu (it_admin).',
      en: 'Accounts, security, monitoring, backups (it_admin).',
    },
  },
  {
    slug: 'can-bo-dau-moi-hoi',
    title: { vi: 'Cán bộ đầu mối của hội', en: "Associations' liaison officers" },
    audience: {
      vi: 'Cập nhật thông tin của hội theo Biểu mẫu 1.',
      en: "Keep the association's information up to date with Form 1.",
    },
  },
  {
    slug: 'to-chuc-ca-nhan-khai-thac',
    title: { vi: 'Tổ chức, cá nhân khai thác dữ liệu', en: 'Organisations and individuals using the data' },
    audience: {
      vi: 'Đăng ký khai thác, tra cứu và kết xuất trong phạm vi được cấp.',
      en: 'Apply for access, look up and export data within the scope granted.',
    },
  },
];

/** A guide's title and audience in one language. */
export function guideInfo(entry: GuideEntry, lang: Lang): GuideInfo {
  return { slug: entry.slug, title: entry.title[lang], audience: entry.audience[lang] };
}

export type InlineNode =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; children: InlineNode[] }
  | { type: 'codespan'; text: string }
  | { type: 'link'; href: string; children: InlineNode[] }
  | { type: 'br' };

export type BlockNode =
  | { type: 'heading'; depth: number; id: string; children: InlineNode[] }
  | { type: 'paragraph'; children: InlineNode[] }
  /** Inline content directly inside a tight list item. */
  | { type: 'inline'; children: InlineNode[] }
  | { type: 'list'; ordered: boolean; start: number; items: BlockNode[][] }
  | { type: 'code'; text: string }
  | { type: 'blockquote'; children: BlockNode[] }
  | { type: 'table'; header: InlineNode[][]; rows: InlineNode[][][] }
  | { type: 'hr' };

export interface Guide extends GuideInfo {
  heading: string;
  nodes: BlockNode[];
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': '\u00a0' };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (m) => ENTITIES[m] ?? m);
}

/** Links to this site (/…, #…), http(s) and mailto only. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  if (/^\/(?!\/)/.test(h) || h.startsWith('#')) return h;
  if (/^(https?:\/\/|mailto:)/i.test(h)) return h;
  return null;
}

function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function plain(nodes: InlineNode[]): string {
  return nodes.map((n) => ('text' in n ? n.text : 'children' in n ? plain(n.children) : '')).join('');
}

export function inline(tokens: readonly Token[] | undefined): InlineNode[] {
  const out: InlineNode[] = [];
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'strong':
      case 'em':
      case 'del':
        out.push({ type: t.type, children: inline((t as Tokens.Strong).tokens) });
        break;
      case 'codespan':
        out.push({ type: 'codespan', text: decode((t as Tokens.Codespan).text) });
        break;
      case 'link': {
        const link = t as Tokens.Link;
        const href = safeHref(link.href);
        const children = inline(link.tokens);
        if (href) out.push({ type: 'link', href, children });
        else out.push(...children);
        break;
      }
      case 'br':
        out.push({ type: 'br' });
        break;
      case 'text':
        if ((t as Tokens.Text).tokens?.length) out.push(...inline((t as Tokens.Text).tokens));
        else out.push({ type: 'text', text: decode((t as Tokens.Text).text) });
        break;
      case 'escape':
        out.push({ type: 'text', text: (t as Tokens.Escape).text });
        break;
      default:
        // Raw HTML, images and anything else: shown as the text that was written, never as markup.
        out.push({ type: 'text', text: 'raw' in t ? String(t.raw) : '' });
    }
  }
  return out;
}

export function blocks(tokens: readonly Token[]): BlockNode[] {
  const out: BlockNode[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
        break;
      case 'heading': {
        const children = inline((t as Tokens.Heading).tokens);
        out.push({ type: 'heading', depth: (t as Tokens.Heading).depth, id: slugify(plain(children)), children });
        break;
      }
      case 'paragraph':
        out.push({ type: 'paragraph', children: inline((t as Tokens.Paragraph).tokens) });
        break;
      case 'text':
        out.push({
          type: 'inline',
          children: inline((t as Tokens.Text).tokens ?? [{ type: 'text', raw: t.raw, text: (t as Tokens.Text).text }]),
        });
        break;
      case 'list': {
        const list = t as Tokens.List;
        out.push({
          type: 'list',
          ordered: list.ordered,
          start: typeof list.start === 'number' ? list.start : 1,
          items: list.items.map((item) => blocks(item.tokens)),
        });
        break;
      }
      case 'code':
        out.push({ type: 'code', text: (t as Tokens.Code).text });
        break;
      case 'blockquote':
        out.push({ type: 'blockquote', children: blocks((t as Tokens.Blockquote).tokens) });
        break;
      case 'table': {
        const table = t as Tokens.Table;
        out.push({
          type: 'table',
          header: table.header.map((c) => inline(c.tokens)),
          rows: table.rows.map((row) => row.map((c) => inline(c.tokens))),
        });
        break;
      }
      case 'hr':
        out.push({ type: 'hr' });
        break;
      default:
        // Raw HTML blocks and anything unknown: kept as visible text.
        if ('raw' in t && String(t.raw).trim()) out.push({ type: 'paragraph', children: [{ type: 'text', text: String(t.raw).trim() }] });
    }
  }
  return out;
}

/** Parses one guide's Markdown into safe nodes; the first level-1 heading becomes the page heading. */
export function parseGuide(info: GuideInfo, markdown: string): Guide {
  const nodes = blocks(new Lexer({ gfm: true }).lex(markdown));
  const first = nodes[0];
  if (first?.type === 'heading' && first.depth === 1) return { ...info, heading: plain(first.children), nodes: nodes.slice(1) };
  return { ...info, heading: info.title, nodes };
}

export function createGuideService(rootDir: string) {
  const lists: Record<Lang, readonly GuideInfo[]> = {
    vi: GUIDES.map((g) => guideInfo(g, 'vi')),
    en: GUIDES.map((g) => guideInfo(g, 'en')),
  };
  /** Parsed guides by `<lang>:<slug>`. */
  const cache = new Map<string, Guide>();
  return {
    list(lang: Lang = DEFAULT_LANG): readonly GuideInfo[] {
      return lists[lang];
    },
    async get(slug: string, lang: Lang = DEFAULT_LANG): Promise<Guide> {
      const info = lists[lang].find((g) => g.slug === slug);
      if (!info) throw new NotFoundError(lang === 'en' ? 'There is no such guide.' : 'Không có hướng dẫn này.');
      const key = `${lang}:${info.slug}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const file = path.join(rootDir, 'docs', GUIDE_DIRS[lang], `${info.slug}.md`);
      const guide = parseGuide(info, await readFile(file, 'utf8'));
      cache.set(key, guide);
      return guide;
    },
  };
}

export type GuideService = ReturnType<typeof createGuideService>;
