import { builder } from '../builder.js';
import type {
  ActorKind,
  BriefingStatus,
  CitationRole,
  ClaimDateRole,
  ClaimKind,
  ClaimStatus,
  Likelihood,
  Marking,
  MediaKind,
  Precision,
  QuantityKind,
  QuantityQualifier,
  QuantityRole,
  Reliability,
  SourceKind,
  TagKind,
  TimeBound,
} from '../db/types.js';

export type Described<T extends string> = Record<T, { description: string }>;

/** An enum type whose values are their own names, each described. */
export function enumOf<T extends string>(name: string, description: string, values: Described<T>) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(
      Object.entries<{ description: string }>(values).map(([value, v]) => [
        value,
        { value, description: v.description },
      ]),
    ) as { [K in T]: { value: K; description: string } },
  });
}

export const MarkingEnum = enumOf<Marking>(
  'Marking',
  'Traffic Light Protocol 2.0 marking: who may see the record (https://www.first.org/tlp/).',
  {
    CLEAR: { description: 'TLP:CLEAR — may be shared publicly.' },
    GREEN: { description: 'TLP:GREEN — the community, not public.' },
    AMBER: {
      description: 'TLP:AMBER — recipients’ organisations and their clients, need to know.',
    },
    AMBER_STRICT: { description: 'TLP:AMBER+STRICT — recipients’ organisations only.' },
    RED: { description: 'TLP:RED — named recipients only.' },
  },
);

export const BriefingStatusEnum = enumOf<BriefingStatus>(
  'BriefingStatus',
  'Editorial workflow state of a briefing.',
  {
    DRAFT: { description: 'Being written; not public.' },
    IN_REVIEW: { description: 'Submitted for editorial review; not public.' },
    PUBLISHED: { description: 'Public, subject to its marking.' },
    RETRACTED: { description: 'Withdrawn after publication; kept for the record with a reason.' },
  },
);

export const SourceKindEnum = enumOf<SourceKind>(
  'SourceKind',
  'What kind of document or record a source is.',
  {
    INTELLIGENCE_BRIEFING: {
      description: 'An intelligence service’s briefing or assessment, usually seen second-hand.',
    },
    NEWS_REPORT: { description: 'A news outlet’s report.' },
    OFFICIAL_DOCUMENT: { description: 'A letter, contract, decree or other official paper.' },
    STATEMENT: { description: 'A public statement by a person or body.' },
    DATASET: { description: 'A structured dataset (e.g. SIPRI arms transfers).' },
    IMAGE: { description: 'A photograph or other image.' },
    ANALYSIS: { description: 'An analytic article or report, such as a briefing itself.' },
    SOCIAL_MEDIA_POST: { description: 'A post on a social network.' },
    OTHER: { description: 'Anything else; say what in the description.' },
  },
);

export const ReliabilityEnum = enumOf<Reliability>(
  'Reliability',
  'Admiralty code source reliability (NATO AJP-2.1), judged on the source’s track record.',
  {
    A: { description: 'Completely reliable.' },
    B: { description: 'Usually reliable.' },
    C: { description: 'Fairly reliable.' },
    D: { description: 'Not usually reliable.' },
    E: { description: 'Unreliable.' },
    F: { description: 'Reliability cannot be judged.' },
  },
);

export const ActorKindEnum = enumOf<ActorKind>('ActorKind', 'What kind of entity an actor is.', {
  STATE: { description: 'A sovereign state.' },
  PERSON: { description: 'A person.' },
  ORGANIZATION: { description: 'A company, outlet, party or other organisation.' },
  GOVERNMENT_BODY: { description: 'A ministry, agency or other part of a government.' },
  MILITARY_UNIT: { description: 'An armed service or unit.' },
  EQUIPMENT: { description: 'A weapon system, platform or equipment type.' },
  PROGRAM: { description: 'A programme or project.' },
  PLACE: {
    description: 'A place: a city, region, base or facility (`placeType`, `coordinates`).',
  },
});

export const ClaimKindEnum = enumOf<ClaimKind>(
  'ClaimKind',
  'Whether a claim reports a fact or states a judgement.',
  {
    FACT: { description: 'A factual statement attributed to sources.' },
    ASSESSMENT: { description: 'An analytic judgement, with a likelihood band.' },
  },
);

export const ClaimStatusEnum = enumOf<ClaimStatus>(
  'ClaimStatus',
  'Where a claim stands against the evidence.',
  {
    REPORTED: { description: 'Reported by its sources, not yet independently confirmed.' },
    CORROBORATED: { description: 'Confirmed by independent originators.' },
    DISPUTED: { description: 'Contradicted by at least one credible source.' },
    REFUTED: { description: 'Shown to be false.' },
    SUPERSEDED: { description: 'Replaced by a newer claim.' },
  },
);

export const QuantityQualifierEnum = enumOf<QuantityQualifier>(
  'QuantityQualifier',
  'How exact a quantity is.',
  {
    EXACT: { description: 'Exactly `value`.' },
    APPROXIMATE: { description: 'About `value` (“around 21”).' },
    AT_LEAST: { description: '`value` (or `min`) or more.' },
    AT_MOST: { description: '`value` (or `max`) or fewer.' },
    RANGE: { description: 'Between `min` and `max`.' },
    VAGUE: {
      description:
        'A qualitative amount (“several squadrons”, “dozens of drones”): `wording` keeps it, `min`/`max` may bound it, and there is never a `value`.',
    },
  },
);

export const QuantityRoleEnum = enumOf<QuantityRole>(
  'QuantityRole',
  'What a quantity measures in its claim (SIPRI’s number ordered / delivered, a contract’s value…).',
  {
    STATED: { description: 'The claim’s number, with no more specific role.' },
    ORDERED: { description: 'How many were ordered or contracted.' },
    DELIVERED: { description: 'How many were delivered.' },
    OPERATIONAL: { description: 'How many are in service.' },
    REQUESTED: { description: 'How many were asked for.' },
    VALUE: { description: 'What the deal is worth (money).' },
    CREDIT: { description: 'A loan or credit financing it (money).' },
    OTHER: { description: 'Another role, named by `label`.' },
  },
);

export const QuantityKindEnum = enumOf<QuantityKind>(
  'QuantityKind',
  'The type of a quantity’s unit.',
  {
    COUNT: { description: 'Things counted; `unit` names them (`aircraft`), or is absent.' },
    MONEY: { description: 'An amount of money in `currency` (ISO 4217); no `unit`.' },
    MEASURE: { description: 'A physical measure in `unit` (`km`, `t`).' },
  },
);

export const TimeBoundEnum = enumOf<TimeBound>(
  'TimeBound',
  'What a date bound is: a date (exact to its precision, or a limit), or why there is none.',
  {
    KNOWN: { description: 'The date, to its precision.' },
    NOT_BEFORE: { description: 'On or after the date (“from 2008 at the earliest”).' },
    NOT_AFTER: {
      description: 'On or before the date (“no later than”, “by the time of the report”).',
    },
    UNKNOWN: { description: 'No date: not known to us.' },
    UNDISCLOSED: { description: 'No date: the source says it is withheld.' },
    OPEN: { description: 'No bound: no start, or still in force.' },
  },
);

export const ClaimDateRoleEnum = enumOf<ClaimDateRole>(
  'ClaimDateRole',
  'What a dated qualifier of a claim marks (Wikidata’s point in time, start and end, and more).',
  {
    POINT_IN_TIME: { description: 'When it happened or held.' },
    START: { description: 'When it began.' },
    END: { description: 'When it ended.' },
    ORDERED: { description: 'When it was ordered.' },
    CONTRACTED: { description: 'When the contract was signed.' },
    DELIVERED: { description: 'When it was delivered.' },
    DELIVERY_START: { description: 'When deliveries began.' },
    DELIVERY_END: { description: 'When deliveries were completed.' },
    REPORTED: { description: 'When it was (first) reported.' },
    AS_OF: { description: 'The date the claim describes (“now”, at the time of the report).' },
    OTHER: { description: 'Another role, named by `label`.' },
  },
);

export const LikelihoodEnum = enumOf<Likelihood>(
  'Likelihood',
  'ICD 203 likelihood band, with its probability range.',
  {
    ALMOST_NO_CHANCE: { description: 'Almost no chance / remote: 1–5 %.' },
    VERY_UNLIKELY: { description: 'Very unlikely / highly improbable: 5–20 %.' },
    UNLIKELY: { description: 'Unlikely / improbable: 20–45 %.' },
    ROUGHLY_EVEN_CHANCE: { description: 'Roughly even chance / roughly even odds: 45–55 %.' },
    LIKELY: { description: 'Likely / probable: 55–80 %.' },
    VERY_LIKELY: { description: 'Very likely / highly probable: 80–95 %.' },
    ALMOST_CERTAIN: { description: 'Almost certain / nearly certain: 95–99 %.' },
  },
);

export const CitationRoleEnum = enumOf<CitationRole>(
  'CitationRole',
  'What a cited source does for a claim.',
  {
    ORIGIN: { description: 'The source the claim originates from.' },
    RELAY: { description: 'A source that passes the claim on from another.' },
    CORROBORATES: { description: 'An independent source that supports the claim.' },
    CONTRADICTS: { description: 'A source that disagrees with the claim.' },
  },
);

export const DatePrecisionEnum = enumOf<Precision>(
  'DatePrecision',
  'How precisely a date is known; the date is the first day of that period.',
  {
    DAY: { description: 'The exact day.' },
    MONTH: { description: 'The month (date is its first day).' },
    QUARTER: { description: 'The quarter (date is its first day; “end of 2006” is 2006-Q4).' },
    YEAR: { description: 'The year (date is 1 January).' },
    DECADE: { description: 'The decade (date is 1 January of a year ending in 0).' },
  },
);

export const MediaKindEnum = enumOf<MediaKind>(
  'MediaKind',
  'What kind of media item illustrates a briefing.',
  {
    IMAGE: { description: 'A photograph or illustration.' },
    VIDEO: { description: 'A video.' },
    MAP: { description: 'A map.' },
    DOCUMENT: { description: 'A scanned document.' },
  },
);

export const TagKindEnum = enumOf<TagKind>('TagKind', 'What a tag classifies.', {
  TOPIC: { description: 'A subject, e.g. `arms-transfers`.' },
  REGION: { description: 'A place or region, e.g. `latin-america`.' },
});
