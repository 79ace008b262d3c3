/**
 * The name searches' rule (src/lib/search-terms.ts): "one slip" is optimal string alignment distance ≤ 1 (checked
 * against the textbook table on every pair of short words over a small alphabet), alternatives are whole vocabulary
 * words of 3 letters or more, and the tsquery quotes every lexeme.
 */
import { describe, expect, it } from 'vitest';
import {
  hasAlternatives,
  isFuzzyWord,
  prefixTsquery,
  stepTsquery,
  termsTsquery,
  typoSteps,
  typoTerms,
  withinOneSlip,
} from '../../src/lib/search-terms.js';
import { osa } from '../helpers/edit-distance.js';

/** Every word of 0 to 4 letters over "abc". */
function words(): string[] {
  const out = [''];
  for (let n = 1; n <= 4; n++) for (const w of out.filter((x) => x.length === n - 1)) for (const c of 'abc') out.push(w + c);
  return out;
}

describe('withinOneSlip', () => {
  it('is optimal string alignment distance ≤ 1 on every pair of short words', () => {
    const all = words();
    for (const a of all) for (const b of all) expect(withinOneSlip(a, b), `${a} ${b}`).toBe(osa(a, b) <= 1);
  });

  it('takes the slips of the issue and refuses two', () => {
    expect(withinOneSlip('bihn', 'binh')).toBe(true);
    expect(withinOneSlip('hco', 'hoc')).toBe(true);
    expect(withinOneSlip('chein', 'chien')).toBe(true);
    expect(withinOneSlip('tuoy', 'tuoi')).toBe(true);
    expect(withinOneSlip('bhin', 'binh')).toBe(false);
    expect(withinOneSlip('kuyne', 'khuyen')).toBe(false);
  });
});

describe('typo terms and their tsquery', () => {
  it('keeps words of 3 letters or more one slip away from a word of 3 letters or more, not those the prefix covers', () => {
    const terms = typoTerms(['cuu', 'bihn', 'ga', 'y', '2024'], ['binh', 'bin', 'bihnx', 'cua', 'cu', 'gia', 'ha', 'cuuu', 'bich', '2025']);
    expect(terms).toEqual([
      { word: 'cuu', alternatives: ['cua'] },
      { word: 'bihn', alternatives: ['bin', 'binh'] },
      { word: 'ga', alternatives: [] },
      { word: 'y', alternatives: [] },
      { word: '2024', alternatives: [] },
    ]);
    expect(hasAlternatives(terms)).toBe(true);
    expect(hasAlternatives(typoTerms(['y', 'xqzw'], ['binh']))).toBe(false);
    expect(isFuzzyWord('abc')).toBe(true);
    expect(isFuzzyWord('ab')).toBe(false);
    expect(isFuzzyWord('ab1')).toBe(false);
  });

  it('quotes every lexeme: each word a prefix or one of its alternatives, every word required', () => {
    expect(
      termsTsquery([
        { word: 'bihn', alternatives: ['bin', 'binh'] },
        { word: "o'ne\\il", alternatives: [] },
      ]),
    ).toBe("('bihn':* | 'bin' | 'binh') & 'o''ne\\\\il':*");
    expect(prefixTsquery(['khuyen', 'hoc'])).toBe("'khuyen':* & 'hoc':*");
  });

  it('tries one word corrected (each in turn, the others as typed) before every word at once', () => {
    const terms = [
      { word: 'khuyen', alternatives: ['huyen'] },
      { word: 'hco', alternatives: ['cho', 'hoc'] },
      { word: 'y', alternatives: [] },
    ];
    const steps = typoSteps(terms);
    expect(steps.map(stepTsquery)).toEqual([
      "(('khuyen':* | 'huyen') & 'hco':* & 'y':*) | ('khuyen':* & ('hco':* | 'cho' | 'hoc') & 'y':*)",
      "('khuyen':* | 'huyen') & ('hco':* | 'cho' | 'hoc') & 'y':*",
    ]);
    // One word with alternatives: one step. None: no step.
    expect(typoSteps([terms[1] as (typeof terms)[number], terms[2] as (typeof terms)[number]]).map(stepTsquery)).toEqual([
      "('hco':* | 'cho' | 'hoc') & 'y':*",
    ]);
    expect(typoSteps([{ word: 'xqzw', alternatives: [] }])).toEqual([]);
  });
});
