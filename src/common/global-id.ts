import { badInput } from '../errors/bad-input.js';

// Opaque ids: base64url("Typename:databaseId"). Clients must not parse them; we keep the format
// stable so stored ids keep working.
const SHAPE = /^([A-Za-z][A-Za-z0-9]*):([1-9][0-9]{0,15})$/;

export function encodeGlobalId(typename: string, id: bigint | number | string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const match = /^[A-Za-z0-9_-]{1,64}={0,2}$/.test(globalId)
    ? SHAPE.exec(Buffer.from(globalId, 'base64url').toString('utf8'))
    : null;
  // Database ids are read as JavaScript numbers: one past 2^53 would silently name its neighbour.
  if (!match?.[1] || !match[2] || !Number.isSafeInteger(Number(match[2]))) {
    throw badInput(
      `expected a global id as returned by this API, got ${JSON.stringify(globalId.slice(0, 80))}`,
      'INVALID_ID',
    );
  }
  return { typename: match[1], id: match[2] };
}

/**
 * The types `node(id:)` and `nodes(ids:)` can answer (every type implementing Node;
 * tests/api/node-ids.test.ts checks the list against the schema).
 */
export const NODE_TYPENAMES: ReadonlySet<string> = new Set([
  'Actor',
  'ActorRelationship',
  'ApiKey',
  'Author',
  'Briefing',
  'Claim',
  'Source',
]);

/**
 * A global id that `node(id:)` can answer: well formed and of a Node type. Any other type's id
 * (a Citation's, or a made-up type) is a client mistake, answered INVALID_ID, not `null`.
 */
export function decodeNodeId(globalId: string): { typename: string; id: string } {
  const decoded = decodeGlobalId(globalId);
  if (!NODE_TYPENAMES.has(decoded.typename)) {
    throw badInput(
      `expected the id of a type node(id:) answers (${[...NODE_TYPENAMES].join(', ')}), got the id of ${withArticle(decoded.typename)}`,
      'INVALID_ID',
    );
  }
  return decoded;
}

/** The database id behind a global id of `typename`, or null when the id names another type. */
export function databaseIdOf(globalId: string, typename: string): number | null {
  const decoded = decodeGlobalId(globalId);
  return decoded.typename === typename ? Number(decoded.id) : null;
}

/** The database id behind a global id that must name a `typename` (filter arguments). */
export function requireIdOf(globalId: string, typename: string, argument: string): number {
  const id = databaseIdOf(globalId, typename);
  if (id === null) {
    throw badInput(
      `expected \`${argument}\` to be the id of ${withArticle(typename)}, got the id of ${withArticle(decodeGlobalId(globalId).typename)}`,
      'INVALID_ID',
      argument,
    );
  }
  return id;
}

/** "a Claim", "an Actor": for messages that name a type. */
export function withArticle(typename: string): string {
  return `${/^[AEIOU]/.test(typename) ? 'an' : 'a'} ${typename}`;
}
