import {
  getNamedType,
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** The server's own page-size rules (see README): a connection returns at most this many… */
const MAX_PAGE_SIZE = 100;
/** …and this many when `first`/`last` is not given. */
const DEFAULT_PAGE_SIZE = 20;

/**
 * How many items a field can return per parent. Page sizes count as the server caps them, so
 * `first: 100000` costs what it fetches (100), unlike graphql-armor's cost rule, which
 * multiplies by the literal; a variable counts as the cap.
 */
function multiplier(field: FieldNode, typeName: string | undefined): number {
  const size = field.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (size) {
    if (size.value.kind !== Kind.INT) return MAX_PAGE_SIZE;
    return Math.max(1, Math.min(Number(size.value.value), MAX_PAGE_SIZE));
  }
  return typeName?.endsWith('Connection') ? DEFAULT_PAGE_SIZE : 1;
}

/**
 * Cost: every field selected counts once per item it may be resolved for, i.e. the product of
 * the page sizes above it. Fragments are followed (each spread at most once per path), so
 * fragment bombs cost what they expand to.
 */
export function costLimitRule(maxCost: number, tier: string): ValidationRule {
  const rule = (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const cost = (
      selectionSet: SelectionSetNode,
      parentType: string,
      seen: Set<string>,
    ): number => {
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const parent = schema.getType(parentType);
          const fieldDef =
            parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
          const typeName = fieldDef ? getNamedType(fieldDef.type).name : undefined;
          const inner =
            selection.selectionSet && typeName ? cost(selection.selectionSet, typeName, seen) : 0;
          total += multiplier(selection, typeName) * (1 + inner);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          total += cost(
            selection.selectionSet,
            selection.typeCondition?.name.value ?? parentType,
            seen,
          );
        } else {
          const fragment = context.getFragment(selection.name.value);
          if (!fragment || seen.has(fragment.name.value)) continue;
          const inPath = new Set(seen).add(fragment.name.value);
          total += cost(fragment.selectionSet, fragment.typeCondition.name.value, inPath);
        }
        // Past the limit the exact figure does not matter: stopping bounds the work a bomb costs.
        if (total > maxCost) return total;
      }
      return total;
    };
    return {
      OperationDefinition(operation) {
        const root = schema.getRootType(operation.operation);
        if (!root) return;
        const total = cost(operation.selectionSet, root.name, new Set());
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
