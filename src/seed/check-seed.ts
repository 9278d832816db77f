import type { SeedData, SeedKey, SeedParticipant } from './seed-types.js';

// The seed's own consistency, checked before the database is touched: every key unique and
// known, every quote found once in the body. A broken seed is a bug that fails every start.

/** A claim's quote in the briefing body, in code points. */
export interface Span {
  start: number;
  end: number;
}

/** Validates keys and quotes; returns each claim's span in the body, in code points. */
export function checkSeed(data: SeedData): Map<SeedKey, Span> {
  const actorKeys = uniqueKeys('actor', data.actors);
  const sourceKeys = new Set<SeedKey>();
  for (const source of data.sources) {
    if (sourceKeys.has(source.key)) throw new Error(`seed: duplicate source key "${source.key}"`);
    if (source.derivedFrom !== null && !sourceKeys.has(source.derivedFrom)) {
      throw new Error(
        data.sources.some((s) => s.key === source.derivedFrom)
          ? `seed: source "${source.key}" is derived from "${source.derivedFrom}", which must be listed before it`
          : `seed: source "${source.key}" is derived from unknown source "${source.derivedFrom}"`,
      );
    }
    sourceKeys.add(source.key);
  }
  if (!sourceKeys.has(data.briefing.source)) {
    throw new Error(`seed: briefing references unknown source "${data.briefing.source}"`);
  }
  for (const source of data.sources) {
    for (const { actor } of source.actors ?? []) {
      if (!actorKeys.has(actor))
        throw new Error(`seed: source "${source.key}" names unknown actor "${actor}"`);
    }
  }
  const claimKeys = uniqueKeys('claim', data.claims);
  uniqueKeys('relationship', data.relationships);

  /** Each participant's actor exists, and takes part once per role. */
  const checkParticipants = (what: string, participants: readonly SeedParticipant[]) => {
    const seen = new Set<string>();
    for (const { actor, role } of participants) {
      if (!actorKeys.has(actor))
        throw new Error(`seed: ${what} names unknown participant "${actor}"`);
      if (seen.has(`${actor} ${role}`))
        throw new Error(`seed: ${what} names "${actor}" as ${role} twice`);
      seen.add(`${actor} ${role}`);
    }
  };

  const body = [...data.briefing.body];
  const spans = new Map<SeedKey, Span>();
  for (const claim of data.claims) {
    const what = `claim "${claim.key}"`;
    for (const actor of [claim.subject, ...claim.objects]) {
      if (actor !== null && !actorKeys.has(actor)) {
        throw new Error(`seed: ${what} references unknown actor "${actor}"`);
      }
    }
    if (new Set(claim.objects).size !== claim.objects.length) {
      throw new Error(`seed: ${what} lists an object actor twice`);
    }
    checkParticipants(what, claim.participants ?? []);
    const cited = new Set<string>();
    for (const citation of claim.citations) {
      if (!sourceKeys.has(citation.source)) {
        throw new Error(`seed: ${what} cites unknown source "${citation.source}"`);
      }
      const pair = `${citation.source} ${citation.role}`;
      if (cited.has(pair))
        throw new Error(`seed: ${what} cites "${citation.source}" as ${citation.role} twice`);
      cited.add(pair);
    }
    spans.set(claim.key, locate(body, claim.quote, what));
  }

  for (const relationship of data.relationships) {
    const what = `relationship "${relationship.key}"`;
    for (const actor of [relationship.from, relationship.to]) {
      if (!actorKeys.has(actor))
        throw new Error(`seed: ${what} references unknown actor "${actor}"`);
    }
    for (const claim of relationship.evidence) {
      if (!claimKeys.has(claim))
        throw new Error(`seed: ${what} cites unknown claim "${claim}" as evidence`);
    }
    if (new Set(relationship.evidence).size !== relationship.evidence.length) {
      throw new Error(`seed: ${what} lists an evidence claim twice`);
    }
    checkParticipants(what, relationship.participants ?? []);
  }
  return spans;
}

function uniqueKeys(kind: string, records: readonly { key: SeedKey }[]): Set<SeedKey> {
  const keys = new Set<SeedKey>();
  for (const { key } of records) {
    if (keys.has(key)) throw new Error(`seed: duplicate ${kind} key "${key}"`);
    keys.add(key);
  }
  return keys;
}

/**
 * The quote's one occurrence in the body, as code-point offsets: PostgreSQL's substr() counts
 * characters, not the UTF-16 units JavaScript indexes strings by.
 */
function locate(body: readonly string[], quote: string, what: string): Span {
  const needle = [...quote];
  if (needle.length === 0) throw new Error(`seed: ${what} has an empty quote`);
  const starts: number[] = [];
  for (let i = 0; i + needle.length <= body.length; i++) {
    if (needle.every((char, j) => body[i + j] === char)) starts.push(i);
  }
  const [start] = starts;
  if (start === undefined) throw new Error(`seed: ${what} quote not found in the body: "${quote}"`);
  if (starts.length > 1) {
    throw new Error(
      `seed: ${what} quote occurs ${starts.length} times in the body; make it unique: "${quote}"`,
    );
  }
  return { start, end: start + needle.length };
}
