import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

// Validates STIX objects against the OASIS JSON schemas vendored in tests/fixtures (see its
// README). Each schema's $id is an absolute URL and its $refs are relative to it, so every
// file is added to ajv under its own $id before any is compiled.

const ROOT = fileURLToPath(new URL('../fixtures/stix2-json-schemas/schemas/', import.meta.url));

interface Schema {
  $id: string;
  properties?: Record<string, unknown>;
}

function schemaFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    return entry.isDirectory() ? schemaFiles(file) : entry.name.endsWith('.json') ? [file] : [];
  });
}

const schemas = new Map(
  schemaFiles(ROOT).map((file) => [
    path.relative(ROOT, file),
    JSON.parse(readFileSync(file, 'utf8')) as Schema,
  ]),
);

function schemaAt(file: string): Schema {
  const schema = schemas.get(file);
  if (!schema) throw new Error(`expected a vendored schema ${file}`);
  return schema;
}

// The schemas' patterns use escapes that are invalid under the `u` flag; the OASIS README
// recommends these options ("strict: false" for their draft-era `definitions` keyword).
const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, allErrors: true });
ajv.addFormat('uri', (value: string) => URL.canParse(value));
for (const [file, schema] of schemas) if (file !== 'common/bundle.json') ajv.addSchema(schema);

/** The schema each exported type is checked against; our custom object has only the core. */
const SCHEMA_OF_TYPE: Record<string, string> = {
  identity: 'sdos/identity.json',
  location: 'sdos/location.json',
  note: 'sdos/note.json',
  report: 'sdos/report.json',
  relationship: 'sros/relationship.json',
  'marking-definition': 'common/marking-definition.json',
  'extension-definition': 'common/extension-definition.json',
  'x-briefgraph-weapon-system': 'common/core.json',
};

const validators = new Map<string, ValidateFunction>();

function validatorFor(type: string): ValidateFunction {
  const file = SCHEMA_OF_TYPE[type];
  if (!file) throw new Error(`no schema for STIX type ${type}`);
  let validate = validators.get(file);
  if (!validate) {
    validate = ajv.getSchema(schemaAt(file).$id);
    if (!validate) throw new Error(`expected ajv to know ${file}`);
    validators.set(file, validate);
  }
  return validate;
}

/**
 * bundle.json's envelope (type, id, objects as an array of objects): its own `objects` items
 * are a `oneOf` over every type that wrongly rejects valid notes, locations and custom objects
 * (several alternatives match), so the objects are checked one by one instead.
 */
const bundleSchema = schemaAt('common/bundle.json');
// Under bundle.json's own $id (the file itself is not added), so its relative $refs resolve.
const validateEnvelope = ajv.compile({
  ...bundleSchema,
  properties: {
    ...bundleSchema.properties,
    objects: { type: 'array', minItems: 1, items: { type: 'object' } },
  },
});

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

/** Schema errors of one object, prefixed with its id; none when it is valid. */
export function stixObjectErrors(object: { type: string; id: string }): string[] {
  const { id } = object;
  const validate = validatorFor(object.type);
  return validate(object) ? [] : describe(validate.errors).map((e) => `${id}: ${e}`);
}

export function bundleEnvelopeErrors(bundle: unknown): string[] {
  return validateEnvelope(bundle) ? [] : describe(validateEnvelope.errors);
}
