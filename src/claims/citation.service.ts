import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import type { Write } from '../mutations/write.js';
import { findSourcesByIds } from '../visibility/visible-sources.js';
import type { CiteSourceCommand, RemoveCitationCommand } from './citation.inputs.js';
import { findClaimLinks, updateClaimAtVersion } from './claim.repository.js';
import { appendCitation, deleteCitation } from './citation.repository.js';
import {
  assertSourcesVisible,
  claimSnapshot,
  lockEditableClaim,
  withoutReference,
} from './claim.service.js';

// A citation belongs to its claim: adding or removing one bumps the claim's version.

export async function citeSource(write: Write, command: CiteSourceCommand): Promise<number> {
  const { trx, audit, visibility } = write;
  const { citation } = command;
  const { claim: before } = await lockEditableClaim(write, command.claim, command.expectedVersion);
  await assertSourcesVisible(trx, visibility, [citation.source]);
  const links = await findClaimLinks(trx, before.id);
  if (links.citations.some((c) => c.source_id === citation.source_id && c.role === citation.role))
    throw new ConflictError(
      `claim ${command.claim.globalId} already cites this source as ${citation.role}`,
    );
  await appendCitation(trx, before.id, withoutReference(citation));
  const after = await updateClaimAtVersion(trx, before.id, command.expectedVersion, {});
  await audit({
    action: 'citation.create',
    entityType: 'Claim',
    entityId: after.id,
    before: { ...before, ...links },
    after: await claimSnapshot(trx, after),
  });
  return after.id;
}

export async function removeCitation(
  write: Write,
  command: RemoveCitationCommand,
): Promise<number> {
  const { trx, audit, visibility } = write;
  const { claim: before } = await lockEditableClaim(write, command.claim, command.expectedVersion);
  const links = await findClaimLinks(trx, before.id);
  const citation = links.citations.find((c) => c.id === command.citation.id);
  // A citation of a source the caller may not see is not there for them either.
  const visible =
    citation && (await findSourcesByIds(trx, visibility, [citation.source_id])).length > 0;
  if (!visible)
    throw new NotFoundError('Citation', command.citation.globalId, command.citation.path);
  await deleteCitation(trx, before.id, command.citation.id);
  const after = await updateClaimAtVersion(trx, before.id, command.expectedVersion, {});
  await audit({
    action: 'citation.remove',
    entityType: 'Claim',
    entityId: after.id,
    before: { ...before, ...links },
    after: await claimSnapshot(trx, after),
  });
  return after.id;
}
