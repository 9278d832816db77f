import { builder } from '../builder.js';
import { sqlField } from '../compiled/sql-spec.js';
import type { ParticipantRole } from '../db/types.js';
import type { Issues, Path, Reference } from '../mutations/validate.js';
import { ActorRef } from '../refs.js';
import { LIST_CAPS } from './list-caps.js';

// Role-tagged participants beyond a claim's subject/objects and a relationship's two ends (the
// equipment, the carrier, the place, an intermediary): one GraphQL shape and one input for both,
// each domain keeping its own table (claim_participant, relationship_participant).

/** A participant row as both tables give it (the parent id under `parent_id`). */
export interface ParticipantRow {
  parent_id: number;
  actor_id: number;
  role: ParticipantRole;
  position: number;
  note: string | null;
}

const ROLE_DESCRIPTIONS: Record<ParticipantRole, string> = {
  EQUIPMENT: 'The equipment, platform or weapon system involved.',
  CARRIER: 'Who or what carried it: an airline, a ship, a chartered aircraft.',
  LOCATION: 'Where it happened: a place (an actor of kind PLACE).',
  INTERMEDIARY: 'A go-between: a broker, a front company, a third state.',
  FINANCIER: 'Who paid or lent the money.',
  MANUFACTURER: 'Who made it.',
  OPERATOR: 'Who operates it.',
  BENEFICIARY: 'Who benefits, when not the object.',
  OTHER: 'Another part, said in `note`.',
};

export const ParticipantRoleEnum = builder.enumType('ParticipantRole', {
  description: 'What a participant beyond subject and object does in a claim or relationship.',
  values: Object.fromEntries(
    Object.entries(ROLE_DESCRIPTIONS).map(([value, description]) => [
      value,
      { value, description },
    ]),
  ) as { [K in ParticipantRole]: { value: K; description: string } },
});

export const ParticipantRef = builder.objectRef<ParticipantRow>('Participant').implement({
  description: 'An actor taking part in a claim or relationship in a role beyond its two ends.',
  fields: (t) => ({
    role: t.expose('role', {
      type: ParticipantRoleEnum,
      description: 'What the participant does in the claim or relationship.',
    }),
    note: t.exposeString('note', {
      nullable: true,
      description: 'The wording, when the role says too little (“chartered Il-76”).',
    }),
    actor: t.field({
      type: ActorRef,
      description: 'The participant (its survivor, if it was merged).',
      extensions: sqlField({ kind: 'ref', id: (row) => row('actor_id') }),
      resolve: (participant) => participant.actor_id,
    }),
  }),
});

export const ParticipantInput = builder.inputType('ParticipantInput', {
  description: 'An actor taking part in a role.',
  fields: (t) => ({
    actorId: t.id({
      required: true,
      description: 'The actor’s global id; a merged actor’s id names its survivor.',
    }),
    role: t.field({
      type: ParticipantRoleEnum,
      required: true,
      description: 'What the actor does in the claim or relationship.',
    }),
    note: t.string({ description: '1 to 200 characters.' }),
  }),
});

export interface ParticipantCommand {
  actor: Reference;
  role: ParticipantRole;
  note: string | null;
}

/**
 * Checks participants: ids, notes, at most LIST_CAPS.participants, each actor once per role.
 * `path` is where the list sits in the mutation's arguments (`participants`, or
 * `input.participants` when a claim or relationship is created with them).
 */
export function parseParticipants(
  issues: Issues,
  input: readonly (typeof ParticipantInput.$inferInput)[],
  path: Path = ['participants'],
): ParticipantCommand[] {
  if (input.length > LIST_CAPS.participants) {
    issues.add(
      path,
      `expected at most ${LIST_CAPS.participants} participants, got ${input.length}`,
    );
  }
  const seen = new Set<string>();
  return input.flatMap((participant, i) => {
    const actor = issues.reference([...path, i, 'actorId'], participant.actorId, 'Actor');
    const key = `${participant.actorId.trim()} ${participant.role}`;
    if (seen.has(key))
      issues.add([...path, i], `expected each actor once per role, got ${participant.role} twice`);
    seen.add(key);
    const note = issues.text([...path, i, 'note'], participant.note, { max: 200 });
    // An actor id that does not decode has its problem listed and no entry.
    return actor ? [{ actor, role: participant.role, note }] : [];
  });
}
