/**
 * The user guide: one Markdown file per role in docs/huong-dan/, kept in the repository with the code.
 * Markdown is parsed with marked's lexer and turned into a small tree of safe nodes that the views print with
 * escaped output only: raw HTML in a file is shown as text, never run; links go only to this site, http(s) or
 * mailto. Parsed guides are kept in memory (the files ship with each release).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { NotFoundError } from '../../lib/errors.js';

export interface GuideInfo {
  slug: string;
  title: string;
  audience: string;
}

/** The guides, in the order the index lists them. The slug is also the file name: only these files are read. */
export const GUIDES: readonly GuideInfo[] = [
  { slug: 'cong-chung', title: 'Người dân, công chúng', audience: 'Tra cứu hội, tải dữ liệu mở — không cần đăng nhập.' },
  {
    slug: 'can-bo-vu-tcpcp',
    title: 'Cán bộ Vụ Tổ chức phi chính phủ',
    audience: 'Chuyên viên và lãnh đạo Vụ (ngo_staff, ngo_lead): sổ đăng ký hội, hồ sơ, tài liệu, danh mục.',
  },
  { slug: 'lanh-dao', title: 'Lãnh đạo Bộ', audience: 'Xem sổ đăng ký hội, hồ sơ và lịch sử thay đổi; báo cáo, thống kê.' },
  {
    slug: 'quan-tri-he-thong',
    title: 'Quản trị hệ thống (Trung tâm Thông tin)',
    audience: 'Tài khoản, bảo mật, giám sát, sao lưu (it_admin).',
  },
  { slug: 'can-bo-dau-moi-hoi', title: 'Cán bộ đầu mối của hội', audience: 'Cập nhật thông tin của hội theo Biểu mẫu 1.' },
  {
    slug: 'to-chuc-ca-nhan-khai-thac',
    title: 'Tổ chức, cá nhân khai thác dữ liệu',
    audience: 'Đăng ký khai thác, tra cứu và kết xuất trong phạm vi được cấp.',
  },
];

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
  /** The language the guide's text is in: English where docs/huong-dan/en/<slug>.md exists, else Vietnamese. */
  lang: 'vi' | 'en';
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
  if (first?.type === 'heading' && first.depth === 1) return { ...info, heading: plain(first.children), nodes: nodes.slice(1), lang: 'vi' };
  return { ...info, heading: info.title, nodes, lang: 'vi' };
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function createGuideService(rootDir: string) {
  const dir = path.join(rootDir, 'docs', 'huong-dan');
  const cache = new Map<string, Guide>();
  return {
    list(): readonly GuideInfo[] {
      return GUIDES;
    },
    /**
     * A guide in the interface's language (issue 17 item 2): in English, docs/huong-dan/en/<slug>.md where it
     * exists, else the Vietnamese text (the page then says so).
     */
    async get(slug: string, lang: 'vi' | 'en' = 'vi'): Promise<Guide> {
      const info = GUIDES.find((g) => g.slug === slug);
      if (!info) throw new NotFoundError('Không có hướng dẫn này.');
      const key = `${lang}|${slug}`;
      const cached = cache.get(key);
      if (cached) return cached;
      const english = lang === 'en' ? await readIfExists(path.join(dir, 'en', `${info.slug}.md`)) : null;
      const guide =
        english === null
          ? parseGuide(info, await readFile(path.join(dir, `${info.slug}.md`), 'utf8'))
          : { ...parseGuide(info, english), lang: 'en' as const };
      cache.set(key, guide);
      return guide;
    },
  };
}

export type GuideService = ReturnType<typeof createGuideService>;
