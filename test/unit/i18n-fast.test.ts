/**
 * The remembered look-up in front of i18next (src/lib/i18n-fast.ts) answers exactly what i18next answers, for every
 * message of both languages: bare keys, plurals (`count` 0, 1, 2, 5), values filled in, a value missing, and a
 * `defaultValue` for a key that exists and one that does not.
 */
import { describe, expect, it } from 'vitest';
import { i18nextT, LANGS, loadResources, translator } from '../../src/lib/i18n.js';
import { fastT } from '../../src/lib/i18n-fast.js';

function* keysOf(tree: Record<string, unknown>, prefix = ''): Generator<string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') yield* keysOf(v as Record<string, unknown>, key);
    else yield key.replace(/_(one|other)$/, '');
  }
}

const resources = loadResources();

describe('the fast t gives what i18next gives', () => {
  for (const lang of LANGS) {
    it(`every message in ${lang}`, () => {
      const fast = translator(lang).t;
      const slow = i18nextT(lang);
      let compared = 0;
      for (const [ns, tree] of Object.entries(resources.vi)) {
        const keys = new Set(keysOf(tree as Record<string, unknown>));
        for (const k of keysOf((resources.en[ns] ?? {}) as Record<string, unknown>)) keys.add(k);
        for (const key of keys) {
          const full = `${ns}:${key}`;
          const probe = `${JSON.stringify(slow(full))}`;
          const names = [...probe.matchAll(/\{\{(.+?)\}\}/g)].map((m) => (m[1] ?? '').trim());
          const values = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
          const variants: Array<Record<string, unknown> | undefined> = [
            undefined,
            values,
            { ...values, count: 0 },
            { ...values, count: 1 },
            { ...values, count: 2 },
            { ...values, count: 5 },
            { defaultValue: 'Mặc định' },
            { ...values, defaultValue: 'Mặc định {{x}}' },
          ];
          if (names.length > 0) variants.push({});
          for (const options of variants) {
            expect(fast(full, options as never), `${lang} ${full} ${JSON.stringify(options)}`).toBe(slow(full, options as never));
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(20_000);
      // A key in neither language, with and without a default value.
      expect(fast('common:no.such.key')).toBe(slow('common:no.such.key'));
      expect(fast('common:no.such.key', { defaultValue: 'D {{a}}', a: 1 })).toBe(
        slow('common:no.such.key', { defaultValue: 'D {{a}}', a: 1 }),
      );
    });
  }

  it('answers a found message without i18next (one look-up per key), and leaves the rest to it', async () => {
    const i18next = (await import('i18next')).default;
    const instance = i18next.createInstance();
    await instance.init({
      resources: {
        vi: { common: { a: 'Chào {{name}}', b: 'Hội' } },
        en: { common: { a: 'Hello {{name}}', b_one: 'Association', b_other: 'Associations' } },
      },
      lng: 'vi',
      fallbackLng: 'vi',
      defaultNS: 'common',
      initAsync: false,
      interpolation: { escapeValue: false },
    });
    const real = instance.getFixedT('en');
    let slowCalls = 0;
    const slow = ((...args: Parameters<typeof real>) => {
      slowCalls++;
      return real(...args);
    }) as typeof real;
    const lookUps = { n: 0 };
    const getResource = instance.getResource.bind(instance);
    instance.getResource = ((...args: Parameters<typeof getResource>) => {
      lookUps.n++;
      return getResource(...args);
    }) as typeof getResource;
    const t = fastT(instance, 'en', 'vi', slow);
    expect(t('a', { name: 'Lan' })).toBe('Hello Lan');
    expect(t('a', { name: 'Nam' })).toBe('Hello Nam');
    expect(t('b', { count: 1 })).toBe('Association');
    expect(t('b', { count: 4 })).toBe('Associations');
    const after = lookUps.n;
    expect(t('b', { count: 7 })).toBe('Associations');
    expect(lookUps.n).toBe(after);
    expect(slowCalls).toBe(0);
    expect(t('missing')).toBe('missing');
    expect(slowCalls).toBe(1);
  });
});
