import {
  isAbstractType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { columnsOfField } from '../compiled/columns.js';
import type { TypeColumns } from './field-columns.js';

/**
 * Field names an operation selects on each object type, through fragments and interfaces, and
 * the schema they belong to (whose fields declare the columns they read).
 */
export interface SelectedFields {
  schema: GraphQLSchema;
  byType: ReadonlyMap<string, ReadonlySet<string>>;
}

export function selectedFieldsByType(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
): SelectedFields {
  const fields = new Map<string, Set<string>>();
  const typeInfo = new TypeInfo(schema);
  // The executed operation and every fragment: a fragment it does not use only widens the sets.
  const definitions = document.definitions.filter(
    (definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ||
      (definition.kind === Kind.OPERATION_DEFINITION &&
        (!operationName || definition.name?.value === operationName)),
  );
  visit(
    { ...document, definitions },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent) return;
        // A field asked of an interface (Node.id) is asked of every type that implements it.
        const types = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
        for (const type of types) {
          const set = fields.get(type.name);
          if (set) set.add(node.name.value);
          else fields.set(type.name, new Set([node.name.value]));
        }
      },
    }),
  );
  return { schema, byType: fields };
}

/**
 * Puts the operation's selected fields into the context (as `selection`) so that the busiest
 * loaders read only the columns those fields need. Yoga reuses one parsed document per query
 * text, so the walk runs once per document and operation name.
 */
export function selectionPlugin(): Plugin<{ selection: SelectedFields | null }> {
  const cache = new WeakMap<DocumentNode, Map<string, SelectedFields>>();
  return {
    onExecute({ args, extendContext }) {
      const name = args.operationName ?? '';
      let byName = cache.get(args.document);
      if (!byName) cache.set(args.document, (byName = new Map()));
      let selection = byName.get(name);
      if (!selection) {
        selection = selectedFieldsByType(args.schema, args.document, args.operationName);
        byName.set(name, selection);
      }
      extendContext({ selection });
    },
  };
}

/**
 * The columns to read for rows of `columns.typeName`: the union of what its selected fields
 * declare (compiled/columns.ts) plus `columns.always`; every column when there is no selection
 * (a write's own reads, tests) or when a selected field declares nothing, so that a field added
 * without a declaration reads whole rows instead of missing columns.
 */
export function columnsFor<Column extends string>(
  selection: SelectedFields | null,
  columns: TypeColumns<Column>,
): readonly Column[] {
  if (!selection) return columns.all;
  const type = selection.schema.getType(columns.typeName);
  if (!isObjectType(type)) return columns.all;
  const fields = type.getFields();
  const all: readonly string[] = columns.all;
  const needed = new Set<string>(columns.always);
  for (const name of selection.byType.get(columns.typeName) ?? []) {
    if (name.startsWith('__')) continue;
    const field = fields[name];
    const read = field ? columnsOfField(field) : null;
    if (!read || read.some((column) => !all.includes(column))) return columns.all;
    for (const column of read) needed.add(column);
  }
  return columns.all.filter((column) => needed.has(column));
}
