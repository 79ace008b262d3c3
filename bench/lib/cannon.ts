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

/**
 * A list of paths handed out one request at a time across all connections (see `CannonOptions.source`). A run
 * given a source never makes more requests than the paths it has left, so no path is requested twice: when the
 * list runs out the run ends early and its throughput is taken over the time it lasted.
 */
export interface PathSource {
  next(): string;
  readonly size: number;
  /** Paths handed out so far (requests sent or about to be). */
  readonly taken: number;
  readonly remaining: number;
  /** Paths handed out beyond the end of the list (repeats); 0 unless autocannon asked for more than it was allowed. */
  readonly repeated: number;
}

export function pathSource(paths: readonly string[]): PathSource {
  if (paths.length === 0) throw new Error('pathSource: no paths');
  let i = 0;
  return {
    next: () => paths[i++ % paths.length] as string,
    size: paths.length,
    get taken() {
      return i;
    },
    get remaining() {
      return Math.max(0, paths.length - i);
    },
    get repeated() {
      return Math.max(0, i - paths.length);
    },
  };
}

export interface CannonOptions {
  baseUrl: string;
  /**
   * Fixed requests: autocannon gives every connection its own copy of this list and walks it from the start, so
   * with N connections each path is requested about N times in turn (right for a repeated mix, wrong for "every
   * request different": use `source` for that).
   */
  requests: CannonRequest[];
  /**
   * Per-request paths (GET, with `headers`): when set, `requests` is ignored and every request of every connection
   * — warm-up included — takes the next path of this one shared source. The warm-up may use at most
   * `warmupShare` (default 0.2) of the paths left, the measured run the rest: no path is requested twice.
   */
  source?: PathSource;
  warmupShare?: number;
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
  /** Seconds the throughput is taken over: the duration, or less when a `source` ran out of paths first. */
  window_s: number;
  /** Only with a `source`: paths it had when the run began, and whether the run used them all before its end. */
  source_left_at_start?: number;
  source_exhausted?: boolean;
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

/**
 * One request rebuilt before every send (autocannon calls `setupRequest` each time a connection moves to its next
 * request, and once when it builds the connection's first one) with the source's next path.
 */
function distinct(source: PathSource, headers: Record<string, string>): autocannon.Request {
  return {
    method: 'GET',
    path: '/',
    headers,
    setupRequest: (req: autocannon.Request) => ({ ...req, path: source.next() }),
  };
}

async function once(o: CannonOptions, durationS: number, record: boolean, limit?: number): Promise<CannonResult> {
  const latencies: number[] = [];
  let lastResponseAt = 0;
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
      // Shared out among the connections, each stopping after its share; the duration still ends the run.
      ...(limit ? { maxOverallRequests: limit } : {}),
      headers: { ...PROXY_HEADERS, ...o.headers },
      requests: o.source
        ? [distinct(o.source, { ...PROXY_HEADERS, ...o.headers })]
        : o.requests.map((r) => ({
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
    lastResponseAt = Date.now();
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
  // A limited run that ran out of requests before its duration: throughput over the time it took (autocannon
  // itself only notices the end at its next 1 s tick).
  const exhausted = limit !== undefined && o.source !== undefined && o.source.remaining === 0;
  const window = exhausted && lastResponseAt > 0 ? Math.min(durationS, (lastResponseAt - started) / 1000) : durationS;
  return {
    requests: latencies.length,
    rps: round(latencies.length / window),
    p50_ms: round(percentile(latencies, 50)),
    p95_ms: round(percentile(latencies, 95)),
    p97_5_ms: round(percentile(latencies, 97.5)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.at(-1) ?? Number.NaN),
    statuses,
    errors: Math.max(errors, result.errors - result.timeouts),
    timeouts: result.timeouts,
    failed_checks: failedChecks,
    window_s: Math.round(window * 100) / 100,
    ...(limit !== undefined ? { source_left_at_start: limit, source_exhausted: exhausted } : {}),
    timeline: [...timeline.values()].sort((a, b) => a[0] - b[0]),
  };
}

/** A warm-up run (not recorded), then the measured run. */
export async function cannon(o: CannonOptions): Promise<CannonResult> {
  if (!o.source) {
    if (o.warmupS) await once(o, o.warmupS, false);
    return once(o, o.durationS, true);
  }
  // autocannon reads a per-connection share of 0 as "no limit": fewer paths than connections is no run at all.
  const enough = (n: number) => n >= o.connections;
  const warmup = Math.floor(o.source.remaining * (o.warmupShare ?? 0.2));
  if (o.warmupS && enough(warmup)) await once(o, o.warmupS, false, warmup);
  if (!enough(o.source.remaining)) {
    throw new Error(`only ${o.source.remaining} distinct paths left for ${o.connections} connections`);
  }
  return once(o, o.durationS, true, o.source.remaining);
}
