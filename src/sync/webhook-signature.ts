import { createHmac, randomBytes } from 'node:crypto';

// Standard Webhooks signatures (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// the secret is `whsec_` + base64 of the key; the signature is `v1,` + base64 of
// HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>").

const SECRET_PREFIX = 'whsec_';

/** A new endpoint secret: 32 random bytes, as the convention writes them. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The first characters of a secret, enough to tell two apart and useless to sign with. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}

/** The `webhook-signature` header for one message. */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  const digest = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${digest}`;
}
