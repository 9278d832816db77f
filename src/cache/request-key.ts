import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { parse, print } from 'graphql';
import { LruCache } from '../common/lru-cache.js';
import { CSRF_HEADER } from '../hardening/http-guards.js';

/** Request headers that change the response, and so are part of the key. */
const KEYED_HEADERS = ['accept', 'content-type', 'origin', CSRF_HEADER] as const;

/** Request parameters that carry JSON as text in a GET query string. */
const JSON_PARAMS = new Set(['variables', 'extensions']);

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('base64url');

/** JSON with object keys sorted at every level, so key order never makes two keys. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value)
      .sort()
      .map(
        (name) =>
          `${JSON.stringify(name)}:${canonicalJson((value as Record<string, unknown>)[name])}`,
      );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Computes cache keys from what a request means rather than how it is spelled: a GraphQL
 * document is keyed by its printed form (comments, whitespace and commas gone), JSON by its
 * canonical form. Two requests get one key only when Yoga receives the same parameters, so
 * they get the same answer. Anything that does not parse is keyed by its exact bytes: it
 * fails in Yoga, and answers with errors are never stored.
 */
export function createRequestKeyer(options: {
  /** Hashed into every key: the schema and settings that shape an answer. */
  variant: string;
  /** Past this many tokens Yoga refuses the document anyway: no point parsing it here. */
  maxTokens: number;
}) {
  const { variant, maxTokens } = options;
  // The request's exact bytes → its key: a repeated request (what a hit usually is) costs one
  // hash, as before normalising, and is parsed only the first time. Hashes, not texts, are kept,
  // so the memo stays small whatever the requests' size.
  const known = new LruCache<string>({ maxEntries: 10_000, ttlSeconds: 3600 });

  function documentKey(text: string): string {
    try {
      return sha256(`document:${print(parse(text, { noLocation: true, maxTokens }))}`);
    } catch {
      return sha256(`text:${text}`);
    }
  }

  /** One GraphQL-over-HTTP parameter set (a JSON body, or one operation of a batch). */
  function paramsKey(params: unknown): unknown {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
    const { query, ...rest } = params as Record<string, unknown>;
    return typeof query === 'string' ? { ...rest, query: documentKey(query) } : params;
  }

  function bodyKey(req: IncomingMessage, body: Buffer): string {
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    if (contentType.startsWith('application/graphql'))
      return `graphql:${documentKey(body.toString('utf8'))}`;
    if (!contentType.startsWith('application/json')) return `bytes:${sha256(body)}`;
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      const key = Array.isArray(parsed) ? parsed.map(paramsKey) : paramsKey(parsed);
      return `json:${canonicalJson(key)}`;
    } catch {
      // Not JSON, or nested deeper than canonicalJson's recursion allows.
      return `bytes:${sha256(body)}`;
    }
  }

  /** The query string's parameters in order (Yoga reads the first of a repeated name). */
  function searchKey(search: string): string {
    const params = [...new URLSearchParams(search)].map(([name, value]) => {
      if (name === 'query') return [name, documentKey(value)];
      if (JSON_PARAMS.has(name)) {
        try {
          return [name, canonicalJson(JSON.parse(value))];
        } catch {
          return [name, `text:${value}`];
        }
      }
      return [name, value];
    });
    return JSON.stringify(params);
  }

  function normalisedKey(req: IncomingMessage, path: string, search: string, body: Buffer) {
    const hash = createHash('sha256')
      .update(variant)
      .update('\0')
      .update(req.method ?? '')
      .update('\0')
      .update(path)
      .update('\0')
      .update(searchKey(search));
    for (const name of KEYED_HEADERS) hash.update('\0').update(String(req.headers[name] ?? ''));
    // A GET carries no body Yoga reads.
    const content = req.method === 'GET' ? '' : bodyKey(req, body);
    return hash.update('\0').update(content).digest('base64url');
  }

  return function requestKey(req: IncomingMessage, body: Buffer): string {
    const url = req.url ?? '';
    const exact = createHash('sha256')
      .update(req.method ?? '')
      .update('\0')
      .update(url);
    for (const name of KEYED_HEADERS) exact.update('\0').update(String(req.headers[name] ?? ''));
    const raw = exact.update('\0').update(body).digest('base64url');
    const found = known.get(raw);
    if (found !== undefined) return found;
    const mark = url.indexOf('?');
    const key =
      mark < 0
        ? normalisedKey(req, url, '', body)
        : normalisedKey(req, url.slice(0, mark), url.slice(mark + 1), body);
    known.set(raw, key);
    return key;
  };
}
