import { encodeGlobalId } from './global-id.js';
import type { Executor } from '../db/executor.js';
import type { Marking } from '../db/types.js';
import type { Issues } from '../mutations/validate.js';
import type { Write } from '../mutations/write.js';

// A claim quotes the briefing's body at a span counted in Unicode code points, as PostgreSQL's
// length() and substr() count. These rules anchor a quote when a claim is written and move the
// anchors when the body is rewritten; claims and briefings both apply them.

export interface Span {
  start: number;
  end: number;
}

export interface Anchor {
  quote: string | null;
  span_start: number | null;
  span_end: number | null;
}

/** Length in Unicode code points, as PostgreSQL's length() and claim spans count. */
export function codePointLength(text: string): number {
  return [...text].length;
}

/**
 * Where `quote` occurs in `body`: how many times (overlapping ones included) and, when exactly
 * once, its span in code points.
 */
export function locateQuote(body: string, quote: string): { count: number; span: Span | null } {
  if (quote === '') return { count: 0, span: null };
  const found: number[] = [];
  for (let at = body.indexOf(quote); at !== -1; at = body.indexOf(quote, at + 1)) found.push(at);
  const [only] = found;
  if (only === undefined || found.length > 1) return { count: found.length, span: null };
  const start = codePointLength(body.slice(0, only));
  return { count: 1, span: { start, end: start + codePointLength(quote) } };
}

/**
 * The quote and its span in the body: a given span must hold exactly the quote; otherwise the
 * quote must occur exactly once. Without a body (the briefing was not found) nothing is
 * anchored. Problems are reported at `input.quote` and `input.span`.
 */
export function anchorQuote(
  issues: Issues,
  body: string | null,
  quote: string | null,
  span: Span | null | undefined,
): Anchor {
  const unanchored = { quote, span_start: null, span_end: null };
  if (quote === null) {
    if (span) issues.add(['input', 'span'], 'expected a quote to go with the span');
    return unanchored;
  }
  if (body === null || quote === '') return unanchored;
  if (span) {
    const problems = issues.list.length;
    const length = codePointLength(body);
    if (span.start < 0)
      issues.add(['input', 'span', 'start'], `expected start >= 0, got ${span.start}`);
    if (span.end <= span.start)
      issues.add(
        ['input', 'span', 'end'],
        `expected end > start, got ${span.end} <= ${span.start}`,
      );
    else if (span.end > length)
      issues.add(
        ['input', 'span', 'end'],
        `expected end <= ${length} (the body’s length in code points), got ${span.end}`,
      );
    if (issues.list.length === problems) {
      const found = [...body].slice(span.start, span.end).join('');
      if (found !== quote)
        issues.add(
          ['input', 'span'],
          `expected body[${span.start}, ${span.end}) to equal the quote, found ${JSON.stringify(found.slice(0, 80))}`,
        );
    }
    return { quote, span_start: span.start, span_end: span.end };
  }
  const located = locateQuote(body, quote);
  if (located.count === 0)
    issues.add(['input', 'quote'], 'expected the quote in the briefing body, found it nowhere');
  if (located.count > 1)
    issues.add(
      ['input', 'quote'],
      `expected the quote once in the briefing body, found it ${located.count} times: give a span to choose one`,
    );
  return located.span
    ? { quote, span_start: located.span.start, span_end: located.span.end }
    : unanchored;
}

/** What a body rewrite needs to know of a quoting claim. */
export interface QuotingClaim extends Anchor {
  id: number;
  marking: Marking;
}

export interface SpanMove<Claim extends QuotingClaim> {
  claim: Claim;
  span: Span;
}

/**
 * What a briefing's body rewrite needs of the claims that quote it. The claims' domain provides
 * it and the schema (src/schema.ts) hands it to the briefings' mutations, so that the one write
 * crossing the two domains does not tie their folders together.
 */
export interface QuotedClaims<Claim extends QuotingClaim> {
  /** The briefing's claims that hold a span, locked for the rest of the write. */
  lockOfBriefing(db: Executor, briefingId: number): Promise<Claim[]>;
  /** Writes each moved span, with its audit entry, in the write's transaction. */
  reanchor(write: Write, moves: readonly SpanMove<Claim>[]): Promise<void>;
}

/**
 * A new body must keep every claim's quote: spans before the edited stretch stay, spans after it
 * shift by the change in length, and a quote inside it must still occur exactly once. Problems
 * go to `issues` at `input.body`, naming only claims whose marking is in `visibleMarkings`.
 */
export function planSpanMoves<Claim extends QuotingClaim>(
  claims: readonly Claim[],
  oldBody: string,
  newBody: string,
  visibleMarkings: readonly Marking[],
  issues: Issues,
): SpanMove<Claim>[] {
  if (claims.length === 0 || oldBody === newBody) return [];
  const before = [...oldBody];
  const after = [...newBody];
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  const editedUpTo = before.length - suffix;
  const shift = after.length - before.length;
  const moves: SpanMove<Claim>[] = [];
  for (const claim of claims) {
    const { quote, span_start: start, span_end: end } = claim;
    if (quote === null || start === null || end === null || end <= prefix) continue;
    if (start >= editedUpTo) {
      moves.push({ claim, span: { start: start + shift, end: end + shift } });
      continue;
    }
    const located = locateQuote(newBody, quote);
    if (located.span) {
      if (located.span.start !== start) moves.push({ claim, span: located.span });
    } else if (visibleMarkings.includes(claim.marking)) {
      issues.add(
        ['input', 'body'],
        `expected the body to keep the quote of claim ${encodeGlobalId('Claim', claim.id)} (${JSON.stringify(quote.slice(0, 80))}) exactly once, found it ${located.count === 0 ? 'nowhere' : `${located.count} times`}`,
      );
    } else {
      issues.add(
        ['input', 'body'],
        'expected the body to keep, exactly once, the text quoted by a claim you may not see',
      );
    }
  }
  return moves;
}
