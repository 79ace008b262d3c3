/** The growth checks of the soak (RELIABILITY 42, bench/steps/soak.ts). */
import { describe, expect, it } from 'vitest';
import { gauge, judgeSoak, type SoakSample, slopePerHour } from '../../bench/steps/soak.js';

const run = (durationS: number, f: (t: number) => Partial<SoakSample>): SoakSample[] => {
  const out: SoakSample[] = [];
  for (let t = 0; t <= durationS; t += 30) {
    out.push({ t, rss_mb: 150, pool_open: 4, pool_used: 1, session_rows: 200, db_connections: 12, ...f(t) });
  }
  return out;
};

describe('soak verdict (RELIABILITY 42)', () => {
  it('passes a flat run after its warm-up, even when sessions and memory climb during the warm-up', () => {
    const samples = run(3600, (t) => ({ rss_mb: t < 600 ? 100 + t / 10 : 160 + (t % 90 === 0 ? 3 : 0), session_rows: Math.min(t, 400) }));
    const v = judgeSoak(samples, 3600, 120, 10);
    expect(v.warmup_s).toBe(240);
    expect(v.rss_ok).toBe(true);
    expect(v.sessions_ok).toBe(true);
    expect(v.pool_ok).toBe(true);
  });

  it('fails memory that keeps growing', () => {
    const v = judgeSoak(
      run(3600, (t) => ({ rss_mb: 150 + t / 30 })),
      3600,
      120,
      10,
    );
    expect(v.rss_ok).toBe(false);
    expect(v.rss_slope_mb_per_h).toBeCloseTo(120, 0);
  });

  it('fails session rows that are never pruned', () => {
    const v = judgeSoak(
      run(3600, (t) => ({ session_rows: t })),
      3600,
      120,
      10,
    );
    expect(v.sessions_ok).toBe(false);
  });

  it('fails a pool holding more connections than its maximum', () => {
    const v = judgeSoak(
      run(600, (t) => ({ pool_open: t > 500 ? 11 : 4 })),
      600,
      120,
      10,
    );
    expect(v.pool_ok).toBe(false);
    expect(v.pool_open_max).toBe(11);
  });

  it('has no session verdict where session rows were not sampled (PGlite)', () => {
    expect(
      judgeSoak(
        run(600, () => ({ session_rows: null })),
        600,
        120,
        10,
      ).sessions_ok,
    ).toBeNull();
  });
});

describe('soak helpers', () => {
  it('reads a labelled gauge from the Prometheus text format', () => {
    const text = '# HELP x\ncsdl_hoi_db_pool_connections{state="used"} 3\ncsdl_hoi_db_pool_connections{state="free"} 7\n';
    expect(gauge(text, 'csdl_hoi_db_pool_connections', '{state="free"}')).toBe(7);
    expect(gauge(text, 'csdl_hoi_db_pool_connections', '{state="pending"}')).toBeNull();
  });

  it('computes a least-squares slope per hour', () => {
    expect(
      slopePerHour([
        [0, 100],
        [1800, 105],
        [3600, 110],
      ]),
    ).toBeCloseTo(10);
    expect(slopePerHour([[0, 1]])).toBe(0);
  });
});
