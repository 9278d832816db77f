import http from 'node:http';
import https from 'node:https';
import { publicOnlyLookup, webhookUrlProblem } from './webhook-url.js';

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Lets the socket reach loopback and private addresses (tests, closed networks). */
  allowPrivate: boolean;
}

/**
 * POSTs one webhook and resolves with the answer's status; rejects when no answer came in time.
 * Redirects are not followed (a 3xx is a failed attempt): they could lead the request inward.
 */
export function postWebhook(post: WebhookPost): Promise<number> {
  // Checked again at each send: an address literal never goes through the lookup below.
  const problem = webhookUrlProblem(post.url, post.allowPrivate);
  if (problem) return Promise.reject(new Error(problem));
  const url = new URL(post.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
        ...(!post.allowPrivate && { lookup: publicOnlyLookup }),
      },
      (response) => {
        // The answer's body is not needed; reading it frees the socket.
        response.resume();
        response.on('end', () => {
          clearTimeout(timer);
          resolve(response.statusCode ?? 0);
        });
        response.on('error', reject);
      },
    );
    // The whole exchange, not each silence: a receiver trickling bytes is cut off too.
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${post.timeoutMs} ms`)),
      post.timeoutMs,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(post.body);
  });
}
