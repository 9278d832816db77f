import autocannon from 'autocannon';

export interface LoadResult {
  seconds: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  timeouts: number;
  mismatches: number;
}

export interface LoadOptions {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** Total requests per second across connections (fixed-rate runs); omit for max throughput. */
  rate?: number;
  /** Exact body every response must have (autocannon counts the others as mismatches). */
  expectBody?: string;
  /** Or a check of each response body (mutations, whose ids differ); false counts a mismatch. */
  verifyBody?: (body: string) => boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
    ...(options.verifyBody
      ? { verifyBody: options.verifyBody }
      : options.expectBody
        ? { expectBody: options.expectBody }
        : {}),
    timeout: 30,
  });
  const seconds = (performance.now() - started) / 1000;
  const requests = result.requests.total;
  return {
    seconds,
    requests,
    rps: requests / seconds,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    mismatches: result.mismatches ?? 0,
  };
}
