import { randomUUID } from 'node:crypto';

/**
 * What one request did, filled in by the layers it passes (the node listener, Yoga's plugins,
 * the response cache) and written out once, as its access-log line and its metrics, when the
 * response is done. Never key material: the key's id and role only.
 */
export interface RequestRecord {
  requestId: string;
  operationName: string | null;
  operationType: 'query' | 'mutation' | 'subscription' | null;
  /** The registered document's id (`sha256:<hex>`) or APQ hash the request named. */
  documentId: string | null;
  role: string;
  keyId: number | null;
  /** The anonymous response cache's answer; null when the request was not a candidate. */
  cache: 'hit' | 'miss' | null;
  /** Whether the request was counted against a rate limit and refused; null when not counted. */
  rateLimit: 'allowed' | 'refused' | null;
  /** `extensions.code` of each error the response carried (`UNCODED` when it had none). */
  errorCodes: string[];
}

/**
 * A client's `x-request-id` is taken when it is short and plain (letters, digits, `.`, `_`,
 * `:`, `-`): it ends up in log lines and headers, where anything else could forge a line or a
 * header. Anything else is replaced by a fresh UUID.
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptRequestId(sent: string | null | undefined): string {
  return sent !== null && sent !== undefined && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
}

export function newRequestRecord(sentRequestId: string | null | undefined): RequestRecord {
  return {
    requestId: acceptRequestId(sentRequestId),
    operationName: null,
    operationType: null,
    documentId: null,
    role: 'anonymous',
    keyId: null,
    cache: null,
    rateLimit: null,
    errorCodes: [],
  };
}

/**
 * Records of requests that came through the node listener, keyed by Node's request object:
 * Yoga's plugins reach it as `serverContext.req`, the response cache as its own argument.
 * Weak, so a record lives as long as its request.
 */
const byNodeRequest = new WeakMap<object, RequestRecord>();

export function attachRecord(req: object, record: RequestRecord): void {
  byNodeRequest.set(req, record);
}

export function recordOfNodeRequest(req: unknown): RequestRecord | undefined {
  return typeof req === 'object' && req !== null ? byNodeRequest.get(req) : undefined;
}
