import type { ParticipantCommand, ParticipantRow } from '../common/participant.schema.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { Executor } from '../db/executor.js';
import { lockLinkableActors } from '../db/linkable-actors.js';
import type { ParticipantRole } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';

export interface ParticipantValue {
  actorId: number;
  role: ParticipantRole;
  note: string | null;
}

/**
 * The participant list a write leaves: `wanted` (actors locked and read as their survivors)
 * replaces the participants the caller may see, and those whose actor the caller may not see
 * are kept after them, since nobody can be asked to resend what they cannot see.
 */
export async function nextParticipants(
  trx: Executor,
  visibility: Visibility,
  existing: readonly ParticipantRow[],
  wanted: readonly ParticipantCommand[],
): Promise<ParticipantValue[]> {
  const locked = await lockLinkableActors(trx, visibility, [
    ...wanted.map((p) => p.actor.id),
    ...existing.map((p) => p.actor_id),
  ]);
  const survivorOf = new Map(locked.map((row) => [row.requested_id, row.actor_id]));
  const next: ParticipantValue[] = [];
  for (const p of wanted) {
    const actorId = survivorOf.get(p.actor.id);
    if (actorId === undefined) throw new NotFoundError('Actor', p.actor.globalId, p.actor.path);
    // Two ids merged into one survivor name one actor: it takes part once per role.
    if (!next.some((n) => n.actorId === actorId && n.role === p.role))
      next.push({ actorId, role: p.role, note: p.note });
  }
  for (const p of existing)
    if (!survivorOf.has(p.actor_id)) next.push({ actorId: p.actor_id, role: p.role, note: p.note });
  if (next.length > LIST_CAPS.participants) {
    throw new ValidationError([
      {
        path: ['participants'],
        message: `expected at most ${LIST_CAPS.participants} participants, got ${next.length}`,
      },
    ]);
  }
  return next;
}

/** Participants as audit snapshots keep them (`participants`, read by audit_link_mentions). */
export function participantsSnapshot(
  participants: readonly { actor_id: number; role: ParticipantRole; note: string | null }[],
) {
  return participants.map(({ actor_id, role, note }) => ({ actor_id, role, note }));
}
