import { encodeGlobalId } from '../common/global-id.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { assertMarkingAllowed } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import type { CreateSourceCommand, UpdateSourceCommand } from './source.inputs.js';
import {
  actorLinksSnapshot,
  findAllActorLinksOfSource,
  setSourceActorLinks,
} from './source-actor.service.js';
import { lockVisibleSource } from '../visibility/visible-sources.js';
import { findDerivationChains, insertSource, updateSourceAtVersion } from './source.repository.js';

/**
 * A source relays at most LIST_CAPS.derivationChain sources up its chain, so that
 * `derivationChain` shows all of it. `chain` is the new `derivedFrom`'s own chain.
 */
function assertChainWithinCap(chain: readonly unknown[]): void {
  const length = chain.length + 1;
  if (length > LIST_CAPS.derivationChain) {
    throw new ValidationError([
      {
        path: ['input', 'derivedFromId'],
        message: `expected a relay chain of at most ${LIST_CAPS.derivationChain} sources, got one of ${length} or more`,
      },
    ]);
  }
}

export async function createSource(
  { trx, audit, viewer, visibility }: Write,
  { derivedFrom, actors, ...source }: CreateSourceCommand,
): Promise<number> {
  assertMarkingAllowed(viewer, source.marking);
  if (derivedFrom) {
    if (!(await lockVisibleSource(trx, visibility, derivedFrom.id)))
      throw new NotFoundError('Source', derivedFrom.globalId, derivedFrom.path);
    assertChainWithinCap(await findDerivationChains(trx, [derivedFrom.id]));
  }
  const row = await insertSource(trx, {
    kind: source.kind,
    title: source.title,
    publisher: source.publisher,
    url: source.url,
    published_at: source.published.at,
    published_at_precision: source.published.precision,
    accessed_at: source.accessedAt,
    reliability: source.reliability,
    derived_from_id: derivedFrom?.id ?? null,
    description: source.description,
    marking: source.marking,
  });
  const links = actors.length ? await setSourceActorLinks(trx, visibility, row.id, actors) : [];
  await audit({
    action: 'source.create',
    entityType: 'Source',
    entityId: row.id,
    before: null,
    after: links.length ? { ...row, actor_links: actorLinksSnapshot(links) } : row,
  });
  return row.id;
}

export async function updateSource(
  { trx, audit, viewer, visibility }: Write,
  { id, expectedVersion, derivedFrom, actors, ...change }: UpdateSourceCommand,
): Promise<number> {
  if (change.marking) assertMarkingAllowed(viewer, change.marking);
  const before = await lockVisibleSource(trx, visibility, id.id);
  assertVersion('Source', id.globalId, before, expectedVersion);
  if (derivedFrom) {
    if (derivedFrom.id === id.id)
      throw new ValidationError([
        { path: derivedFrom.path, message: 'expected another source, got the source itself' },
      ]);
    if (!(await lockVisibleSource(trx, visibility, derivedFrom.id)))
      throw new NotFoundError('Source', derivedFrom.globalId, derivedFrom.path);
    const chain = await findDerivationChains(trx, [derivedFrom.id]);
    if (chain.some((link) => link.source_id === id.id)) {
      throw new ValidationError([
        {
          path: derivedFrom.path,
          message: `expected no cycle, but ${encodeGlobalId('Source', derivedFrom.id)} already derives from this source`,
        },
      ]);
    }
    assertChainWithinCap(chain);
  }
  const after = await updateSourceAtVersion(trx, id.id, expectedVersion, {
    kind: change.kind,
    title: change.title,
    publisher: change.publisher,
    url: change.url,
    published_at: change.published?.at,
    published_at_precision: change.published?.precision,
    accessed_at: change.accessedAt,
    reliability: change.reliability,
    derived_from_id: derivedFrom === undefined ? undefined : (derivedFrom?.id ?? null),
    description: change.description,
    marking: change.marking,
  });
  // Links are part of the record's snapshot only when this write changes them.
  const linksBefore = actors === undefined ? null : await findAllActorLinksOfSource(trx, id.id);
  const linksAfter =
    actors === undefined ? null : await setSourceActorLinks(trx, visibility, id.id, actors);
  await audit({
    action: 'source.update',
    entityType: 'Source',
    entityId: id.id,
    before: linksBefore ? { ...before, actor_links: actorLinksSnapshot(linksBefore) } : before,
    after: linksAfter ? { ...after, actor_links: actorLinksSnapshot(linksAfter) } : after,
  });
  return id.id;
}
