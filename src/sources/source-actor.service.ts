import { LIST_CAPS } from '../common/list-caps.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import type { SourceActorLinkCommand } from './source-actor.inputs.js';
import {
  findAllActorLinksOfSource,
  lockLinkableActors,
  replaceActorLinks,
  type SourceActorLinkRow,
} from './source-actor.repository.js';

/**
 * Sets a source's actor links, inside the source write's transaction, and returns them all for
 * the audit snapshot. `links` replaces the links the caller may see; links to actors above the
 * caller's clearance (or still under embargo for them) are kept after them, since an editor
 * cannot be asked to resend what they cannot see. Merged actors are linked as their survivor.
 */
export async function setSourceActorLinks(
  trx: Executor,
  visibility: Visibility,
  sourceId: number,
  links: readonly SourceActorLinkCommand[],
): Promise<SourceActorLinkRow[]> {
  const existing = await findAllActorLinksOfSource(trx, sourceId);
  const locked = await lockLinkableActors(trx, visibility, [
    ...links.map((link) => link.actor.id),
    ...existing.map((link) => link.actor_id),
  ]);
  const survivorOf = new Map(locked.map((row) => [row.requested_id, row.actor_id]));
  const wanted: { actorId: number; role: SourceActorLinkCommand['role'] }[] = [];
  for (const link of links) {
    const actorId = survivorOf.get(link.actor.id);
    if (actorId === undefined)
      throw new NotFoundError('Actor', link.actor.globalId, link.actor.path);
    // Two ids merged into one survivor name one actor: linked once.
    if (!wanted.some((w) => w.actorId === actorId && w.role === link.role))
      wanted.push({ actorId, role: link.role });
  }
  const kept = existing
    .filter((link) => !survivorOf.has(link.actor_id))
    .map((link) => ({ actorId: link.actor_id, role: link.role }));
  const all = [...wanted, ...kept];
  if (all.length > LIST_CAPS.sourceActors) {
    throw new ValidationError([
      {
        path: ['input', 'actors'],
        message: `expected at most ${LIST_CAPS.sourceActors} actors on the source, got ${all.length}`,
      },
    ]);
  }
  await replaceActorLinks(trx, sourceId, all);
  return all.map((link, position) => ({
    source_id: sourceId,
    actor_id: link.actorId,
    role: link.role,
    position,
  }));
}

/** The links as the audit snapshot keeps them (`actor_links`, read by audit_link_mentions). */
export function actorLinksSnapshot(links: readonly SourceActorLinkRow[]) {
  return links.map(({ actor_id, role }) => ({ actor_id, role }));
}

export { findAllActorLinksOfSource };
