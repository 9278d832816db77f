import { Request as PonyfillRequest } from '@whatwg-node/fetch';

/**
 * Yoga's Request class (@whatwg-node/fetch's ponyfill) without its `parsedUrl` getter. The
 * server adapter reads `request.parsedUrl` for every request, which parses the URL there and
 * then (~3 % of the CPU of answering `{ __typename }`); without it the adapter hands hooks a
 * URL parsed on first use, and a POST to /graphql never needs one (see `requestPath`).
 */
export class LazyUrlRequest extends PonyfillRequest {
  get parsedUrl(): undefined {
    return undefined;
  }
}

/** The path of a request target as the client sent it (Node's `req.url`), before URL parsing. */
export function targetPath(target: string): string {
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

/**
 * The request's path for a hook that runs after the endpoint guard (src/hardening/http-guards.ts):
 * the target as sent when Node's request is at hand (the guard has checked that it is a served
 * path, which URL parsing leaves as it is), else the parsed URL's (requests made in-process).
 */
export function requestPath(url: URL, serverContext: unknown): string {
  const raw = (serverContext as { req?: { url?: unknown } } | undefined)?.req?.url;
  return typeof raw === 'string' ? targetPath(raw) : url.pathname;
}
