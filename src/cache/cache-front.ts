import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../config.js';
import {
  anonymousCaller,
  countRequest,
  RATE_LIMIT_PRECOUNTED,
  rateLimitHeaders,
  type RateCounter,
} from '../hardening/rate-limit.js';
import { errorFields, type Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import { recordOfNodeRequest } from '../observability/request-record.js';
import type { App } from '../yoga.js';
import { createRequestKeyer } from './request-key.js';
import { CACHE_PROBE, type CacheProbe } from './response-cache-plugin.js';
import type { CachedResponse, ResponseStore } from './response-store.js';

export interface CacheFrontOptions {
  app: App;
  store: ResponseStore;
  /** The counter Yoga's rate-limit plugin uses, so a hit counts like any other request. */
  rateCounter: RateCounter;
  config: Config;
  logger: Logger;
  /** Identifies the schema's shape (`schemaHash()` in schema.ts); the front never needs more of it. */
  schemaHash: string;
  metrics?: Metrics | null;
}

/** Response headers that describe one transfer, not the response: never stored. */
const TRANSFER_HEADERS = new Set(['connection', 'content-length', 'date', 'keep-alive']);

/** Request headers that described the body as it came over the wire, before it was buffered. */
const WIRE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

/** Response headers about this one request (its id, the caller's budget): sent, never stored. */
const PER_REQUEST_HEADERS = new Set([
  'x-request-id',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
]);

function storableHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (!PER_REQUEST_HEADERS.has(name)) kept[name] = value;
  return kept;
}

const JSON_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * What else shapes an anonymous response besides the request: the schema and the access rules.
 * Instances sharing Redis during a rolling deploy (or configured differently) never share
 * entries they would not have answered alike.
 */
function variantOf(config: Config, schemaHash: string): string {
  return createHash('sha256')
    .update(schemaHash)
    .update(
      JSON.stringify([
        config.anonymousOperations,
        config.introspection,
        config.corsOrigins,
        config.restrictedLimits,
        config.trustedLimits,
        config.maxBatch,
      ]),
    )
    .digest('hex');
}

/** Anonymous GraphQL requests only: a key, even a bad one, always goes through Yoga. */
function isCandidate(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'POST') return false;
  if (req.headers.authorization !== undefined) return false;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)) === '/graphql';
}

/** The body, or the first chunks past `limit` (`complete: false`) with the stream paused. */
function readBody(
  req: IncomingMessage,
  limit: number,
): Promise<{ bytes: Buffer; complete: boolean }> {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined)
    return Promise.resolve({ bytes: Buffer.alloc(0), complete: true });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      done();
      req.pause();
      resolve({ bytes: Buffer.concat(chunks), complete: false });
    };
    const onEnd = () => {
      done();
      resolve({ bytes: Buffer.concat(chunks), complete: true });
    };
    const onError = (error: Error) => {
      done();
      reject(error);
    };
    const onClose = () => {
      done();
      reject(new Error('request closed before its body was read'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    return new URL(req.url ?? '/', 'http://localhost');
  }
}

function requestHeaders(req: IncomingMessage): [string, string][] {
  const headers: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!WIRE_HEADERS.has(name.toLowerCase())) headers.push([name, raw[i + 1] as string]);
  }
  return headers;
}

function responseHeaders(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!TRANSFER_HEADERS.has(lower)) headers[lower] = value;
  });
  return headers;
}

function writeBuffered(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
  cache: 'HIT' | 'MISS' | null,
): void {
  const head: OutgoingHttpHeaders = { ...headers, 'content-length': body.length };
  if (cache) head['x-cache'] = cache;
  res.writeHead(status, head);
  res.end(body);
}

/** A complete GraphQL result (or batch of them) with data and no `errors`. */
function isErrorFree(body: Buffer): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return false;
  }
  const results = Array.isArray(parsed) ? parsed : [parsed];
  return results.every(
    (result) => typeof result === 'object' && result !== null && !('errors' in result),
  );
}

/**
 * A node:http request listener in front of Yoga that answers anonymous GraphQL reads from the
 * response cache, without running Yoga's pipeline for a hit. Everything else, and every miss,
 * is Yoga's: a miss is replayed into `app.fetch` with the buffered body and the same server
 * context (`req`, `res`) Yoga's node adapter would give, then stored if it is a successful
 * query. Anonymous callers see published TLP:CLEAR content only, the same for all of them,
 * which is what makes their answers shareable; keyed callers never touch the cache.
 */
export function createCacheFront(options: CacheFrontOptions) {
  const { app, store, rateCounter, config, logger, schemaHash, metrics = null } = options;
  const requestKey = createRequestKeyer({
    variant: variantOf(config, schemaHash),
    maxTokens: Math.max(config.restrictedLimits.tokens, config.trustedLimits.tokens),
  });
  const { anonymous: anonymousLimit, windowSeconds } = config.rateLimit;

  /** Through Yoga with an already-read body; stores the answer when `storeAs` is given. */
  async function forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    serverContext: Record<string, unknown>,
    storeAs: { generation: string; hash: string } | null,
  ): Promise<void> {
    // As Yoga's node adapter does: a client that goes away cancels the execution.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const probe: CacheProbe = { queries: 0, others: 0 };
    const response = await app.fetch(
      requestUrl(req),
      {
        method: req.method,
        headers: requestHeaders(req),
        ...(req.method !== 'GET' && { body }),
        signal: abort.signal,
      },
      { req, res, ...serverContext, [CACHE_PROBE]: probe },
    );
    const headers = responseHeaders(response);
    const contentType = headers['content-type'] ?? '';
    if (!JSON_TYPES.some((type) => contentType.startsWith(type))) {
      // GraphiQL's page, event streams: passed through as they come.
      res.writeHead(response.status, headers);
      // Yoga's (ponyfill or native) body streams are async iterable; the DOM types omit it.
      const stream = response.body as unknown as AsyncIterable<Uint8Array> | null;
      if (stream) await pipeline(Readable.from(stream), res);
      else res.end();
      return;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (
      storeAs &&
      response.status === 200 &&
      probe.queries > 0 &&
      probe.others === 0 &&
      bytes.length <= config.responseCache.maxEntryBytes &&
      !('set-cookie' in headers) &&
      isErrorFree(bytes)
    ) {
      const entry: CachedResponse = {
        status: response.status,
        headers: storableHeaders(headers),
        body: bytes,
      };
      // Stored before the answer goes out, so the caller's next request can hit it.
      await store.store(storeAs.generation, storeAs.hash, entry).catch((error: unknown) => {
        logger.warn('response cache store failed', errorFields(error));
      });
    }
    writeBuffered(res, response.status, headers, bytes, storeAs ? 'MISS' : null);
  }

  async function handleCandidate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const announced = Number(req.headers['content-length'] ?? 0);
    if (announced > config.maxBodyBytes) {
      // Yoga refuses it (413) from the header alone.
      await app.requestListener(req, res);
      return;
    }
    const body = await readBody(req, config.maxBodyBytes);
    if (!body.complete) {
      // Yoga measures what was read and answers 413; the rest is drained, as Node would.
      res.once('finish', () => req.resume());
      await forward(req, res, body.bytes, {}, null);
      return;
    }
    const hash = requestKey(req, body.bytes);
    const address = req.socket.remoteAddress;
    // The rate-limit count and the lookup go out together: one round trip to Redis for a hit.
    const [rate, found] = await Promise.all([
      address === undefined
        ? null
        : countRequest(rateCounter, windowSeconds, anonymousCaller(address), anonymousLimit),
      store.lookup(hash).catch((error: unknown) => {
        logger.warn('response cache lookup failed; request passed to Yoga', errorFields(error));
        return null;
      }),
    ]);
    const serverContext = address === undefined ? {} : { [RATE_LIMIT_PRECOUNTED]: rate };
    const record = recordOfNodeRequest(req);
    if (rate?.refusal) {
      // Yoga's rate-limit plugin sends the refusal, so it looks exactly like one it counted.
      await forward(req, res, body.bytes, serverContext, null);
      return;
    }
    if (found) {
      metrics?.responseCache(found.entry ? 'hit' : 'miss');
      if (record) record.cache = found.entry ? 'hit' : 'miss';
    }
    if (found?.entry) {
      if (record && rate) record.rateLimit = 'allowed';
      const headers = rate
        ? { ...found.entry.headers, ...rateLimitHeaders(rate) }
        : found.entry.headers;
      writeBuffered(res, found.entry.status, headers, found.entry.body, 'HIT');
      return;
    }
    await forward(
      req,
      res,
      body.bytes,
      serverContext,
      found ? { generation: found.generation, hash } : null,
    );
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!isCandidate(req)) {
      void app.requestListener(req, res);
      return;
    }
    handleCandidate(req, res).catch((error: unknown) => {
      // A client that went away (body cut off, or the execution aborted) is nobody's error.
      if (res.writableEnded || req.socket.destroyed) {
        res.destroy();
        return;
      }
      logger.error('response cache front failed', errorFields(error));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const requestId = recordOfNodeRequest(req)?.requestId;
      res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          errors: [
            {
              message: 'Unexpected error.',
              extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
            },
          ],
        }),
      );
    });
  };
}
