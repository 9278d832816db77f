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
  // Raw document hash → normalised document hash: a hit parses each distinct text once.
  // Hashes, not texts, are kept, so the memo stays small whatever the documents' size.
  const documents = new LruCache<string>({ maxEntries: 1000, ttlSeconds: 3600 });

  function documentKey(text: string): string {
    const raw = sha256(text);
    const known = documents.get(raw);
    if (known !== undefined) return known;
    let normalised: string;
    try {
      normalised = `document:${print(parse(text, { noLocation: true, maxTokens }))}`;
    } catch {
      normalised = `text:${text}`;
    }
    const key = sha256(normalised);
    documents.set(raw, key);
    return key;
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

  return function requestKey(req: IncomingMessage, body: Buffer): string {
    const url = req.url ?? '';
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    const search = mark < 0 ? '' : url.slice(mark + 1);
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
  };
}
