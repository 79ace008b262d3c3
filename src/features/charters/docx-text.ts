/**
 * The plain text of a DOCX file (word/document.xml): one line per paragraph, with Word's automatic numbering
 * ("Điều %1." in numbering.xml, directly or through a paragraph style) written out, so a charter whose article
 * numbers come from a numbered list still reads "Điều 1. …". Deleted revisions, field codes and the fallback copy of
 * text boxes are left out. Reading is bounded: a part that inflates past MAX_PART_BYTES is refused.
 */
import JSZip from 'jszip';

const MAX_PART_BYTES = 32 * 1024 * 1024;

export class DocxTextError extends Error {}

function readPart(zip: JSZip, name: string): Promise<string | null> {
  const entry = zip.file(name);
  if (!entry) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stream = entry.nodeStream('nodebuffer');
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_PART_BYTES) {
        // Stop inflating: a part this large is no charter (or a ZIP bomb).
        stream.pause();
        stream.removeAllListeners('data');
        reject(new DocxTextError(`${name} inflates past ${MAX_PART_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', (err: Error) => reject(new DocxTextError(`${name} could not be read: ${err.message}`)));
  });
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ent: string) => {
    if (ent.startsWith('#x')) return safeCodePoint(Number.parseInt(ent.slice(2), 16)) ?? whole;
    if (ent.startsWith('#')) return safeCodePoint(Number.parseInt(ent.slice(1), 10)) ?? whole;
    return ENTITIES[ent] ?? whole;
  });
}

function safeCodePoint(n: number): string | null {
  return Number.isInteger(n) && n >= 0 && n <= 0x10ffff ? String.fromCodePoint(n) : null;
}

/** The value of attribute `name` (e.g. "w:val") in a tag's attribute text. */
function attr(attrs: string, name: string): string | null {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*"([^"]*)"`).exec(attrs) ?? new RegExp(`(?:^|\\s)${name}\\s*=\\s*'([^']*)'`).exec(attrs);
  return m ? decodeXml(m[1] ?? '') : null;
}

// ------------------------------------------------------------------ numbering

interface Level {
  start: number;
  format: string;
  text: string;
}

interface Numbering {
  /** numId → its abstract definition's levels and the restarts it overrides. */
  nums: Map<string, { abstractId: string; levels: Map<number, Level>; restart: Map<number, number> }>;
  /** styleId → the numbering its paragraphs carry. */
  styles: Map<string, { numId: string | null; ilvl: number | null; basedOn: string | null }>;
}

function parseLevels(body: string): Map<number, Level> {
  const levels = new Map<number, Level>();
  for (const m of body.matchAll(/<w:lvl\b([^>]*)>([\s\S]*?)<\/w:lvl>/g)) {
    const ilvl = Number(attr(m[1] ?? '', 'w:ilvl') ?? 0);
    const inner = m[2] ?? '';
    const val = (tag: string) => {
      const t = new RegExp(`<w:${tag}\\b([^>]*)/?>`).exec(inner);
      return t ? attr(t[1] ?? '', 'w:val') : null;
    };
    levels.set(ilvl, { start: Number(val('start') ?? 1) || 0, format: val('numFmt') ?? 'decimal', text: val('lvlText') ?? '' });
  }
  return levels;
}

function parseNumbering(numberingXml: string | null, stylesXml: string | null): Numbering {
  const abstracts = new Map<string, Map<number, Level>>();
  const nums: Numbering['nums'] = new Map();
  const styles: Numbering['styles'] = new Map();
  if (numberingXml) {
    for (const m of numberingXml.matchAll(/<w:abstractNum\b([^>]*)>([\s\S]*?)<\/w:abstractNum>/g)) {
      const id = attr(m[1] ?? '', 'w:abstractNumId');
      if (id !== null) abstracts.set(id, parseLevels(m[2] ?? ''));
    }
    for (const m of numberingXml.matchAll(/<w:num\b([^>]*)>([\s\S]*?)<\/w:num>/g)) {
      const numId = attr(m[1] ?? '', 'w:numId');
      const abs = /<w:abstractNumId\b([^>]*)\/?>/.exec(m[2] ?? '');
      const abstractId = abs ? attr(abs[1] ?? '', 'w:val') : null;
      if (numId === null || abstractId === null) continue;
      const restart = new Map<number, number>();
      for (const o of (m[2] ?? '').matchAll(/<w:lvlOverride\b([^>]*)>([\s\S]*?)<\/w:lvlOverride>/g)) {
        const s = /<w:startOverride\b([^>]*)\/?>/.exec(o[2] ?? '');
        const v = s ? attr(s[1] ?? '', 'w:val') : null;
        if (v !== null) restart.set(Number(attr(o[1] ?? '', 'w:ilvl') ?? 0), Number(v));
      }
      nums.set(numId, { abstractId, levels: abstracts.get(abstractId) ?? new Map(), restart });
    }
  }
  if (stylesXml) {
    for (const m of stylesXml.matchAll(/<w:style\b([^>]*)>([\s\S]*?)<\/w:style>/g)) {
      const styleId = attr(m[1] ?? '', 'w:styleId');
      if (styleId === null) continue;
      const inner = m[2] ?? '';
      const numId = /<w:numId\b([^>]*)\/?>/.exec(inner);
      const ilvl = /<w:ilvl\b([^>]*)\/?>/.exec(inner);
      const basedOn = /<w:basedOn\b([^>]*)\/?>/.exec(inner);
      styles.set(styleId, {
        numId: numId ? attr(numId[1] ?? '', 'w:val') : null,
        ilvl: ilvl ? Number(attr(ilvl[1] ?? '', 'w:val') ?? 0) : null,
        basedOn: basedOn ? attr(basedOn[1] ?? '', 'w:val') : null,
      });
    }
  }
  return { nums, styles };
}

const ROMAN: Array<[number, string]> = [
  [1000, 'M'],
  [900, 'CM'],
  [500, 'D'],
  [400, 'CD'],
  [100, 'C'],
  [90, 'XC'],
  [50, 'L'],
  [40, 'XL'],
  [10, 'X'],
  [9, 'IX'],
  [5, 'V'],
  [4, 'IV'],
  [1, 'I'],
];

function roman(n: number): string {
  let out = '';
  let rest = n;
  for (const [v, s] of ROMAN) {
    while (rest >= v) {
      out += s;
      rest -= v;
    }
  }
  return out;
}

function letters(n: number): string {
  const k = Math.max(1, n);
  return String.fromCharCode(97 + ((k - 1) % 26)).repeat(Math.floor((k - 1) / 26) + 1);
}

function formatNumber(n: number, format: string): string {
  switch (format) {
    case 'upperRoman':
      return roman(n);
    case 'lowerRoman':
      return roman(n).toLowerCase();
    case 'upperLetter':
      return letters(n).toUpperCase();
    case 'lowerLetter':
      return letters(n);
    case 'decimalZero':
      return String(n).padStart(2, '0');
    case 'none':
      return '';
    default:
      return String(n);
  }
}

/** Counts Word's numbered paragraphs as they come and writes out each one's number ("Điều 3."). */
function createNumberer(numbering: Numbering) {
  const counters = new Map<string, number[]>();
  const started = new Set<string>();

  function styleNumbering(styleId: string | null): { numId: string | null; ilvl: number | null } {
    let id = styleId;
    for (let depth = 0; id && depth < 10; depth++) {
      const s = numbering.styles.get(id);
      if (!s) break;
      if (s.numId !== null) return { numId: s.numId, ilvl: s.ilvl };
      id = s.basedOn;
    }
    return { numId: null, ilvl: null };
  }

  return (p: { numId: string | null; ilvl: number | null; styleId: string | null }): string | null => {
    const fromStyle = styleNumbering(p.styleId);
    const numId = p.numId ?? fromStyle.numId;
    const ilvl = p.ilvl ?? fromStyle.ilvl ?? 0;
    if (numId === null || numId === '0') return null;
    const num = numbering.nums.get(numId);
    const level = num?.levels.get(ilvl);
    if (!num || !level || level.format === 'bullet') return null;
    // Lists that restart their numbering count on their own; the others continue their abstract definition's count.
    const key = num.restart.size > 0 ? `n${numId}` : `a${num.abstractId}`;
    const counts = counters.get(key) ?? [];
    if (!started.has(numId)) {
      started.add(numId);
      for (const [l, v] of num.restart) counts[l] = v - 1;
    }
    const startOf = (l: number) => (num.restart.get(l) ?? num.levels.get(l)?.start ?? 1) - 1;
    counts[ilvl] = (counts[ilvl] ?? startOf(ilvl)) + 1;
    counts.length = ilvl + 1;
    counters.set(key, counts);
    return level.text.replace(/%(\d)/g, (_, d: string) => {
      const l = Number(d) - 1;
      return formatNumber(counts[l] ?? startOf(l) + 1, num.levels.get(l)?.format ?? 'decimal');
    });
  };
}

// ------------------------------------------------------------------ document text

interface Paragraph {
  text: string;
  numId: string | null;
  ilvl: number | null;
  styleId: string | null;
}

/** The lines of word/document.xml. */
function paragraphs(documentXml: string, numbering: Numbering): string[] {
  const numberOf = createNumberer(numbering);
  const lines: string[] = [];
  const stack: Paragraph[] = [];
  let inText = false;
  let skipDepth = 0;
  for (const m of documentXml.matchAll(/<(\/?)([A-Za-z][\w.-]*:[\w.-]+|[A-Za-z][\w.-]*)([^>]*?)(\/?)>|([^<]+)/g)) {
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (inText && skipDepth === 0 && stack.length > 0) (stack[stack.length - 1] as Paragraph).text += decodeXml(text);
      continue;
    }
    // Text boxes are stored twice (a drawing and a VML fallback): read the drawing only.
    if (name === 'mc:Fallback' && !selfClosing) {
      skipDepth += closing ? -1 : 1;
      continue;
    }
    if (skipDepth > 0) continue;
    const p = stack[stack.length - 1];
    switch (name) {
      case 'w:p':
        if (selfClosing) lines.push('');
        else if (!closing) stack.push({ text: '', numId: null, ilvl: null, styleId: null });
        else if (p) {
          stack.pop();
          const prefix = numberOf(p);
          lines.push(prefix ? `${prefix} ${p.text}` : p.text);
        }
        break;
      case 'w:t':
        inText = !closing && !selfClosing;
        break;
      case 'w:tab':
        if (p && !closing) p.text += '\t';
        break;
      case 'w:br':
      case 'w:cr':
        if (p && !closing) p.text += '\n';
        break;
      case 'w:noBreakHyphen':
        if (p && !closing) p.text += '-';
        break;
      case 'w:numId':
        if (p && !closing) p.numId = attr(attrs ?? '', 'w:val');
        break;
      case 'w:ilvl':
        if (p && !closing) p.ilvl = Number(attr(attrs ?? '', 'w:val') ?? 0);
        break;
      case 'w:pStyle':
        if (p && !closing) p.styleId = attr(attrs ?? '', 'w:val');
        break;
    }
  }
  return lines;
}

/** The text of a DOCX file's main document. Throws on a file that is not a readable DOCX. */
export async function docxText(content: Buffer): Promise<string> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(content);
  } catch (err) {
    throw new DocxTextError(`not a readable ZIP: ${(err as Error).message}`);
  }
  const documentXml = await readPart(zip, 'word/document.xml');
  if (documentXml === null) throw new DocxTextError('no word/document.xml');
  const numbering = parseNumbering(await readPart(zip, 'word/numbering.xml'), await readPart(zip, 'word/styles.xml'));
  return paragraphs(documentXml, numbering).join('\n');
}
