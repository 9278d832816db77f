import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { WalkCounter } from './walk-counter.js';

/** The server's own page-size rules (see README): a connection returns at most this many… */
const MAX_PAGE_SIZE = 100;
/** …and this many when `first`/`last` is not given. */
const DEFAULT_PAGE_SIZE = 20;

function isConnection(typeName: string): boolean {
  return typeName.endsWith('Connection');
}

/** A list field's declared hard cap (Pothos `extensions: { maxItems }`), if it has one. */
function declaredMaxItems(fieldDef: GraphQLField<unknown, unknown>): number | null {
  const { maxItems } = fieldDef.extensions as { maxItems?: unknown };
  return typeof maxItems === 'number' && maxItems >= 1 ? maxItems : null;
}

/**
 * How many items a field can return per parent:
 * - `first`/`last` count as the server caps them, so `first: 100000` costs what it fetches
 *   (100), unlike graphql-armor's cost rule, which multiplies by the literal; a variable counts
 *   as the cap. Without them a connection counts its default page.
 * - A plain list counts at its declared `maxItems`, else at the page cap; a list looked up by
 *   a literal `ids` list counts one item per id. A connection's own lists (`edges`) are its
 *   page, already counted on the connection field.
 */
function multiplier(
  field: FieldNode,
  fieldDef: GraphQLField<unknown, unknown>,
  parentTypeName: string,
): number {
  const size = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (size) {
    if (size.value.kind !== Kind.INT) return MAX_PAGE_SIZE;
    return Math.max(1, Math.min(Number(size.value.value), MAX_PAGE_SIZE));
  }
  if (isConnection(getNamedType(fieldDef.type).name)) return DEFAULT_PAGE_SIZE;
  if (!isListType(getNullableType(fieldDef.type)) || isConnection(parentTypeName)) return 1;
  const cap = declaredMaxItems(fieldDef) ?? MAX_PAGE_SIZE;
  const ids = field.arguments?.find((a) => a.name.value === 'ids');
  if (ids?.value.kind === Kind.LIST) return Math.max(1, Math.min(ids.value.values.length, cap));
  return cap;
}

/**
 * A field's own work beyond the items it returns (Pothos `extensions: { ownCost }`), charged
 * once per resolution: `search` ranks up to thousands of candidates to return one page, a graph
 * walk reads a level per hop. A number, or a function of the field's literal arguments (a
 * variable is passed as undefined, so the function must assume the worst).
 */
function declaredOwnCost(field: FieldNode, fieldDef: GraphQLField<unknown, unknown>): number {
  const { ownCost } = fieldDef.extensions as { ownCost?: unknown };
  let cost: unknown = ownCost;
  if (typeof ownCost === 'function') {
    const literals: Record<string, unknown> = {};
    for (const argument of field.arguments ?? []) {
      if (argument.value.kind === Kind.INT)
        literals[argument.name.value] = Number(argument.value.value);
    }
    cost = ownCost(literals);
  }
  return typeof cost === 'number' && cost > 0 ? cost : 0;
}

function fieldDefOf(
  schema: GraphQLSchema,
  parentTypeName: string,
  fieldName: string,
): GraphQLField<unknown, unknown> | undefined {
  const parent = schema.getType(parentTypeName);
  return isObjectType(parent) || isInterfaceType(parent)
    ? parent.getFields()[fieldName]
    : undefined;
}

/**
 * Cost: every field selected counts once per item it may be resolved for, i.e. the product of
 * the multipliers above it. Introspection fields count 1: their answer is bounded by the schema.
 *
 * Linear in the document: a named fragment's cost does not depend on where it is spread (its
 * fields resolve against its own type condition), so it is computed once and reused, and a
 * fragment bomb costs what it expands to without being expanded. A spread of a fragment whose
 * cost is being computed (a cycle, reported by NoFragmentCycles) counts 0. The walk stops at
 * the first figure over the limit. `counter` counts the selections visited (tests).
 */
export function costLimitRule(
  maxCost: number,
  tier: string,
  counter?: WalkCounter,
): ValidationRule {
  const rule = (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const fragmentCosts = new Map<string, number>();
    const fragmentCost = (name: string): number => {
      const known = fragmentCosts.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      if (!fragment) return 0;
      fragmentCosts.set(name, 0);
      const computed = cost(fragment.selectionSet, fragment.typeCondition.name.value);
      fragmentCosts.set(name, computed);
      return computed;
    };
    const cost = (selectionSet: SelectionSetNode, parentTypeName: string): number => {
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (counter) counter.visits += 1;
        if (selection.kind === Kind.FIELD) {
          const fieldDef = fieldDefOf(schema, parentTypeName, selection.name.value);
          if (fieldDef) {
            const inner = selection.selectionSet
              ? cost(selection.selectionSet, getNamedType(fieldDef.type).name)
              : 0;
            total +=
              declaredOwnCost(selection, fieldDef) +
              multiplier(selection, fieldDef, parentTypeName) * (1 + inner);
          } else {
            total += 1;
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          total += cost(
            selection.selectionSet,
            selection.typeCondition?.name.value ?? parentTypeName,
          );
        } else {
          total += fragmentCost(selection.name.value);
        }
        // Past the limit the exact figure does not matter: stopping bounds the work.
        if (total > maxCost) return total;
      }
      return total;
    };
    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        if (!root) return;
        const total = cost(operation.selectionSet, root.name);
        if (total > maxCost) {
          context.reportError(
            new GraphQLError(
              `query cost limit of ${maxCost} for ${tier} callers exceeded (estimated at least ${Math.round(total)})`,
              { nodes: operation, extensions: { code: 'COST_LIMIT_EXCEEDED' } },
            ),
          );
        }
      },
    };
  };
  return rule;
}
