import { GraphQLError, Kind, print, type ValueNode } from 'graphql';
import { builder, type Scalars } from '../builder.js';

// Identifiers and codes with a fixed format, checked once at the GraphQL boundary (arguments,
// input fields and variables alike) and named by the output fields that return them, so a
// client sees the rule in the schema. The database's CHECK constraints hold the same patterns:
// outputs are read back as stored.

type CodeScalar = {
  [Name in keyof Scalars]: Scalars[Name] extends { Input: string; Output: string } ? Name : never;
}[keyof Scalars];

interface CodeFormat {
  description: string;
  pattern: RegExp;
  maxLength: number;
  /** What was expected, for the message: `expected ${expected}, got "…"`. */
  expected: string;
  specifiedByURL?: string;
  /** The canonical form of what a client typed, before the check. */
  normalize?: (text: string) => string;
}

function codeScalar(
  name: CodeScalar,
  { pattern, maxLength, expected, normalize = (text) => text, ...type }: CodeFormat,
): void {
  // A literal's error carries its node: graphql-js reports it as thrown, located only by that.
  const check = (value: unknown, node?: ValueNode): string => {
    const text = typeof value === 'string' ? normalize(value) : null;
    if (text !== null && text.length <= maxLength && pattern.test(text)) return text;
    const got =
      typeof value === 'string'
        ? JSON.stringify(value.slice(0, 80))
        : node
          ? print(node).slice(0, 80)
          : String(JSON.stringify(value));
    throw new GraphQLError(`expected ${expected}, got ${got}`, {
      nodes: node,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  };
  builder.scalarType(name, {
    ...type,
    serialize: (value) => value,
    parseValue: check,
    // A literal of another kind (`slug: 5`) is named as written.
    parseLiteral: (ast) => check(ast.kind === Kind.STRING ? ast.value : undefined, ast),
  });
}

codeScalar('Slug', {
  description:
    'A URL-safe name: lower-case letters and digits in words joined by single hyphens, at most 120 characters, e.g. `venezuela-seeks-military-aid-from-russia-china-iran` or `requested-from`.',
  pattern: /^[a-z0-9]+(-[a-z0-9]+)*$/,
  maxLength: 120,
  expected: 'a slug of lower-case letters, digits and single hyphens (at most 120)',
});

codeScalar('RelationshipType', {
  description:
    'What links two actors, read from → to: lower-case letters, digits and hyphens (`^[a-z0-9-]+$`), at most 80 characters, e.g. `supplies` or `requested-aid-from`.',
  pattern: /^[a-z0-9-]+$/,
  maxLength: 80,
  expected: 'a relationship type matching ^[a-z0-9-]+$ (at most 80), like requested-aid-from',
});

codeScalar('CountryCode', {
  description: 'An ISO 3166-1 alpha-2 country code: two upper-case letters, e.g. `VE`.',
  pattern: /^[A-Z]{2}$/,
  maxLength: 2,
  expected: 'an ISO 3166-1 alpha-2 country code like VE',
  specifiedByURL: 'https://www.iso.org/iso-3166-country-codes.html',
});

codeScalar('LanguageTag', {
  description:
    'A BCP 47 language tag as this API takes it: a language (2 or 3 lower-case letters), optionally with a region (2 upper-case letters), e.g. `en`, `es` or `pt-BR`.',
  pattern: /^[a-z]{2,3}(-[A-Z]{2})?$/,
  maxLength: 6,
  expected: 'a BCP 47 language tag like es or pt-BR',
  specifiedByURL: 'https://www.rfc-editor.org/info/bcp47',
});

codeScalar('CurrencyCode', {
  description: 'An ISO 4217 currency code: three upper-case letters, e.g. `USD`.',
  pattern: /^[A-Z]{3}$/,
  maxLength: 3,
  expected: 'an ISO 4217 currency code like USD',
  specifiedByURL: 'https://www.iso.org/iso-4217-currency-codes.html',
});

codeScalar('WikidataQid', {
  description:
    'A Wikidata item id: `Q` and a number without leading zeros, e.g. `Q717`; case and surrounding spaces are ignored in input (` q717 ` is `Q717`).',
  pattern: /^Q[1-9][0-9]{0,11}$/,
  maxLength: 13,
  expected: 'a Wikidata item id like Q717',
  specifiedByURL: 'https://www.wikidata.org/wiki/Wikidata:Identifiers',
  // Ids are pasted from Wikidata's pages and URLs, where case and spacing vary.
  normalize: (text) => text.trim().toUpperCase(),
});
