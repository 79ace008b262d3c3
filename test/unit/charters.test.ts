/** Charter comparison (issue 16 item 5): the article splitter, the article matching, the word diff, DOCX text. */
import { describe, expect, it } from 'vitest';
import { diffCharters } from '../../src/features/charters/charter-diff.js';
import { normaliseCharterText, splitCharter } from '../../src/features/charters/charter-text.js';
import { DocxTextError, docxText } from '../../src/features/charters/docx-text.js';
import { type Segment, wordDiff } from '../../src/features/charters/word-diff.js';
import { buildDocx } from '../helpers/docx.js';

const CHARTER = `ĐIỀU LỆ HỘI NGƯỜI CAO TUỔI
(Phê duyệt kèm theo Quyết định số 12/QĐ-BNV)
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Tên gọi
Tên tiếng Việt: Hội Người cao tuổi.
Điều 2: Tôn chỉ, mục đích
Hội tập hợp người cao tuổi.
Điều 5 của Điều lệ này quy định về hội viên.
Điều 3 Phạm vi hoạt động
Hội hoạt động trên phạm vi cả nước.
Chương II. HỘI VIÊN
Mục 1. Điều kiện
Điều 4. Hội viên
1. Công dân Việt Nam từ 60 tuổi.
2. Tán thành Điều lệ hội.`;

describe('splitCharter', () => {
  it('finds "Điều 1.", "Điều 2:" and "Điều 3 …" headings, the preamble and the chapter of each article', () => {
    const s = splitCharter(CHARTER);
    expect(s.preamble).toBe('ĐIỀU LỆ HỘI NGƯỜI CAO TUỔI\n(Phê duyệt kèm theo Quyết định số 12/QĐ-BNV)');
    expect(s.articles.map((a) => [a.key, a.title])).toEqual([
      ['dieu-1', 'Tên gọi'],
      ['dieu-2', 'Tôn chỉ, mục đích'],
      ['dieu-3', 'Phạm vi hoạt động'],
      ['dieu-4', 'Hội viên'],
    ]);
    expect(s.articles[0]?.chapter).toBe('Chương I. NHỮNG QUY ĐỊNH CHUNG');
    expect(s.articles[3]?.chapter).toBe('Chương II. HỘI VIÊN › Mục 1. Điều kiện');
    expect(s.articles[3]?.text).toBe('Điều 4. Hội viên\n1. Công dân Việt Nam từ 60 tuổi.\n2. Tán thành Điều lệ hội.');
  });

  it('keeps a line that only refers to another article ("Điều 5 của Điều lệ này …") inside its article', () => {
    const s = splitCharter(CHARTER);
    expect(s.articles[1]?.content).toBe('Tôn chỉ, mục đích\nHội tập hợp người cao tuổi.\nĐiều 5 của Điều lệ này quy định về hội viên.');
  });

  it('reads capitals, decomposed Unicode and odd spacing the same way; a repeated number gets its own key', () => {
    const decomposed = 'ĐIỀU 1.   Tên gọi\r\n\r\n  Hội A  \n'.normalize('NFD');
    const s = splitCharter(`${decomposed}Điều 1. Lặp số\nNội dung`);
    expect(s.articles.map((a) => a.key)).toEqual(['dieu-1', 'dieu-1-2']);
    expect(s.articles[0]?.text).toBe('ĐIỀU 1. Tên gọi\nHội A');
    expect(normaliseCharterText('a\u00a0\u00a0b\u200b\n\n\tc ')).toBe('a b\nc');
  });

  it('does not take "Mục đích" or "Chương trình" for section headings', () => {
    const s = splitCharter('Điều 1. Mục tiêu\nMục đích của hội là …\nChương trình hoạt động hằng năm.\nMục lục kèm theo.');
    expect(s.articles).toHaveLength(1);
    expect(s.articles[0]?.chapter).toBeNull();
    expect(s.articles[0]?.text.split('\n')).toHaveLength(4);
  });
});

/** The text a side of the diff reads as. */
function side(segments: Segment[], which: 'before' | 'after'): string {
  return segments
    .filter((s) => s.op === 'same' || s.op === (which === 'before' ? 'del' : 'ins'))
    .map((s) => s.text)
    .join('');
}

describe('wordDiff', () => {
  it('marks changed words and keeps the rest', () => {
    const segs = wordDiff('Nhiệm kỳ của Ban Chấp hành là 5 năm.', 'Nhiệm kỳ của Ban Chấp hành là 05 năm một lần.');
    expect(segs).toEqual([
      { op: 'same', text: 'Nhiệm kỳ của Ban Chấp hành là ' },
      { op: 'del', text: '5' },
      { op: 'ins', text: '05' },
      { op: 'same', text: ' năm' },
      { op: 'ins', text: ' một lần' },
      { op: 'same', text: '.' },
    ]);
  });

  it('always rebuilds both texts exactly', () => {
    const pairs: Array<[string, string]> = [
      ['', 'mới hoàn toàn'],
      ['cũ hoàn toàn', ''],
      ['a b c d e f', 'a x c y e z'],
      ['Điều 6. Quyền của hội viên\n1. Được thông tin.', 'Điều 5. Quyền của hội viên\n1. Được thông tin đầy đủ.\n2. Được bầu cử.'],
      ['Điều 5. x\nbầu cử, ứng cử vào', 'Điều 4. x\nbầu cử vào'],
      ['a a a b a a', 'a b a a a a b'],
      ['x y x y x y', 'y x y x'],
    ];
    for (const [a, b] of pairs) {
      const segs = wordDiff(a, b);
      expect(side(segs, 'before')).toBe(a);
      expect(side(segs, 'after')).toBe(b);
    }
  });

  it('rebuilds both texts for many generated pairs (a fixed seed)', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const words = ['hội', 'viên', ',', ' ', ' ', '\n', 'cử', 'Điều', '1', '.'];
    const text = () => Array.from({ length: next() % 30 }, () => words[next() % words.length]).join('');
    for (let i = 0; i < 300; i++) {
      const [a, b] = [text(), text()];
      const segs = wordDiff(a, b);
      expect(side(segs, 'before'), `${JSON.stringify(a)} → ${JSON.stringify(b)}`).toBe(a);
      expect(side(segs, 'after'), `${JSON.stringify(a)} → ${JSON.stringify(b)}`).toBe(b);
    }
  });

  it('places an addition or a removal after the words both versions share, in one piece', () => {
    const added = wordDiff('Điều 5. Quyền\nđược bầu cử, ứng cử vào', 'Điều 4. Quyền\nđược bầu cử, ứng cử, đề cử vào');
    expect(added.filter((s) => s.op === 'ins').map((s) => s.text)).toEqual(['4', ', đề cử']);
    const removed = wordDiff('Điều 5. x\nbầu cử, ứng cử vào', 'Điều 4. x\nbầu cử vào');
    expect(removed.filter((s) => s.op === 'del').map((s) => s.text)).toEqual(['5', ', ứng cử']);
    expect(removed.filter((s) => s.op === 'ins').map((s) => s.text)).toEqual(['4']);
  });

  it('a run of replaced words reads as one removal then one addition', () => {
    const segs = wordDiff('hội họp mỗi năm một lần', 'hội họp hai năm một lần');
    expect(segs.filter((s) => s.op !== 'same')).toEqual([
      { op: 'del', text: 'mỗi' },
      { op: 'ins', text: 'hai' },
    ]);
  });
});

const V1 = `Điều 1. Tên gọi
Hội Khuyến học Việt Nam.
Điều 2. Tôn chỉ
Hội là tổ chức xã hội tự nguyện của những người tham gia khuyến học.
Điều 3. Trụ sở
Trụ sở chính đặt tại Hà Nội.
Điều 4. Hội viên
Công dân Việt Nam tán thành Điều lệ hội đều có thể trở thành hội viên của hội.
Điều 5. Nhiệm kỳ
Nhiệm kỳ của Ban Chấp hành là 5 năm.`;

describe('diffCharters', () => {
  it('sees a removed article without counting the renumbered ones after it as changed', () => {
    const v2 = V1.replace('Điều 3. Trụ sở\nTrụ sở chính đặt tại Hà Nội.\n', '').replace('Điều 4.', 'Điều 3.').replace('Điều 5.', 'Điều 4.');
    const d = diffCharters(V1, v2);
    expect(d.counts).toEqual({ added: 0, removed: 1, changed: 0, unchanged: 4 });
    expect(d.entries.map((e) => [e.status, e.before?.number ?? null, e.after?.number ?? null])).toEqual([
      ['unchanged', 1, 1],
      ['unchanged', 2, 2],
      ['removed', 3, null],
      ['unchanged', 4, 3],
      ['unchanged', 5, 4],
    ]);
    expect(d.entries[3]?.renumbered).toBe(true);
  });

  it('finds added, removed and changed articles, a changed one with its word diff', () => {
    const v2 = `Điều 1. Tên gọi
Hội Khuyến học Việt Nam.
Điều 2. Tôn chỉ
Hội là tổ chức xã hội tự nguyện của những người tham gia khuyến học, khuyến tài.
Điều 3. Hội viên
Công dân Việt Nam tán thành Điều lệ hội đều có thể trở thành hội viên của hội.
Điều 4. Nhiệm kỳ
Nhiệm kỳ của Ban Chấp hành là 5 năm.
Điều 5. Tài chính
Tài chính của hội gồm hội phí và tài trợ.`;
    const d = diffCharters(V1, v2);
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 1, unchanged: 3 });
    const changed = d.entries.find((e) => e.status === 'changed');
    expect(changed?.after?.title).toBe('Tôn chỉ');
    expect(changed?.segments?.filter((s) => s.op === 'ins').map((s) => s.text)).toEqual([', khuyến tài']);
    expect(d.entries.find((e) => e.status === 'added')?.after?.title).toBe('Tài chính');
    expect(d.entries.find((e) => e.status === 'removed')?.before?.title).toBe('Trụ sở');
  });

  it('matches an article moved to another number whose text was also edited', () => {
    const v1 =
      'Điều 1. A\nHội có tư cách pháp nhân, con dấu và tài khoản riêng theo quy định của pháp luật.\nĐiều 2. B\nHội hoạt động theo nguyên tắc tự nguyện, tự quản.';
    const v2 =
      'Điều 1. B\nHội hoạt động theo nguyên tắc tự nguyện, tự quản.\nĐiều 2. A\nHội có tư cách pháp nhân, con dấu và tài khoản riêng theo quy định của pháp luật Việt Nam.';
    const d = diffCharters(v1, v2);
    expect(d.counts).toEqual({ added: 0, removed: 0, changed: 1, unchanged: 1 });
    const changed = d.entries.find((e) => e.status === 'changed');
    expect([changed?.before?.number, changed?.after?.number]).toEqual([1, 2]);
  });

  it('an article rewritten from scratch under another title is one removed and one added', () => {
    const d = diffCharters('Điều 1. Trụ sở\nTrụ sở đặt tại Hà Nội.', 'Điều 1. Biểu tượng\nHội có biểu tượng riêng được đăng ký bảo hộ.');
    expect(d.counts).toEqual({ added: 1, removed: 1, changed: 0, unchanged: 0 });
  });

  it('compares the preamble too', () => {
    const d = diffCharters('Quyết định 1\nĐiều 1. A\nx', 'Quyết định 2\nĐiều 1. A\nx');
    expect(d.preamble?.status).toBe('changed');
    expect(d.counts.unchanged).toBe(1);
  });
});

describe('docxText', () => {
  it('joins runs into one line per paragraph and decodes XML entities', async () => {
    const buf = await buildDocx(['Điều 1. Tên gọi', 'Hội <Thử> & "Nghiệm"', '']);
    expect(await docxText(buf)).toBe('Điều 1. Tên gọi\nHội <Thử> & "Nghiệm"\n');
  });

  it('writes out Word list numbering, directly and through a paragraph style', async () => {
    const numbering =
      '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Điều %1."/></w:lvl>' +
      '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>' +
      '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Chương %1"/></w:lvl></w:abstractNum>' +
      '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>';
    const styles =
      '<w:style w:type="paragraph" w:styleId="DieuHeading"><w:name w:val="Điều"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>' +
      '<w:style w:type="paragraph" w:styleId="DieuChild"><w:basedOn w:val="DieuHeading"/></w:style>';
    const buf = await buildDocx(
      [
        { text: 'QUY ĐỊNH CHUNG', numId: 2 },
        { text: 'Tên gọi', numId: 1 },
        { text: 'Tên tiếng Việt', numId: 1, ilvl: 1 },
        { text: 'Tên tiếng Anh', numId: 1, ilvl: 1 },
        { text: 'Tôn chỉ', style: 'DieuChild' },
        { text: 'Hội tập hợp', numId: 1, ilvl: 1 },
      ],
      { numbering, styles },
    );
    const text = await docxText(buf);
    expect(text).toBe('Chương I QUY ĐỊNH CHUNG\nĐiều 1. Tên gọi\n1. Tên tiếng Việt\n2. Tên tiếng Anh\nĐiều 2. Tôn chỉ\n1. Hội tập hợp');
    expect(splitCharter(text).articles.map((a) => a.title)).toEqual(['Tên gọi', 'Tôn chỉ']);
  });

  it('leaves deleted revisions and field codes out', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = await JSZip.loadAsync(await buildDocx(['x']));
    zip.file(
      'word/document.xml',
      '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Giữ</w:t></w:r><w:del><w:r><w:delText>Bỏ</w:delText></w:r></w:del>' +
        '<w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:tab/><w:t>lại</w:t></w:r></w:p></w:body></w:document>',
    );
    expect(await docxText(await zip.generateAsync({ type: 'nodebuffer' }))).toBe('Giữ\tlại');
  });

  it('refuses a file that is not a DOCX', async () => {
    await expect(docxText(Buffer.from('%PDF-1.4 not a zip'))).rejects.toBeInstanceOf(DocxTextError);
  });
});
