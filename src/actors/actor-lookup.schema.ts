import { builder } from '../builder.js';
import { NotCompilable, sqlField } from '../compiled/sql-spec.js';
import { databaseIdOf } from '../common/global-id.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef } from '../refs.js';
import { actorByIdQuery } from './actor.repository.js';
import {
  actorByExternalIdQuery,
  actorByWikidataQidQuery,
  firstActorId,
  type ExternalIdKey,
} from './actor-lookup.repository.js';

// Finding actors by identifier (Wikidata item, an id in another register) instead of by name,
// so imports and editors can tell whether a record exists before creating it again.

export const ExternalIdKeyInput = builder.inputType('ExternalIdKey', {
  description: 'An id in another register, as `ExternalId` shows it: both parts match exactly.',
  fields: (t) => ({
    scheme: t.field({ type: 'Slug', required: true, description: 'The register, e.g. `sipri`.' }),
    value: t.string({ required: true, description: 'The id in that register.' }),
  }),
});

/** An external id key with its value checked (the scheme is a `Slug`; values match exactly). */
export function parseExternalIdKey(
  input: { scheme: string; value: string },
  argument: string,
): ExternalIdKey {
  const value = input.value.trim();
  if (value.length < 1 || value.length > 300) {
    throw badInput(
      `expected ${argument}.value to be 1 to 300 characters, got ${value.length}`,
      'BAD_USER_INPUT',
      `${argument}.value`,
    );
  }
  return { scheme: input.scheme, value };
}

type ActorLookup =
  | { by: 'id'; id: number | null }
  | { by: 'wikidataQid'; qid: string }
  | { by: 'externalId'; key: ExternalIdKey };

interface ActorLookupArgs {
  id?: string | number | null;
  wikidataQid?: string | null;
  externalId?: { scheme: string; value: string } | null;
}

/** Which of `actor`'s arguments names the actor; exactly one must be given. */
function actorLookupOf(args: ActorLookupArgs): ActorLookup {
  const given = (['id', 'wikidataQid', 'externalId'] as const).filter((name) => args[name] != null);
  if (given.length !== 1) {
    throw badInput(
      `expected exactly one of id, wikidataQid and externalId, got ${given.length === 0 ? 'none' : given.join(' and ')}`,
    );
  }
  if (args.wikidataQid != null) return { by: 'wikidataQid', qid: args.wikidataQid };
  if (args.externalId != null)
    return { by: 'externalId', key: parseExternalIdKey(args.externalId, 'externalId') };
  // An id of another type names no actor: null, as for an unknown id.
  return { by: 'id', id: databaseIdOf(String(args.id), 'Actor') };
}

builder.queryFields((t) => ({
  actor: t.field({
    type: ActorRef,
    nullable: true,
    description:
      'One actor by global id, Wikidata item or external id (exactly one of them); null when none matches or you may not see it. A merged actor’s identifiers find its survivor.',
    args: {
      id: t.arg.id({
        description: 'The actor’s global id; a merged actor’s id finds its survivor.',
      }),
      wikidataQid: t.arg({ type: 'WikidataQid', description: 'A Wikidata item, e.g. `Q717`.' }),
      externalId: t.arg({ type: ExternalIdKeyInput, description: 'An id in another register.' }),
    },
    extensions: sqlField({
      kind: 'one',
      row: (env, args) => {
        let lookup: ActorLookup;
        try {
          lookup = actorLookupOf(args as ActorLookupArgs);
        } catch {
          // The loader path answers a bad argument with its proper error.
          throw new NotCompilable('actor() arguments');
        }
        if (lookup.by === 'id')
          return lookup.id === null ? null : actorByIdQuery(env.db, env.visibility, lookup.id);
        if (lookup.by === 'wikidataQid')
          return actorByWikidataQidQuery(env.db, env.visibility, lookup.qid);
        return actorByExternalIdQuery(env.db, env.visibility, lookup.key);
      },
    }),
    resolve: async (_root, args, ctx) => {
      const lookup = actorLookupOf(args);
      if (lookup.by === 'id') return lookup.id;
      return firstActorId(
        lookup.by === 'wikidataQid'
          ? actorByWikidataQidQuery(ctx.db, ctx.visibility, lookup.qid)
          : actorByExternalIdQuery(ctx.db, ctx.visibility, lookup.key),
      );
    },
  }),
}));
