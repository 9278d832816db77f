import type { Marking } from '../db/types.js';
import { stixId } from './stix-ids.js';

// The fixed objects every bundle may point at: the official TLP 2.0 markings and our own
// producer identity and extension definitions. Their timestamps are constants, not the time
// of export, so the objects are byte-identical in every bundle.

export type StixObject = Record<string, unknown> & { type: string; id: string };

/** OASIS's TLP 2.0 extension (cti-stix-common-objects, extension-definition-specifications/tlp-2.0). */
const TLP_2_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';

const TLP_2: Record<Marking, { id: string; name: string; level: string }> = {
  CLEAR: { id: '94868c89-83c2-464b-929b-a1a8aa3c8487', name: 'TLP:CLEAR', level: 'clear' },
  GREEN: { id: 'bab4a63c-aed9-4cf5-a766-dfca5abac2bb', name: 'TLP:GREEN', level: 'green' },
  AMBER: { id: '55d920b0-5e8b-4f79-9ee9-91f868d9b421', name: 'TLP:AMBER', level: 'amber' },
  AMBER_STRICT: {
    id: '939a9414-2ddd-4d32-a0cd-375ea402b003',
    name: 'TLP:AMBER+STRICT',
    level: 'amber+strict',
  },
  RED: { id: 'e828b379-4e03-4974-9ac4-e53a884c97c1', name: 'TLP:RED', level: 'red' },
};

export function markingRef(marking: Marking): string {
  return `marking-definition--${TLP_2[marking].id}`;
}

/** The marking-definition object exactly as OASIS publishes it, id and timestamp included. */
export function markingDefinition(marking: Marking): StixObject {
  const tlp = TLP_2[marking];
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: markingRef(marking),
    created: '2022-10-01T00:00:00.000Z',
    name: tlp.name,
    extensions: {
      [TLP_2_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: tlp.level },
    },
  };
}

/** When our definitions below were first written; they change only with a new version. */
const DEFINED = '2026-11-30T00:00:00.000Z';

export const PRODUCER_ID = stixId('identity', 'briefgraph');

/** briefgraph itself, which an extension definition must name as its creator. */
export const PRODUCER: StixObject = {
  type: 'identity',
  spec_version: '2.1',
  id: PRODUCER_ID,
  created: DEFINED,
  modified: DEFINED,
  name: 'briefgraph',
  description: 'A GraphQL API for geopolitical briefings, exporting them as STIX 2.1.',
  identity_class: 'system',
};

/** The custom object type for weapon systems and other equipment. */
export const WEAPON_SYSTEM_TYPE = 'x-briefgraph-weapon-system';

export const WEAPON_SYSTEM_EXTENSION_ID = stixId('extension-definition', WEAPON_SYSTEM_TYPE);

/**
 * Declares the weapon-system object (STIX 2.1 §7.3, `new-sdo`): STIX's `tool` and
 * `infrastructure` describe software and networks, not aircraft or missiles.
 */
export const WEAPON_SYSTEM_EXTENSION: StixObject = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: WEAPON_SYSTEM_EXTENSION_ID,
  created_by_ref: PRODUCER_ID,
  created: DEFINED,
  modified: DEFINED,
  name: 'briefgraph weapon system',
  description:
    'A weapon system or other military equipment (an aircraft type, a missile, a radar, a drone).',
  schema:
    'Object type x-briefgraph-weapon-system with the STIX common properties and: name (string, required), description (string), aliases (list of string), country (ISO 3166-1 alpha-2 of its maker, string), wikidata_qid (string, e.g. Q1057283).',
  version: '1.0.0',
  extension_types: ['new-sdo'],
};

export const CLAIM_EXTENSION_ID = stixId('extension-definition', 'x-briefgraph-claim');

/**
 * The structured parts of a claim carried on its `note`: a note has only free text, and a
 * partner should not have to parse "~21 aircraft" back out of it.
 */
export const CLAIM_EXTENSION: StixObject = {
  type: 'extension-definition',
  spec_version: '2.1',
  id: CLAIM_EXTENSION_ID,
  created_by_ref: PRODUCER_ID,
  created: DEFINED,
  modified: DEFINED,
  name: 'briefgraph claim',
  description:
    'A claim from a briefing, as a property extension of note: its predicate, status, likelihood, quantities and valid time.',
  schema:
    'Property extension of note with: kind (FACT, ASSESSMENT…), status (REPORTED, CORROBORATED, DISPUTED, REFUTED, SUPERSEDED), predicate (slug), likelihood (ICD 203 band), quote (string), span ({start, end} character offsets in the briefing body), quantities (list of {role: STATED | ORDERED | DELIVERED | OPERATIONAL | REQUESTED | VALUE | CREDIT | OTHER, label, kind: COUNT | MONEY | MEASURE, qualifier: EXACT | APPROXIMATE | AT_LEAST | AT_MOST | RANGE | VAGUE, value, min, max, unit, currency (ISO 4217), wording}), valid_time ({from, from_precision, to, to_precision, note}; dates as YYYY-MM-DD, precision DAY | MONTH | QUARTER | YEAR | DECADE).',
  version: '1.0.0',
  extension_types: ['property-extension'],
};
