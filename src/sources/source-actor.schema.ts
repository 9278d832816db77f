import { builder } from '../builder.js';
import { LIST_CAPS, capLists } from '../common/list-caps.js';
import { groupByKey, loadPagesPerParent } from '../common/nested-connection.js';
import { connectionSql, sqlCappedList, sqlConnection, sqlField } from '../compiled/sql-spec.js';
import type { SourceActorRole } from '../db/types.js';
import { ActorRef, SourceActorRef, SourceConnection, SourceRef } from '../refs.js';
import { SourceActorRoleEnum } from './source-actor.inputs.js';
import {
  ACTOR_SOURCE_ORDERING,
  actorLinksOfSourceQuery,
  countSourcesPerActor,
  findActorLinksBySourceIds,
  findSourcesPagePerActor,
  sourceRowsOfActorQuery,
} from './source-actor.repository.js';
import { NESTED_LIST } from '../common/connection.js';

// Source ↔ actor links on both sides: `Source.actors` (who spoke, wrote, published, or is the
// subject) and `Actor.sources` (what an actor spoke through). Defined here, on the refs, so the
// actors folder need not import the sources folder.

SourceActorRef.implement({
  description: 'An actor in a role on a source.',
  fields: (t) => ({
    role: t.expose('role', {
      type: SourceActorRoleEnum,
      description:
        'How the actor stands to the source: spoke in it, wrote it, published it, or is its subject.',
    }),
    actor: t.field({
      type: ActorRef,
      description: 'The actor (its survivor, if it was merged).',
      extensions: sqlField({ kind: 'ref', id: (row) => row('actor_id') }),
      resolve: (link) => link.actor_id,
    }),
  }),
});

builder.objectField(SourceRef, 'actors', (t) =>
  t.loadableList({
    type: SourceActorRef,
    description: `Who speaks in, wrote, published or is the subject of this source, in the editor’s order (at most ${LIST_CAPS.sourceActors}); actors you may not see are left out. \`publisher\` stays the display text.`,
    ...sqlCappedList(LIST_CAPS.sourceActors, (env, row, cap) =>
      actorLinksOfSourceQuery(env.db, env.visibility, row('id'), cap),
    ),
    resolve: (source) => source.id,
    load: async (sourceIds: number[], ctx) =>
      capLists(
        groupByKey(
          sourceIds,
          await findActorLinksBySourceIds(ctx.db, ctx.visibility, sourceIds),
          (link) => link.source_id,
        ),
        LIST_CAPS.sourceActors,
      ),
  }),
);

interface ActorSourcesArgs {
  role?: readonly SourceActorRole[] | null;
}

builder.objectField(ActorRef, 'sources', (t) =>
  t.loadable({
    type: SourceConnection,
    ...NESTED_LIST,
    description:
      'Sources linked to this actor (those you may see), newest first: by default those it spoke in or wrote; `role` picks others (`[PUBLISHER]` for an outlet’s output).',
    args: {
      ...t.arg.connectionArgs(),
      role: t.arg({
        type: [SourceActorRoleEnum],
        required: true,
        defaultValue: ['SPEAKER', 'AUTHOR'],
        description: 'Only links in these roles.',
      }),
    },
    extensions: sqlConnection((env, args: ActorSourcesArgs, row) =>
      connectionSql(
        sourceRowsOfActorQuery(env.db, env.visibility, row('id'), args.role ?? null),
        ACTOR_SOURCE_ORDERING,
      ),
    ),
    byPath: true,
    resolve: (actor) => actor.id,
    load: (actorIds: number[], ctx, args) =>
      loadPagesPerParent(
        actorIds,
        args,
        ACTOR_SOURCE_ORDERING,
        (window) => findSourcesPagePerActor(ctx.db, ctx.visibility, actorIds, args.role, window),
        (ids) => countSourcesPerActor(ctx.db, ctx.visibility, ids, args.role),
      ),
  }),
);
