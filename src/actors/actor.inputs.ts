import { builder } from '../builder.js';
import { ActorKindEnum, MarkingEnum } from '../common/enums.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { ActorKind, Marking, PlaceType } from '../db/types.js';
import { CoordinatesInput, PlaceTypeEnum, type Coordinates } from './actor-place.schema.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  parsed,
  type AtVersion,
  type Parsed,
  type Path,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';

export const ActorAliasInput = builder.inputType('ActorAliasInput', {
  description: 'Another name for an actor (spelling, transliteration, designation).',
  fields: (t) => ({
    name: t.string({ required: true, description: '1 to 300 characters.' }),
    language: t.field({
      type: 'LanguageTag',
      description: 'Language of the alias when specific, e.g. `es` or `pt-BR`.',
    }),
  }),
});

export const ExternalIdInput = builder.inputType('ExternalIdInput', {
  description: 'The actor’s id in another register; (scheme, value) belongs to one actor only.',
  fields: (t) => ({
    scheme: t.field({
      type: 'Slug',
      required: true,
      description: 'The register, e.g. `sipri` (at most 80 characters).',
    }),
    value: t.string({ required: true, description: '1 to 300 characters.' }),
    url: t.string({ description: 'An http(s) URL of the entry.' }),
  }),
});

export const CreateActorInput = builder.inputType('CreateActorInput', {
  description: 'A new actor.',
  fields: (t) => ({
    kind: t.field({
      type: ActorKindEnum,
      required: true,
      description:
        'What sort of actor it is; PLACE takes `placeType`, `country` and `coordinates`.',
    }),
    name: t.string({ required: true, description: 'Preferred name, 1 to 300 characters.' }),
    aliases: t.field({ type: [ActorAliasInput], description: 'Other names, each once.' }),
    country: t.field({ type: 'CountryCode', description: 'The actor’s country, e.g. `VE`.' }),
    wikidataQid: t.field({
      type: 'WikidataQid',
      description: 'Its Wikidata item, e.g. `Q717`; one actor per item.',
    }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    externalIds: t.field({ type: [ExternalIdInput], description: 'Ids in other registers.' }),
    placeType: t.field({ type: PlaceTypeEnum, description: 'Only for kind PLACE.' }),
    coordinates: t.field({ type: CoordinatesInput, description: 'Only for kind PLACE.' }),
  }),
});

export const UpdateActorInput = builder.inputType('UpdateActorInput', {
  description:
    'Changes to an actor: omitted fields stay as they are; null clears an optional one; `aliases` and `externalIds`, when given, replace the whole list.',
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum, description: 'The new kind.' }),
    name: t.string({ description: 'Preferred name, 1 to 300 characters.' }),
    aliases: t.field({ type: [ActorAliasInput], description: 'Other names, each once.' }),
    country: t.field({ type: 'CountryCode', description: 'The actor’s country, e.g. `VE`.' }),
    wikidataQid: t.field({
      type: 'WikidataQid',
      description: 'Its Wikidata item, e.g. `Q717`; one actor per item.',
    }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({
      type: MarkingEnum,
      description: 'At most your clearance.',
    }),
    externalIds: t.field({ type: [ExternalIdInput], description: 'Ids in other registers.' }),
    placeType: t.field({ type: PlaceTypeEnum, description: 'Only for kind PLACE.' }),
    coordinates: t.field({ type: CoordinatesInput, description: 'Only for kind PLACE.' }),
  }),
});

export type AliasValue = { alias: string; language: string | null };
export type ExternalIdValue = { scheme: string; value: string; url: string | null };

export interface CreateActorCommand {
  kind: ActorKind;
  name: string;
  aliases: AliasValue[];
  country: string | null;
  wikidataQid: string | null;
  description: string | null;
  marking: Marking;
  externalIds: ExternalIdValue[];
  placeType: PlaceType | null;
  coordinates: Coordinates | null;
}

/** Omitted fields are undefined (unchanged); null clears an optional one. */
export interface ActorChange {
  kind: ActorKind | undefined;
  name: string | undefined;
  aliases: AliasValue[] | undefined;
  country: string | null | undefined;
  wikidataQid: string | null | undefined;
  description: string | null | undefined;
  marking: Marking | undefined;
  externalIds: ExternalIdValue[] | undefined;
  placeType: PlaceType | null | undefined;
  coordinates: Coordinates | null | undefined;
}

export type UpdateActorCommand = AtVersion & ActorChange;

export interface MergeActorsCommand {
  survivor: Reference;
  expectedSurvivorVersion: number;
  merged: Reference;
  expectedMergedVersion: number;
}

/** WGS 84 degrees within range, at most six decimals (numeric(9, 6) would round more). */
function coordinates(
  issues: Issues,
  value: { latitude: number; longitude: number } | null | undefined,
): Coordinates | null {
  if (value == null) return null;
  const limits = { latitude: 90, longitude: 180 } as const;
  for (const axis of ['latitude', 'longitude'] as const) {
    const degrees = value[axis];
    if (!Number.isFinite(degrees) || Math.abs(degrees) > limits[axis])
      issues.add(
        ['input', 'coordinates', axis],
        `expected ${-limits[axis]} to ${limits[axis]} degrees, got ${degrees}`,
      );
  }
  return { latitude: round6(value.latitude), longitude: round6(value.longitude) };
}

function round6(degrees: number): number {
  return Math.round(degrees * 1e6) / 1e6;
}

function aliasValues(
  issues: Issues,
  path: Path,
  aliases: readonly { name: string; language?: string | null }[],
): AliasValue[] {
  if (aliases.length > LIST_CAPS.actorAliases)
    issues.add(path, `expected at most ${LIST_CAPS.actorAliases} aliases, got ${aliases.length}`);
  const seen = new Map<string, number>();
  return aliases.map((input, i) => {
    const alias = issues.text([...path, i, 'name'], input.name, { max: 300 }) ?? '';
    const language = input.language ?? null;
    const first = seen.get(alias);
    if (first === undefined) seen.set(alias, i);
    else
      issues.add([...path, i, 'name'], `expected each alias once, got a repeat of index ${first}`);
    return { alias, language };
  });
}

function externalIdValues(
  issues: Issues,
  path: Path,
  externalIds: readonly { scheme: string; value: string; url?: string | null }[],
): ExternalIdValue[] {
  if (externalIds.length > LIST_CAPS.actorExternalIds)
    issues.add(
      path,
      `expected at most ${LIST_CAPS.actorExternalIds} external ids, got ${externalIds.length}`,
    );
  const seen = new Map<string, number>();
  return externalIds.map((input, i) => {
    const scheme = issues.slugOfAtMost([...path, i, 'scheme'], input.scheme, 80);
    const value = issues.text([...path, i, 'value'], input.value, { max: 300 }) ?? '';
    const url = issues.url([...path, i, 'url'], input.url);
    const key = JSON.stringify([scheme, value]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      issues.add(
        [...path, i, 'value'],
        `expected each scheme and value once, got a repeat of index ${first}`,
      );
    return { scheme, value, url };
  });
}

export function parseCreateActor(
  input: typeof CreateActorInput.$inferInput,
): Parsed<CreateActorCommand> {
  const issues = new Issues();
  const command: CreateActorCommand = {
    kind: input.kind,
    name: issues.text(['input', 'name'], input.name, { max: 300 }) ?? '',
    aliases: aliasValues(issues, ['input', 'aliases'], input.aliases ?? []),
    country: input.country ?? null,
    wikidataQid: input.wikidataQid ?? null,
    description: issues.description(input.description),
    externalIds: externalIdValues(issues, ['input', 'externalIds'], input.externalIds ?? []),
    marking: input.marking ?? 'CLEAR',
    placeType: input.placeType ?? null,
    coordinates: coordinates(issues, input.coordinates),
  };
  if (input.kind !== 'PLACE') {
    for (const field of ['placeType', 'coordinates'] as const)
      if (input[field] != null)
        issues.add(['input', field], `expected no ${field} for kind ${input.kind}, only for PLACE`);
  }
  return parsed(issues, command, {});
}

export function parseUpdateActor(
  args: UpdateArgs<typeof UpdateActorInput.$inferInput>,
): Parsed<UpdateActorCommand> {
  const { input } = args;
  return parseAtVersion(args, 'Actor', (issues): ActorChange => ({
    kind: issues.required(['input', 'kind'], input.kind, (kind) => kind, 'a kind'),
    name: issues.required(
      ['input', 'name'],
      input.name,
      (name) => issues.text(['input', 'name'], name, { max: 300 }) ?? '',
      'a name',
    ),
    aliases: ifGiven(input.aliases, (aliases) =>
      aliasValues(issues, ['input', 'aliases'], aliases ?? []),
    ),
    country: input.country,
    wikidataQid: input.wikidataQid,
    description: ifGiven(input.description, (description) => issues.description(description)),
    marking: issues.required(
      ['input', 'marking'],
      input.marking,
      (marking) => marking,
      'a marking',
    ),
    externalIds: ifGiven(input.externalIds, (externalIds) =>
      externalIdValues(issues, ['input', 'externalIds'], externalIds ?? []),
    ),
    // Whether the actor is a PLACE is checked by the database (actor_place_fields_on_places).
    placeType: input.placeType,
    coordinates: ifGiven(input.coordinates, (value) => coordinates(issues, value)),
  }));
}

export function parseMergeActors(args: {
  survivorId: string;
  expectedSurvivorVersion: number;
  mergedId: string;
  expectedMergedVersion: number;
}): Parsed<MergeActorsCommand> {
  const issues = new Issues();
  const survivor = issues.reference(['survivorId'], args.survivorId, 'Actor');
  const merged = issues.reference(['mergedId'], args.mergedId, 'Actor');
  if (survivor && survivor.id === merged?.id) {
    issues.add(['mergedId'], 'expected another actor than the survivor, got the same one');
  }
  const command = survivor &&
    merged && {
      survivor,
      expectedSurvivorVersion: args.expectedSurvivorVersion,
      merged,
      expectedMergedVersion: args.expectedMergedVersion,
    };
  return parsed(issues, command, {});
}
