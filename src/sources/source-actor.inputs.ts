import { builder } from '../builder.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { SourceActorRole } from '../db/types.js';
import type { Issues, Reference } from '../mutations/validate.js';

// The write side of source ↔ actor links: the role enum, the input and its pure parser.

export const SourceActorRoleEnum = builder.enumType('SourceActorRole', {
  description: 'What an actor is to a source.',
  values: {
    SPEAKER: {
      value: 'SPEAKER',
      description: 'Spoke in it: the official interviewed, the spokesperson quoted.',
    },
    AUTHOR: { value: 'AUTHOR', description: 'Wrote or signed it.' },
    PUBLISHER: { value: 'PUBLISHER', description: 'Published it: the outlet, agency or ministry.' },
    SUBJECT: { value: 'SUBJECT', description: 'What it is about.' },
  } as const satisfies Record<SourceActorRole, { value: SourceActorRole; description: string }>,
});

export const SourceActorInput = builder.inputType('SourceActorInput', {
  description: 'An actor linked to a source in a role.',
  fields: (t) => ({
    actorId: t.id({ required: true, description: 'The actor’s global id.' }),
    role: t.field({
      type: SourceActorRoleEnum,
      required: true,
      description: 'How the actor stands to the source.',
    }),
  }),
});

export interface SourceActorLinkCommand {
  actor: Reference;
  role: SourceActorRole;
}

/**
 * Checks a source's actor links: actor ids, at most LIST_CAPS.sourceActors, and no actor twice
 * in one role (the same actor may be both speaker and subject).
 */
export function parseSourceActorLinks(
  issues: Issues,
  input: readonly (typeof SourceActorInput.$inferInput)[],
): SourceActorLinkCommand[] {
  if (input.length > LIST_CAPS.sourceActors) {
    issues.add(
      ['input', 'actors'],
      `expected at most ${LIST_CAPS.sourceActors} actors, got ${input.length}`,
    );
  }
  const seen = new Set<string>();
  return input.flatMap((link, i) => {
    const actor = issues.reference(['input', 'actors', i, 'actorId'], link.actorId, 'Actor');
    const key = `${link.actorId.trim()} ${link.role}`;
    if (seen.has(key))
      issues.add(
        ['input', 'actors', i],
        `expected each actor once per role, got ${link.role} twice`,
      );
    seen.add(key);
    // An actor id that does not decode has its problem listed and no link.
    return actor ? [{ actor, role: link.role }] : [];
  });
}
