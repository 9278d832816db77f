import { builder } from '../builder.js';
import type { PlaceType } from '../db/types.js';

// The place side of an actor (kind PLACE): its type and WGS 84 coordinates. Types and inputs
// live here so actor.schema.ts and actor.inputs.ts only name them.

export const PlaceTypeEnum = builder.enumType('PlaceType', {
  description: 'What kind of place a PLACE actor is.',
  values: {
    CITY: { value: 'CITY', description: 'A city or town.' },
    REGION: { value: 'REGION', description: 'A state, province, region or other area.' },
    BASE: { value: 'BASE', description: 'A military base, air base or naval base.' },
    FACILITY: { value: 'FACILITY', description: 'A plant, port, depot or other installation.' },
    OTHER: { value: 'OTHER', description: 'Another kind of place.' },
  } as const satisfies Record<PlaceType, { value: PlaceType; description: string }>,
});

export interface Coordinates {
  latitude: number;
  longitude: number;
}

export const CoordinatesRef = builder.objectRef<Coordinates>('Coordinates').implement({
  description: 'A point in WGS 84 degrees.',
  fields: (t) => ({
    latitude: t.exposeFloat('latitude', { description: 'Degrees north (−90 to 90).' }),
    longitude: t.exposeFloat('longitude', { description: 'Degrees east (−180 to 180).' }),
  }),
});

export const CoordinatesInput = builder.inputType('CoordinatesInput', {
  description: 'A point in WGS 84 degrees, up to six decimals (about 0.1 m).',
  fields: (t) => ({
    latitude: t.float({ required: true, description: '−90 to 90.' }),
    longitude: t.float({ required: true, description: '−180 to 180.' }),
  }),
});
