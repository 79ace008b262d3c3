/**
 * Public search (SPEC §5, §7): the tsquery built from the query's words never lets user text act as tsquery syntax,
 * and the in-process list cache is bounded, expires, and is dropped when the database's data version moves.
 */
import { describe, expect, it } from 'vitest';
import { createPublicCache } from '../../src/features/public/public.service.js';
import { prefixTsquery as prefixQuery } from '../../src/lib/search-terms.js';

describe('prefixQuery', () => {
  it('quotes each lexeme, doubles quotes, escapes backslashes, and requires every word as a prefix', () => {
    expect(prefixQuery(['khuyen', 'hoc'])).toBe("'khuyen':* & 'hoc':*");
    expect(prefixQuery(["o'neil"])).toBe("'o''neil':*");
    expect(prefixQuery(['a\\b'])).toBe("'a\\\\b':*");
    expect(prefixQuery(['x | y', '!z'])).toBe("'x | y':* & '!z':*");
    expect(prefixQuery([])).toBe('');
  });
});

describe('public list cache', () => {
  function setup(options: { size: number; ttlMs: number; checkMs: number }) {
    let now = 0;
    let version = 'v1';
    let reads = 0;
    let computed = 0;
    const cache = createPublicCache(
      options,
      async () => {
        reads++;
        return version;
      },
      () => now,
    );
    const get = (key: string) =>
      cache.get(key, async () => {
        computed++;
        return `${key}@${version}#${computed}`;
      });
    return {
      cache,
      get,
      advance: (ms: number) => {
        now += ms;
      },
      bump: () => {
        version = `v${Number(version.slice(1)) + 1}`;
      },
      counts: () => ({ reads, computed }),
    };
  }

  it('serves a repeated key from memory until the data version moves', async () => {
    const c = setup({ size: 10, ttlMs: 30_000, checkMs: 0 });
    const first = await c.get('a');
    expect(await c.get('a')).toBe(first);
    expect(c.cache.stats).toEqual({ hits: 1, misses: 1 });
    c.bump();
    const after = await c.get('a');
    expect(after).not.toBe(first);
    expect(after).toContain('@v2');
    expect(c.counts()).toEqual({ reads: 3, computed: 2 });
  });

  it('reads the version at most every checkMs: a write is seen within that time', async () => {
    const c = setup({ size: 10, ttlMs: 30_000, checkMs: 1000 });
    const first = await c.get('a');
    c.bump();
    c.advance(999);
    expect(await c.get('a')).toBe(first);
    c.advance(1);
    expect(await c.get('a')).not.toBe(first);
    expect(c.counts().reads).toBe(2);
  });

  it('never serves an entry older than ttlMs', async () => {
    const c = setup({ size: 10, ttlMs: 30_000, checkMs: 60_000 });
    const first = await c.get('a');
    c.advance(30_000);
    expect(await c.get('a')).toBe(first);
    c.advance(1);
    expect(await c.get('a')).not.toBe(first);
  });

  it('keeps at most size entries, dropping the least recently used', async () => {
    const c = setup({ size: 2, ttlMs: 30_000, checkMs: 0 });
    const a = await c.get('a');
    await c.get('b');
    expect(await c.get('a')).toBe(a); // a is now the most recently used
    await c.get('c'); // drops b
    expect(await c.get('a')).toBe(a);
    const computed = c.counts().computed;
    await c.get('b');
    expect(c.counts().computed).toBe(computed + 1);
  });

  it('size 0 turns it off: every call computes, the version is never read', async () => {
    const c = setup({ size: 0, ttlMs: 30_000, checkMs: 0 });
    await c.get('a');
    await c.get('a');
    expect(c.counts()).toEqual({ reads: 0, computed: 2 });
  });
});

describe('public list cache under concurrency', () => {
  it('callers asking for the same missing key at once share one computation', async () => {
    let computed = 0;
    const cache = createPublicCache({ size: 10, ttlMs: 30_000, checkMs: 0 }, async () => 'v1');
    let release: (v: string) => void = () => {};
    const slow = new Promise<string>((resolve) => {
      release = resolve;
    });
    const calls = Array.from({ length: 5 }, () =>
      cache.get('k', () => {
        computed++;
        return slow;
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    release('value');
    expect(await Promise.all(calls)).toEqual(Array(5).fill('value'));
    expect(computed).toBe(1);
  });

  it('a failed computation is not cached: the next caller computes again', async () => {
    const cache = createPublicCache({ size: 10, ttlMs: 30_000, checkMs: 0 }, async () => 'v1');
    await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await cache.get('k', async () => 'ok')).toBe('ok');
  });
});
