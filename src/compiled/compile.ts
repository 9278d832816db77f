import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { sql, type Expression, type RawBuilder } from 'kysely';
import { pageWindow } from '../common/connection.js';
import { decodeGlobalId } from '../common/global-id.js';
import {
  NotCompilable,
  type FieldSql,
  type RowRef,
  type SqlEnv,
  type TypeSql,
} from './sql-spec.js';
import { arrayJson, cursorJson, globalIdJson, jsonObject, scalarJson } from './json-text.js';
import { collectFields, subSelections, type Scope } from './selection.js';

/**
 * Compiles a read into one SQL statement that builds the whole `data` object as JSON text, the
 * way the raw floor does: PostgreSQL joins, nests and writes, Node only relays the text. Text
 * rather than json_build_object: that writes `"key" : value`, and json values are copied
 * again at every level; `concat` appends each part once.
 * Each field's SQL comes from its `extensions.sql` (sql-spec.ts); visibility comes with the
 * repositories' query builders those specifications call, at every level.
 *
 * Anything the compiler does not know (a field without SQL, `last`/`before` pages, a
 * directive other than @skip/@include, a bad argument) makes it give up: the operation then
 * runs on the loader path, which answers with the same data and raises the typed errors.
 */

export function compileOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  env: SqlEnv,
): RawBuilder<{ body: string }> | null {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const operation = operationName
    ? operations.find((o) => o.name?.value === operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  const queryType = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !queryType) return null;
  const coerced = getVariableValues(
    schema,
    operation.variableDefinitions ?? [],
    rawVariables ?? {},
  );
  if (coerced.errors) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  }
  const scope: Scope = { env, schema, variables: coerced.coerced, fragments, aliases: 0 };
  try {
    // Nothing to read (`{ __typename }`): graphql-js answers without a statement.
    const root = collectFields(scope, queryType, [operation.selectionSet]);
    if ([...root.values()].every((nodes) => nodes[0]?.name.value === '__typename')) return null;
    const data = objectJson(scope, queryType, [operation.selectionSet], () => {
      throw new NotCompilable('the query root has no columns');
    });
    // The whole response body, as PostgreSQL wrote it, goes out as it is (raw-result.ts).
    return sql<{ body: string }>`select ${jsonObject([['data', data]])} as body`;
  } catch {
    // Not compilable, or an argument the loader path will refuse with a proper error.
    return null;
  }
}

function nextAlias(scope: Scope): { name: string; row: RowRef } {
  scope.aliases += 1;
  const name = `_c${scope.aliases}`;
  return { name, row: <T>(column: string) => sql.ref<T>(`${name}.${column}`) };
}

/**
 * A field or type with auth scopes is checked by scope-auth as it resolves; the compiled path
 * resolves nothing, so such a read stays on the loader path.
 */
function hasAuthScopes(extensions: { readonly pothosOptions?: unknown }): boolean {
  const options = extensions.pothosOptions;
  return typeof options === 'object' && options !== null && 'authScopes' in options;
}

function fieldSql(field: GraphQLField<unknown, unknown>): FieldSql | undefined {
  const spec: unknown = field.extensions.sql;
  return spec && typeof spec === 'object' ? (spec as FieldSql) : undefined;
}

function typeSql(type: GraphQLObjectType): TypeSql {
  const spec: unknown = type.extensions.sql;
  if (!spec || typeof spec !== 'object') throw new NotCompilable(`${type.name} has no byId`);
  return spec as TypeSql;
}

function objectJson(
  scope: Scope,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
  row: RowRef,
): RawBuilder<unknown> {
  const entries: [string, RawBuilder<unknown>][] = [];
  for (const [key, nodes] of collectFields(scope, type, selectionSets)) {
    entries.push([key, fieldJson(scope, type, nodes, row)]);
  }
  return jsonObject(entries);
}

function leafJson(
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  spec: FieldSql | undefined,
  row: RowRef,
): RawBuilder<unknown> {
  const named = getNamedType(field.type);
  if (spec?.kind === 'globalId') return globalIdJson(spec.typename, row('id'));
  if (spec?.kind === 'expression') return spec.value(row);
  if (spec?.kind === 'prefixed')
    return sql`${spec.prefix}::text || nullif(${row(spec.column)}, '')`;
  if (
    field.name === 'id' &&
    named.name === 'ID' &&
    type.getInterfaces().some((i) => i.name === 'Node')
  )
    return globalIdJson(type.name, row('id'));
  const exposed: unknown = field.extensions.pothosExposedField;
  const column =
    spec?.kind === 'column' ? spec.column : typeof exposed === 'string' ? exposed : undefined;
  if (column === undefined || named.name === 'ID')
    throw new NotCompilable(`${type.name}.${field.name}`);
  const value = row(column);
  // DateTime is written as JavaScript's toISOString does (UTC, milliseconds, `Z`).
  if (named.name === 'DateTime')
    return sql`to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  // `date` columns are written as 'YYYY-MM-DD' in JSON, as the loader path reads them.
  if (named.name === 'JSONObject') throw new NotCompilable(named.name);
  return value;
}

function fieldJson(
  scope: Scope,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  row: RowRef,
): RawBuilder<unknown> {
  const [first] = nodes;
  if (!first) throw new NotCompilable('empty field group');
  const name = first.name.value;
  if (name === '__typename') return scalarJson(sql`${type.name}::text`);
  const field = type.getFields()[name];
  if (!field || hasAuthScopes(field.extensions) || hasAuthScopes(type.extensions))
    throw new NotCompilable(`${type.name}.${name}`);
  const spec = fieldSql(field);
  const named = getNamedType(field.type);
  if (isLeafType(named)) return scalarJson(leafJson(type, field, spec, row));
  if (!spec) throw new NotCompilable(`${type.name}.${name}`);
  const args = getArgumentValues(field, first, scope.variables);
  const selections = subSelections(nodes);
  switch (spec.kind) {
    case 'embedded': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      const columns = spec.columns;
      const inner: RowRef = <T>(column: string) => {
        const mapped = columns[column];
        if (mapped === undefined) throw new NotCompilable(`${named.name}.${column}`);
        return row<T>(mapped);
      };
      return sql`case when ${spec.present(row)} then ${objectJson(scope, named, selections, inner)} end`;
    }
    case 'ref': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      const id = spec.id(row, args);
      if (id === null) return nonNull(field, sql`null::text`);
      return nonNull(
        field,
        recordJson(scope, named, selections, typeSql(named).byId(scope.env, id)),
      );
    }
    case 'joinedRef': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      const columns = spec.columns;
      const joined: RowRef = <T>(column: string) => {
        const mapped = columns[column];
        if (mapped === undefined) throw new NotCompilable(`${named.name}.${column}`);
        return row<T>(mapped);
      };
      const byId = recordJson(
        scope,
        named,
        selections,
        typeSql(named).byId(scope.env, spec.id(row)),
      );
      return sql`case when ${spec.joined(row)} then ${objectJson(scope, named, selections, joined)} else ${nonNull(field, byId)} end`;
    }
    case 'union': {
      if (!isAbstractType(named)) throw new NotCompilable(named.name);
      const id = spec.id(row);
      const arms = Object.entries(spec.members).map(([value, typename]) => {
        const member = scope.schema.getType(typename);
        if (!member || !isObjectType(member) || !scope.schema.isSubType(named, member))
          throw new NotCompilable(`${typename} in ${named.name}`);
        const { byId, byCheckedId } = typeSql(member);
        const query =
          spec.checked && byCheckedId ? byCheckedId(scope.env, id) : byId(scope.env, id);
        const record = recordJson(scope, member, selections, query);
        return sql`when ${value}::text then ${record}`;
      });
      return nonNull(field, sql`case ${row(spec.discriminator)} ${sql.join(arms, sql` `)} end`);
    }
    case 'one': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      const query = spec.row(scope.env, args, row);
      if (query === null) return nonNull(field, sql`null::text`);
      return nonNull(field, recordJson(scope, named, selections, query));
    }
    case 'anyNode':
      return anyNodeJson(scope, args, selections);
    case 'list': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      const alias = nextAlias(scope);
      const item = objectJson(scope, named, selections, alias.row);
      return sql`(select ${arrayJson(item, alias.row('list_rank'))} from (${spec.rows(scope.env, row)}) as ${sql.id(alias.name)})`;
    }
    case 'connection': {
      if (!isObjectType(named)) throw new NotCompilable(named.name);
      return connectionJson(scope, named, selections, spec.page(scope.env, args, row), args);
    }
    case 'resolverOnly':
      throw new NotCompilable(`${type.name}.${name} is answered by its resolver`);
    case 'column':
    case 'expression':
    case 'prefixed':
    case 'globalId':
      throw new NotCompilable(`${type.name}.${name} is not a leaf`);
  }
}

/**
 * A record a non-null field must have: when it is missing the statement fails (a division by
 * zero PostgreSQL cannot fold away at planning), and the loader path answers with the
 * non-null error graphql-js raises there, instead of a null where the schema promises a value.
 */
function nonNull(
  field: GraphQLField<unknown, unknown>,
  value: RawBuilder<unknown>,
): RawBuilder<unknown> {
  if (!isNonNullType(field.type)) return value;
  return sql`coalesce(${value}, (1 / (random() * 0)::int)::text)`;
}

/** The object for the (at most one) row `query` yields, or null. */
function recordJson(
  scope: Scope,
  type: GraphQLObjectType,
  selections: readonly SelectionSetNode[],
  query: Expression<unknown>,
): RawBuilder<unknown> {
  const alias = nextAlias(scope);
  return sql`(select ${objectJson(scope, type, selections, alias.row)} from (${query}) as ${sql.id(alias.name)} limit 1)`;
}

function anyNodeJson(
  scope: Scope,
  args: Record<string, unknown>,
  selections: readonly SelectionSetNode[],
): RawBuilder<unknown> {
  const id = args.id;
  if (typeof id !== 'string') throw new NotCompilable('node id');
  const decoded = decodeGlobalId(id);
  const type = scope.schema.getType(decoded.typename);
  // Not a node type: the loader path answers INVALID_ID.
  if (!type || !isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node'))
    throw new NotCompilable(`node id of ${decoded.typename}`);
  return recordJson(scope, type, selections, typeSql(type).byId(scope.env, Number(decoded.id)));
}

/** The object type a field of `type` returns (edges → Edge, node → the node type). */
function objectField(type: GraphQLObjectType, name: string): GraphQLObjectType {
  const field = type.getFields()[name];
  const named = field ? getNamedType(field.type) : undefined;
  if (!named || !isObjectType(named)) throw new NotCompilable(`${type.name}.${name}`);
  return named;
}

function connectionJson(
  scope: Scope,
  connectionType: GraphQLObjectType,
  selections: readonly SelectionSetNode[],
  connection: ReturnType<Extract<FieldSql, { kind: 'connection' }>['page']>,
  args: Record<string, unknown>,
): RawBuilder<unknown> {
  const window = pageWindow(args, connection.ordering);
  if (window.inverted || window.before) throw new NotCompilable('backward pages');
  const page = nextAlias(scope);
  const rank = page.row('page_rank');
  const inPage = sql`${rank} <= ${window.size}`;
  const cursor = () => cursorJson(connection.ordering.name, page.row);
  const entries: [string, RawBuilder<unknown>][] = [];
  for (const [key, nodes] of collectFields(scope, connectionType, selections)) {
    const name = nodes[0]?.name.value;
    const inner = subSelections(nodes);
    if (name === '__typename') entries.push([key, scalarJson(sql`${connectionType.name}::text`)]);
    else if (name === 'totalCount') entries.push([key, scalarJson(sql`(${connection.count})`)]);
    else if (name === 'edges') {
      const edgeType = objectField(connectionType, 'edges');
      const edge: [string, RawBuilder<unknown>][] = [];
      for (const [edgeKey, edgeNodes] of collectFields(scope, edgeType, inner)) {
        const edgeField = edgeNodes[0]?.name.value;
        if (edgeField === '__typename')
          edge.push([edgeKey, scalarJson(sql`${edgeType.name}::text`)]);
        else if (edgeField === 'cursor') edge.push([edgeKey, scalarJson(cursor())]);
        else if (edgeField === 'node')
          edge.push([
            edgeKey,
            objectJson(scope, objectField(edgeType, 'node'), subSelections(edgeNodes), page.row),
          ]);
        else throw new NotCompilable(`${edgeType.name}.${edgeField}`);
      }
      entries.push([key, arrayJson(jsonObject(edge), rank, inPage)]);
    } else if (name === 'pageInfo') {
      const pageInfoType = objectField(connectionType, 'pageInfo');
      const info: [string, RawBuilder<unknown>][] = [];
      for (const [infoKey, infoNodes] of collectFields(scope, pageInfoType, inner)) {
        const infoField = infoNodes[0]?.name.value;
        if (infoField === '__typename')
          info.push([infoKey, scalarJson(sql`${pageInfoType.name}::text`)]);
        else if (infoField === 'hasNextPage')
          info.push([infoKey, scalarJson(sql`count(*) > ${window.size}`)]);
        else if (infoField === 'hasPreviousPage')
          info.push([infoKey, window.after ? sql`'true'` : sql`'false'`]);
        else if (infoField === 'startCursor')
          info.push([
            infoKey,
            scalarJson(sql`(array_agg(${cursor()} order by ${rank}) filter (where ${inPage}))[1]`),
          ]);
        else if (infoField === 'endCursor')
          info.push([
            infoKey,
            scalarJson(
              sql`(array_agg(${cursor()} order by ${rank} desc) filter (where ${inPage}))[1]`,
            ),
          ]);
        else throw new NotCompilable(`${pageInfoType.name}.${infoField}`);
      }
      entries.push([key, jsonObject(info)]);
    } else throw new NotCompilable(`${connectionType.name}.${name}`);
  }
  // `group by ()`: one row even for an empty page or a selection with no aggregate in it.
  return sql`(select ${jsonObject(entries)} from (${connection.page(window)}) as ${sql.id(page.name)} group by ())`;
}
