import { builder } from '../builder.js';
import { CitationRoleEnum } from '../common/enums.js';
import { Issues, parsed, type Parsed, type Path, type Reference } from '../mutations/validate.js';
import type { NewCitation } from './citation.repository.js';

// A claim's citations as written: on addClaim's input and through citeSource / removeCitation.

/** More would let one request write unbounded rows. */
const MAX_CITATIONS = 50;

export const CitationInput = builder.inputType('CitationInput', {
  description: 'A source behind a claim: what it does for the claim and how credible it is there.',
  fields: (t) => ({
    sourceId: t.id({ required: true, description: 'The cited source’s global id.' }),
    role: t.field({
      type: CitationRoleEnum,
      required: true,
      description:
        'How the source stands to the claim: ORIGIN, RELAY, CORROBORATES or CONTRADICTS.',
    }),
    locator: t.string({
      description: 'Where in the source (page, paragraph, timestamp); at most 500 characters.',
    }),
    quote: t.string({ description: 'The source’s own words; at most 5,000 characters.' }),
    credibility: t.int({
      description: 'Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).',
    }),
  }),
});

type CitationShape = typeof CitationInput.$inferInput;

/** A citation to store, with the source as the caller named it. */
export type CheckedCitation = NewCitation & { source: Reference };

/** A citation added to `claim`, named by `claimId`, at the claim version the caller read. */
export interface CiteSourceCommand {
  claim: Reference;
  expectedVersion: number;
  citation: CheckedCitation;
}

export interface RemoveCitationCommand {
  claim: Reference;
  expectedVersion: number;
  citation: Reference;
}

/** The citation, checked whole; undefined when its source id does not decode (problem listed). */
function checkCitation(
  issues: Issues,
  path: Path,
  citation: CitationShape,
): CheckedCitation | undefined {
  const source = issues.reference([...path, 'sourceId'], citation.sourceId, 'Source');
  const locator = issues.text([...path, 'locator'], citation.locator, { max: 500 });
  const quote = issues.text([...path, 'quote'], citation.quote, { max: 5000 });
  const credibility = issues.intRange([...path, 'credibility'], citation.credibility, 1, 6);
  return (
    source && { source, source_id: source.id, role: citation.role, locator, quote, credibility }
  );
}

/** A claim's citations, each source once per role. */
export function checkCitations(
  issues: Issues,
  citations: readonly CitationShape[],
): CheckedCitation[] {
  const path = ['input', 'citations'];
  if (citations.length > MAX_CITATIONS)
    issues.add(path, `expected at most ${MAX_CITATIONS} citations, got ${citations.length}`);
  const seen = new Map<string, number>();
  return citations.flatMap((citation, i) => {
    const checked = checkCitation(issues, [...path, i], citation);
    if (!checked) return [];
    const key = `${checked.source_id} ${checked.role}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      issues.add(
        [...path, i],
        `expected each source once per role, got the source of citations.${earlier} as ${checked.role} again`,
      );
    seen.set(key, i);
    return [checked];
  });
}

export function parseCiteSource(args: {
  claimId: string;
  expectedVersion: number;
  input: CitationShape;
}): Parsed<CiteSourceCommand> {
  const issues = new Issues();
  const claim = issues.reference(['claimId'], args.claimId, 'Claim');
  const citation = checkCitation(issues, ['input'], args.input);
  const command = claim && citation && { claim, expectedVersion: args.expectedVersion, citation };
  return parsed(issues, command, {});
}

export function parseRemoveCitation(args: {
  claimId: string;
  expectedVersion: number;
  citationId: string;
}): Parsed<RemoveCitationCommand> {
  const issues = new Issues();
  const claim = issues.reference(['claimId'], args.claimId, 'Claim');
  const citation = issues.reference(['citationId'], args.citationId, 'Citation');
  const command = claim && citation && { claim, expectedVersion: args.expectedVersion, citation };
  return parsed(issues, command, {});
}
