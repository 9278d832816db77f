import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema.js';

// Analysts learn the API from GraphiQL's documentation pane: every type, field, argument,
// input field and enum value says what it is (issue 14 §6). A new one without a description
// fails here, with its coordinate.
function undescribed(type: GraphQLNamedType): string[] {
  const missing = type.description ? [] : [type.name];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!field.description) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args)
        if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name}:)`);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields()))
      if (!field.description) missing.push(`${type.name}.${field.name}`);
  } else if (isEnumType(type)) {
    for (const value of type.getValues())
      if (!value.description) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('the schema documents itself', () => {
  it('describes every type, field, argument, input field and enum value', () => {
    const ours = Object.values(schema.getTypeMap()).filter((type) => !type.name.startsWith('__'));
    expect(ours.flatMap(undescribed)).toEqual([]);
  });

  it('lists ordered scales in their natural order, not alphabetically', () => {
    const values = (name: string) => {
      const type = schema.getType(name);
      return isEnumType(type) ? type.getValues().map((value) => value.name) : [];
    };
    expect(values('Likelihood')).toEqual([
      'ALMOST_NO_CHANCE',
      'VERY_UNLIKELY',
      'UNLIKELY',
      'ROUGHLY_EVEN_CHANCE',
      'LIKELY',
      'VERY_LIKELY',
      'ALMOST_CERTAIN',
    ]);
    expect(values('Marking')).toEqual(['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED']);
    expect(values('Reliability')).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(values('DatePrecision')).toEqual(['DAY', 'MONTH', 'QUARTER', 'YEAR', 'DECADE']);
  });
});
