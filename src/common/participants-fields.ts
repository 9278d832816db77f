import type { ObjectRef } from '@pothos/core';
import type { Expression, RawBuilder } from 'kysely';
import { builder } from '../builder.js';
import { sqlCappedList } from '../compiled/sql-spec.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { commandOf, parseAtVersion, type AtVersion } from '../mutations/validate.js';
import { atVersion, writeField } from '../mutations/write-field.js';
import type { Write } from '../mutations/write.js';
import type { Types } from './list-args.js';
import { LIST_CAPS, capLists } from './list-caps.js';
import { groupByKey } from './nested-connection.js';
import {
  ParticipantInput,
  ParticipantRef,
  parseParticipants,
  type ParticipantCommand,
  type ParticipantRow,
} from './participant.schema.js';

/** A record with participants (a claim, a relationship): its type and its table's functions. */
export interface ParticipantsOf {
  /** The record's loadable ref (its fields resolve to a row or to an id). */
  parent: ObjectRef<Types, number | { id: number }, { id: number }>;
  /** The GraphQL type, which the mutation's `id` must name. */
  typename: string;
  /** The record in words, as descriptions say it: `claim`, `relationship`. */
  noun: string;
  /** Who the participants stand beside, as the field's description says it. */
  beyond: string;
  /** `setClaimParticipants`, and its success field (`claim`). */
  mutation: string;
  result: string;
  /** One record's visible participants in order, at most `cap` (compiled reads). */
  ofParentQuery: (
    db: Executor,
    visibility: Visibility,
    parentId: RawBuilder<number>,
    cap: number,
  ) => Expression<unknown>;
  /** The visible participants of these records, by record then position. */
  findByParentIds: (
    db: Executor,
    visibility: Visibility,
    parentIds: readonly number[],
  ) => Promise<ParticipantRow[]>;
  /** The write: replaces the record's participants at the version read, returns its id. */
  set: (
    write: Write,
    command: AtVersion & { participants: ParticipantCommand[] },
  ) => Promise<number>;
}

/**
 * `X.participants` and `setXParticipants`, defined once for every record with participants:
 * each domain keeps its own table, repository and service and gives them here.
 */
export function defineParticipants(of: ParticipantsOf): void {
  builder.objectField(of.parent, 'participants', (t) =>
    t.loadableList({
      type: ParticipantRef,
      description: `Parties beyond ${of.beyond} (equipment, carrier, place, intermediary…), in order (at most ${LIST_CAPS.participants}); actors you may not see are left out.`,
      ...sqlCappedList(LIST_CAPS.participants, (env, row, cap) =>
        of.ofParentQuery(env.db, env.visibility, row('id'), cap),
      ),
      resolve: (parent) => parent.id,
      load: async (parentIds: number[], ctx) =>
        capLists(
          groupByKey(
            parentIds,
            await of.findByParentIds(ctx.db, ctx.visibility, parentIds),
            (p) => p.parent_id,
          ),
          LIST_CAPS.participants,
        ),
    }),
  );

  builder.mutationField(of.mutation, (t) =>
    t.field({
      type: of.parent,
      description: `Replaces a ${of.noun}’s participants you may see (those above your clearance stay), at the version you read.`,
      ...writeField({
        role: 'editor',
        result: of.result,
        args: {
          ...atVersion(),
          participants: t.arg({
            type: [ParticipantInput],
            required: true,
            description:
              'The new list, in order (at most 20, each actor once per role); [] removes them.',
          }),
        },
        run: (args, write) =>
          of.set(
            write,
            commandOf(
              parseAtVersion(args, of.typename, (issues) => ({
                participants: parseParticipants(issues, args.participants),
              })),
            ),
          ),
      }),
    }),
  );
}
