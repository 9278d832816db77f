import { createHash } from 'node:crypto';

/** `sha256:` + 64 lower-case hex: the GraphQL-over-HTTP persisted-documents id. */
const DOCUMENT_ID = /^sha256:[0-9a-f]{64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The id of a document: a hash over its exact text (whitespace included). */
export function documentIdOf(body: string): string {
  return `sha256:${sha256Hex(body)}`;
}

/**
 * A document id from either spelling clients use: `sha256:<hex>` (persisted documents) or the
 * bare hex of an Apollo APQ hash / older client-preset manifests. Null when it is neither.
 */
export function normalizeDocumentId(id: string): string | null {
  if (DOCUMENT_ID.test(id)) return id;
  if (SHA256_HEX.test(id)) return `sha256:${id}`;
  return null;
}
