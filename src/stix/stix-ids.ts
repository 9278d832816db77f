import { createHash } from 'node:crypto';

/**
 * Our own UUIDv5 namespace for STIX identifiers. STIX 2.1 §2.9 reserves its namespace
 * (00abedb4-…) for deterministic ids of cyber-observable objects; domain objects with
 * name-based ids need a producer's own, so a re-export under this one yields the same ids and a
 * partner's platform updates its copies instead of duplicating them. Never change it.
 */
export const BRIEFGRAPH_STIX_NAMESPACE = '17370d53-8760-4ae4-9e6d-8d2647cb2ac3';

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

/** RFC 9562 §5.5: SHA-1 over namespace and name, with the version and variant bits set. */
export function uuidV5(name: string, namespace: string = BRIEFGRAPH_STIX_NAMESPACE): string {
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * `type--uuid`, the uuid named by what the object stands for in briefgraph (e.g. `actor:12`), so
 * the same record always exports under the same id.
 */
export function stixId(type: string, name: string): string {
  return `${type}--${uuidV5(`${type}|${name}`)}`;
}
