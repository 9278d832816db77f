import type {
  ActorKind,
  BriefingStatus,
  CitationRole,
  ClaimKind,
  ClaimStatus,
  Likelihood,
  Marking,
  ParticipantRole,
  MediaKind,
  ClaimDateRole,
  Precision,
  QuantityKind,
  QuantityQualifier,
  QuantityRole,
  Reliability,
  SourceActorRole,
  SourceKind,
  TagKind,
  TimeBound,
} from '../db/types.js';

// The seed format: the records of one briefing written by hand, cross-referenced by local string
// keys (`subject: 'venezuela'`) instead of database ids. load-seed.ts resolves the keys, computes
// the quote spans and inserts everything.

/** A key naming one record of its own kind (actor, source, claim, relationship) within the seed. */
export type SeedKey = string;

/** 'YYYY-MM-DD'. */
export type IsoDate = `${number}-${number}-${number}`;

/** An ISO 8601 instant with its offset, e.g. '2025-11-01T00:00:00Z'. */
export type IsoTimestamp = string;

/** A date stored at the START of its period: July 2006 is { date: '2006-07-01', precision: 'MONTH' }. */
export interface SeedDate {
  date: IsoDate;
  precision: Precision;
}

/**
 * Valid time: each bound has its own precision, and says what it is (KNOWN by default with a
 * date, UNKNOWN without; NOT_AFTER for "by the time of the report", OPEN for "still in force").
 */
export interface SeedValidTime {
  from?: SeedDate;
  fromBound?: TimeBound;
  to?: SeedDate;
  toBound?: TimeBound;
  /** The source's own wording ("early 2000s", "by 2008"), which the precision alone would lose. */
  note?: string;
}

/** Admiralty information credibility: 1 confirmed … 5 improbable, 6 cannot be judged. */
export type Credibility = 1 | 2 | 3 | 4 | 5 | 6;

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

export interface SeedAlias {
  alias: string;
  /** BCP 47 language of the alias, when it is not English. */
  language?: string;
}

export interface SeedActor {
  key: SeedKey;
  kind: ActorKind;
  name: string;
  aliases?: readonly SeedAlias[];
  /** ISO 3166-1 alpha-2; for equipment, the country of origin. */
  country: string | null;
  /** Only where certain; null otherwise. */
  wikidataQid: string | null;
  description: string;
  marking?: Marking;
}

export interface SeedSource {
  key: SeedKey;
  kind: SourceKind;
  title: string;
  publisher: string | null;
  url: string | null;
  /** An exact instant, or with `publishedPrecision` the first day of a period at UTC midnight. */
  publishedAt: IsoTimestamp | null;
  /** When only a day, month… is known: how precisely (no invented time of day). */
  publishedPrecision?: Precision;
  accessedAt?: IsoTimestamp | null;
  /** Admiralty source reliability, A (reliable) … F (cannot be judged). */
  reliability: Reliability | null;
  /** The source this one relays; must be listed before it. */
  derivedFrom: SeedKey | null;
  description: string;
  marking?: Marking;
  /** Actors the source names as its speaker, author, publisher or subject, in order. */
  actors?: readonly { actor: SeedKey; role: SourceActorRole }[];
}

export interface SeedAuthor {
  name: string;
  bio: string;
}

export interface SeedTag {
  tag: string;
  kind: TagKind;
}

export interface SeedMedia {
  kind: MediaKind;
  url: string | null;
  caption: string;
  credit: string;
  licence: { name: string; url: string | null };
  takenOn: SeedDate | null;
}

export interface SeedBriefingRecord {
  slug: string;
  title: string;
  summary: string;
  /** Markdown without the title heading; every claim quote must occur in it exactly once. */
  body: string;
  status: BriefingStatus;
  language: string;
  marking: Marking;
  publishedAt: IsoTimestamp | null;
  /** The briefing's own Source record. */
  source: SeedKey;
  /** In byline order. */
  authors: readonly SeedAuthor[];
  tags: readonly SeedTag[];
  /** In order of appearance. */
  media: readonly SeedMedia[];
}

/**
 * One of a claim's quantities, as the API's QuantityInput takes it (role STATED and kind COUNT
 * by default, MONEY with a currency); the claim_quantity checks apply.
 */
export interface SeedQuantity {
  role?: QuantityRole;
  label?: string;
  kind?: QuantityKind;
  qualifier: QuantityQualifier;
  value?: number;
  min?: number;
  max?: number;
  unit?: string;
  currency?: string;
  /** The source's own words for it. */
  wording?: string;
}

/** A dated qualifier of a claim, as the API's ClaimDateInput takes it (KNOWN with a date). */
export interface SeedClaimDate {
  role: ClaimDateRole;
  label?: string;
  date?: SeedDate;
  bound?: TimeBound;
  note?: string;
}

/** A party beyond a claim's subject and objects, or a relationship's two ends. */
export interface SeedParticipant {
  /** Actor key. */
  actor: SeedKey;
  role: ParticipantRole;
  /** The article's own words, when the role says too little. */
  note?: string;
}

export interface SeedCitation {
  source: SeedKey;
  role: CitationRole;
  credibility: Credibility | null;
  locator?: string;
  quote?: string;
}

export interface SeedClaim {
  key: SeedKey;
  kind: ClaimKind;
  /** One normalised sentence. */
  statement: string;
  /** Verbatim from the briefing body, occurring there exactly once; the loader derives the span. */
  quote: string;
  /** Actor key. */
  subject: SeedKey | null;
  predicate: string;
  /** Actor keys, in order (the counterpart first, then any equipment concerned). */
  objects: readonly SeedKey[];
  quantities?: readonly SeedQuantity[];
  validTime?: SeedValidTime;
  /** Dated qualifiers beside the valid time: ordered, delivered, reported… */
  dates?: readonly SeedClaimDate[];
  likelihood: Likelihood | null;
  /** The upper band when the judgement is a range of bands. */
  likelihoodTo?: Likelihood;
  /** STIX confidence 0–100. */
  confidence: number | null;
  status: ClaimStatus;
  /** In order: the originator first, then the relays. */
  citations: readonly SeedCitation[];
  /** Parties the article names beyond subject and objects (the beneficiary, the operator…). */
  participants?: readonly SeedParticipant[];
  marking?: Marking;
}

export interface SeedRelationship {
  key: SeedKey;
  /** Actor key. */
  from: SeedKey;
  /** Actor key. */
  to: SeedKey;
  type: string;
  validTime?: SeedValidTime;
  /** STIX confidence 0–100. */
  confidence: number | null;
  attributes?: JsonObject;
  description: string;
  /** Claim keys. */
  evidence: readonly SeedKey[];
  /** Parties beyond the two ends (the equipment supplied…). */
  participants?: readonly SeedParticipant[];
  marking?: Marking;
}

export interface SeedData {
  briefing: SeedBriefingRecord;
  /** Listed so that every source comes after the one it is derived from. */
  sources: readonly SeedSource[];
  actors: readonly SeedActor[];
  /** In article order; a claim's position is its index here. */
  claims: readonly SeedClaim[];
  relationships: readonly SeedRelationship[];
}
