import type { ParticipantCommand, ParticipantRow } from '../common/participant.schema.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { Executor } from '../db/executor.js';
import { lockLinkableActors } from '../db/linkable-actors.js';
import type { ParticipantRole } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import type { AtVersion, Path } from './validate.js';
import { assertVersion } from './versioning.js';
import type { Write } from './write.js';

export interface ParticipantValue {
  actorId: number;
  role: ParticipantRole;
  note: string | null;
}

/**
 * The participant list a write leaves: `wanted` (actors locked and read as their survivors)
 * replaces the participants the caller may see, and those whose actor the caller may not see
 * are kept after them, since nobody can be asked to resend what they cannot see. `path` names
 * the list in the mutation's arguments.
 */
export async function nextParticipants(
  trx: Executor,
  visibility: Visibility,
  existing: readonly ParticipantRow[],
  wanted: readonly ParticipantCommand[],
  path: Path = ['participants'],
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
        path,
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

/** Where one kind of record keeps its participants, for `setParticipants`. */
export interface ParticipantOwner<Row extends { version: number }> {
  entityType: string;
  action: string;
  lock: (trx: Executor, visibility: Visibility, id: number) => Promise<Row | undefined>;
  find: (trx: Executor, id: number) => Promise<ParticipantRow[]>;
  /** Bumps the record's version (a ConflictError when it moved on). */
  bump: (trx: Executor, id: number, expectedVersion: number) => Promise<Row>;
  replace: (trx: Executor, id: number, participants: readonly ParticipantValue[]) => Promise<void>;
}

/** Replaces a claim's or relationship's participants at the version the caller read, audited. */
export async function setParticipants<Row extends { version: number }>(
  { trx, audit, visibility }: Write,
  { id, expectedVersion, participants }: AtVersion & { participants: ParticipantCommand[] },
  owner: ParticipantOwner<Row>,
): Promise<number> {
  const before = await owner.lock(trx, visibility, id.id);
  assertVersion(owner.entityType, id.globalId, before, expectedVersion);
  const existing = await owner.find(trx, id.id);
  const next = await nextParticipants(trx, visibility, existing, participants);
  const after = await owner.bump(trx, id.id, expectedVersion);
  await owner.replace(trx, id.id, next);
  await audit({
    action: owner.action,
    entityType: owner.entityType,
    entityId: id.id,
    before: { ...before, participants: participantsSnapshot(existing) },
    after: {
      ...after,
      participants: participantsSnapshot(
        next.map((p) => ({ actor_id: p.actorId, role: p.role, note: p.note })),
      ),
    },
  });
  return id.id;
}
