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

/** Characters outside printable ASCII: the only ones autocannon may decode differently. */
const NON_ASCII = /[^\t\n\r\x20-\x7e]/g;

/**
 * `expectBody`, tolerant of one autocannon artefact: it decodes each TCP chunk on its own, so a
 * multi-byte character split across two chunks arrives as U+FFFD replacement characters (seen
 * on Q1x2's 185 KB answers, whose accented names sometimes straddle a 64 KB boundary). The
 * bodies must agree on every ASCII character (all of the JSON's structure, ids and numbers).
 */
function sameBody(expected: string): (body: string) => boolean {
  const wanted = expected.replace(NON_ASCII, '');
  return (body) => body === expected || body.replace(NON_ASCII, '') === wanted;
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
    // autocannon notices the end of a run only at its next sample (every second by default): a
    // run shorter than a second (the test suite's smoke run) would otherwise last a whole one.
    sampleInt: Math.min(1000, options.seconds * 1000),
    ...(options.rate ? { overallRate: Math.max(1, Math.round(options.rate)) } : {}),
    ...(options.verifyBody
      ? { verifyBody: options.verifyBody }
      : options.expectBody
        ? { verifyBody: sameBody(options.expectBody) }
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
