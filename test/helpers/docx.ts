/**
 * Minimal but valid DOCX files built in memory (jszip): [Content_Types].xml first, so type detection by content
 * (file-type) sees a Word document, then the package relationships and word/document.xml. Paragraphs are plain
 * strings, or objects with Word's list numbering (numId/ilvl) or a paragraph style.
 */
import JSZip from 'jszip';

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const PKG = 'http://schemas.openxmlformats.org/package/2006';
const OFFICE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export type DocxParagraph = string | { text: string; numId?: number; ilvl?: number; style?: string };

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraphXml(p: DocxParagraph): string {
  const para = typeof p === 'string' ? { text: p } : p;
  const props: string[] = [];
  if (para.style) props.push(`<w:pStyle w:val="${escapeXml(para.style)}"/>`);
  if (para.numId !== undefined) props.push(`<w:numPr><w:ilvl w:val="${para.ilvl ?? 0}"/><w:numId w:val="${para.numId}"/></w:numPr>`);
  const pPr = props.length > 0 ? `<w:pPr>${props.join('')}</w:pPr>` : '';
  // Split the text over two runs, as Word often does, to check that runs are joined.
  const half = Math.floor(para.text.length / 2);
  const runs = [para.text.slice(0, half), para.text.slice(half)]
    .filter((t) => t !== '')
    .map((t) => `<w:r><w:t xml:space="preserve">${escapeXml(t)}</w:t></w:r>`)
    .join('');
  return `<w:p>${pPr}${runs}</w:p>`;
}

export async function buildDocx(paragraphs: DocxParagraph[], parts: { numbering?: string; styles?: string } = {}): Promise<Buffer> {
  const zip = new JSZip();
  const overrides = [
    ['/word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'],
    ...(parts.numbering ? [['/word/numbering.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml']] : []),
    ...(parts.styles ? [['/word/styles.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml']] : []),
  ];
  zip.file(
    '[Content_Types].xml',
    `${XML}<Types xmlns="${PKG}/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      overrides.map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`).join('') +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    `${XML}<Relationships xmlns="${PKG}/relationships"><Relationship Id="rId1" Type="${OFFICE}/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file(
    'word/document.xml',
    `${XML}<w:document xmlns:w="${W}"><w:body>${paragraphs.map(paragraphXml).join('')}<w:sectPr/></w:body></w:document>`,
  );
  if (parts.numbering) zip.file('word/numbering.xml', `${XML}<w:numbering xmlns:w="${W}">${parts.numbering}</w:numbering>`);
  if (parts.styles) zip.file('word/styles.xml', `${XML}<w:styles xmlns:w="${W}">${parts.styles}</w:styles>`);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
