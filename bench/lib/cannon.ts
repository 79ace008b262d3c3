/**
 * autocannon with our own latency record: autocannon's summary has no p95, so every response time is kept
 * (from its 'response' event) and the percentiles computed exactly. Status codes are counted the same way.
 */
import autocannon from 'autocannon';

export interface CannonRequest {
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Checks a response body (e.g. no other user's data); return false to count it as a failed check. */
  check?: (status: number, body: string) => boolean;
}

export interface CannonOptions {
  baseUrl: string;
  requests: CannonRequest[];
  connections: number;
  durationS: number;
  warmupS?: number;
  /** Total requests per second across all connections (autocannon overallRate). */
  overallRate?: number;
  timeoutS?: number;
  headers?: Record<string, string>;
  /** Called once a second during the measured run (e.g. to sample memory or inject a fault). */
  onTick?: (elapsedS: number) => void | Promise<void>;
}

export interface CannonResult {
  requests: number;
  rps: number;
  p50_ms: number;
  p95_ms: number;
  p97_5_ms: number;
  p99_ms: number;
  max_ms: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  failed_checks: number;
  /** Per second: [second, responses, non-2xx/3xx responses, errors]. */
  timeline: Array<[number, number, number, number]>;
}

/**
 * The app runs as in production behind a TLS-terminating proxy (TRUST_PROXY=loopback): every request says it came
 * over HTTPS, so the Secure session cookie is issued as it would be for real users.
 */
export const PROXY_HEADERS = { 'x-forwarded-proto': 'https' } as const;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] as number;
}

const round = (n: number) => Math.round(n * 10) / 10;

async function once(o: CannonOptions, durationS: number, record: boolean): Promise<CannonResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let failedChecks = 0;
  let errors = 0;
  const started = Date.now();
  const timeline = new Map<number, [number, number, number, number]>();
  const sec = () => Math.floor((Date.now() - started) / 1000);
  const slot = () => {
    const s = sec();
    let t = timeline.get(s);
    if (!t) {
      t = [s, 0, 0, 0];
      timeline.set(s, t);
    }
    return t;
  };
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: o.baseUrl,
      connections: o.connections,
      duration: durationS,
      timeout: o.timeoutS ?? 10,
      ...(o.overallRate ? { overallRate: o.overallRate } : {}),
      headers: { ...PROXY_HEADERS, ...o.headers },
      requests: o.requests.map((r) => ({
        method: r.method ?? 'GET',
        path: r.path,
        headers: { ...PROXY_HEADERS, ...o.headers, ...r.headers },
        ...(r.check
          ? {
              onResponse: (status: number, body: string) => {
                if (record && !r.check?.(status, body)) failedChecks++;
              },
            }
          : {}),
      })),
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (!record) return;
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    const t = slot();
    t[1]++;
    if (statusCode >= 400) t[2]++;
  });
  instance.on('reqError', () => {
    if (!record) return;
    errors++;
    slot()[3]++;
  });
  let ticker: NodeJS.Timeout | undefined;
  if (record && o.onTick) {
    ticker = setInterval(() => void o.onTick?.(sec()), 1000);
  }
  const result = await done;
  if (ticker) clearInterval(ticker);
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: round(latencies.length / durationS),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p97_5_ms: round(percentile(latencies, 97.5)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1) ?? Number.NaN),
    statuses,
    errors: Math.max(errors, result.errors - result.timeouts),
    timeouts: result.timeouts,
    failed_checks: failedChecks,
    timeline: [...timeline.values()].sort((a, b) => a[0] - b[0]),
  };
}

/** A warm-up run (not recorded), then the measured run. */
export async function cannon(o: CannonOptions): Promise<CannonResult> {
  if (o.warmupS) await once(o, o.warmupS, false);
  return once(o, o.durationS, true);
}
