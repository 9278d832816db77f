import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  Kind,
  type DirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { NotCompilable, type SqlEnv } from './sql-spec.js';

// Which fields an operation selects on a type, as graphql-js' executor collects them, for the
// compiler (compile.ts) to write each one's SQL.

export interface Scope {
  env: SqlEnv;
  schema: GraphQLSchema;
  variables: Record<string, unknown>;
  fragments: Record<string, FragmentDefinitionNode>;
  aliases: number;
}

export type FieldGroups = Map<string, FieldNode[]>;

export function included(
  scope: Scope,
  node: { readonly directives?: readonly DirectiveNode[] },
): boolean {
  for (const directive of node.directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') throw new NotCompilable(`@${name}`);
  }
  const skip = getDirectiveValues(GraphQLSkipDirective, node, scope.variables);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node, scope.variables);
  return include?.if !== false;
}

function typeConditionHolds(
  scope: Scope,
  type: GraphQLObjectType,
  condition: string | undefined,
): boolean {
  if (!condition || condition === type.name) return true;
  const conditionType = scope.schema.getType(condition);
  return (
    conditionType !== undefined &&
    isAbstractType(conditionType) &&
    scope.schema.isSubType(conditionType, type)
  );
}

/** graphql-js' CollectFields: response keys in first-seen order, each with its field nodes. */
export function collectFields(
  scope: Scope,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  groups: FieldGroups = new Map(),
  visited = new Set<string>(),
): FieldGroups {
  for (const selectionSet of selectionSets) {
    for (const selection of selectionSet.selections) {
      if (!included(scope, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const group = groups.get(key);
        if (group) group.push(selection);
        else groups.set(key, [selection]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (typeConditionHolds(scope, type, selection.typeCondition?.name.value))
          collectFields(scope, type, [selection.selectionSet], groups, visited);
      } else {
        const name = selection.name.value;
        const fragment = scope.fragments[name];
        if (visited.has(name) || !fragment) continue;
        visited.add(name);
        if (typeConditionHolds(scope, type, fragment.typeCondition.name.value))
          collectFields(scope, type, [fragment.selectionSet], groups, visited);
      }
    }
  }
  return groups;
}

export function subSelections(nodes: readonly FieldNode[]): SelectionSetNode[] {
  return nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}
