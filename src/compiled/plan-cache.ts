import {
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isListType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { CompiledQuery } from 'kysely';
import { encodeCursor, readCursor } from '../common/connection.js';
import { decodeGlobalId, encodeGlobalId } from '../common/global-id.js';
import type { Visibility } from '../db/visibility.js';

export type Plan = CompiledQuery<{ body: string }>;

/** Compiles the operation for these (raw) variables; null when it runs on the loader path. */
export type CompilePlan = (variables: Record<string, unknown> | undefined) => Plan | null;

/** Plans and shapes kept per process; the oldest goes first (Map keeps insertion order). */
const MAX_ENTRIES = 500;

/** Keys longer than this (large variables) are compiled every time instead of kept. */
const MAX_KEY_LENGTH = 4096;

/** Probe ids: far above real ones, so a probe never equals the value it stands in for. */
const PROBE_ID = 2 ** 40;

/**
 * A variable value the compiled SQL may bind instead of building its text around: an opaque
 * identifier or a cursor. `forms` are the values a statement may bind for it (a global id's text
 * or its number; a cursor's text, each of its keys or its row id), `probe` a different valid
 * value and `probeForms` what that binds, form for form.
 */
interface Leaf {
  path: readonly (string | number)[];
  forms: readonly (string | number)[];
  probe: string;
  probeForms: readonly (string | number)[];
}

/** Parameter i of the plan: a constant (null), or form `form` of leaf `leaf`. */
type Slot = { leaf: number; form: number } | null;

type Entry =
  /** One statement for every value of the shape's leaves, bound through `slots`. */
  | { kind: 'shape'; plan: Plan | null; slots: readonly Slot[] }
  /** The leaves shape the statement (or could not be told apart): compiled per value. */
  | { kind: 'byValue' }
  | { kind: 'value'; plan: Plan | null };

/**
 * The leaf kinds: scalars that only name a record, and cursors (a paging client sends a new one
 * for every page). Every other value (numbers, which are clamped, enums, booleans, free text such
 * as a search) may shape the statement, so it is part of the key, as is whether a value is null
 * and which fields an input object has.
 */
function leafFor(scalar: string, value: unknown, k: number): Omit<Leaf, 'path'> | null {
  if (typeof value !== 'string') return null;
  const cursor = scalar === 'String' ? readCursor(value) : null;
  if (cursor) {
    // Same ordering and number of keys: only the values differ, so the text may not.
    const keys = cursor.k.map((key, j) => {
      const probe = `plan-probe-${k}-${j}`;
      return key === probe ? `${probe}-1` : probe;
    });
    const id = PROBE_ID + k;
    return {
      forms: [value, ...cursor.k, cursor.i],
      probe: encodeCursor(cursor.o, { sort_key: keys, id }),
      probeForms: [encodeCursor(cursor.o, { sort_key: keys, id }), ...keys, id],
    };
  }
  if (scalar === 'ID') {
    let typename: string;
    let id: string;
    try {
      ({ typename, id } = decodeGlobalId(value));
    } catch {
      return null;
    }
    const probe = PROBE_ID + k;
    return {
      forms: [value, Number(id)],
      probe: encodeGlobalId(typename, probe),
      probeForms: [encodeGlobalId(typename, probe), probe],
    };
  }
  if (scalar === 'Slug') {
    const probe = `plan-probe-${k}${value === `plan-probe-${k}` ? '-1' : ''}`;
    return { forms: [value], probe, probeForms: [probe] };
  }
  return null;
}

/**
 * What of a leaf stays in the shape: an ID's type name (`node(id:)` compiles per type), a
 * cursor's ordering and number of keys.
 */
function leafToken(scalar: string, value: string): string {
  if (scalar === 'ID') return `id:${decodeGlobalId(value).typename}`;
  const cursor = scalar === 'String' ? readCursor(value) : null;
  return cursor ? `c:${cursor.o}:${cursor.k.length}` : 's';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The variables' shape (every value but the leaves, which stand as tokens) and their leaves,
 * walking the coerced values with their types and the raw ones alongside (a probe replaces a
 * raw value; a value coercion added, such as a default, is never a leaf).
 */
function shapeOf(
  type: GraphQLInputType,
  coerced: unknown,
  raw: unknown,
  path: readonly (string | number)[],
  leaves: Leaf[],
): unknown {
  const inner = getNullableType(type);
  if (coerced === null || coerced === undefined) return null;
  if (isListType(inner)) {
    if (!Array.isArray(coerced) || !Array.isArray(raw)) return { v: coerced };
    return coerced.map((item: unknown, i) =>
      shapeOf(inner.ofType, item, raw[i], [...path, i], leaves),
    );
  }
  if (isInputObjectType(inner)) {
    if (!isRecord(coerced) || !isRecord(raw)) return { v: coerced };
    const fields = inner.getFields();
    const shape: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(coerced)) {
      const field = fields[key];
      shape[key] =
        field && key in raw
          ? shapeOf(field.type, value, raw[key], [...path, key], leaves)
          : { v: value };
    }
    return shape;
  }
  const leaf = typeof raw === 'string' ? leafFor(inner.name, coerced, leaves.length) : null;
  if (!leaf || typeof coerced !== 'string') return { v: coerced };
  leaves.push({ path, ...leaf });
  return { leaf: leafToken(inner.name, coerced) };
}

/** `variables` with each leaf's raw value replaced by its probe. */
function withProbes(variables: Record<string, unknown>, leaves: readonly Leaf[]) {
  const copy = structuredClone(variables);
  for (const leaf of leaves) {
    let at: unknown = copy;
    for (const step of leaf.path.slice(0, -1)) at = (at as Record<string | number, unknown>)[step];
    const last = leaf.path[leaf.path.length - 1];
    if (last !== undefined) (at as Record<string | number, unknown>)[last] = leaf.probe;
  }
  return copy;
}

/** The plan for the probes; null (compile per value) if they are refused where the real values were not. */
function compileProbes(
  compile: CompilePlan,
  variables: Record<string, unknown>,
  leaves: readonly Leaf[],
): Plan | null {
  try {
    return compile(withProbes(variables, leaves));
  } catch {
    return null;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Which leaf form each parameter binds, learnt by compiling the probes too: the same text, and
 * every parameter either unchanged or exactly the probed leaf's form. Anything else (a leaf
 * transformed, or changing the text) means the statement is not shaped by the key alone.
 */
function slotsFor(plan: Plan, probed: Plan, leaves: readonly Leaf[]): Slot[] | null {
  if (plan.sql !== probed.sql || plan.parameters.length !== probed.parameters.length) return null;
  const slots: Slot[] = [];
  for (const [i, value] of plan.parameters.entries()) {
    const probe = probed.parameters[i];
    if (sameValue(value, probe)) {
      slots.push(null);
      continue;
    }
    let slot: Slot = null;
    for (const [leaf, { forms, probeForms }] of leaves.entries()) {
      const form = probeForms.findIndex((p, f) => p === probe && forms[f] === value);
      if (form >= 0) slot = { leaf, form };
    }
    if (!slot) return null;
    slots.push(slot);
  }
  return slots;
}

function bind(plan: Plan, slots: readonly Slot[], leaves: readonly Leaf[]): Plan {
  if (slots.every((slot) => slot === null)) return plan;
  const parameters = plan.parameters.map((value, i) => {
    const slot = slots[i];
    return slot ? leaves[slot.leaf]?.forms[slot.form] : value;
  });
  return { ...plan, parameters };
}

interface Operation {
  definitions: readonly VariableDefinitionNode[];
}

function visibilityKey(visibility: Visibility): string {
  return `${visibility.markings.join()}|${visibility.briefingStatuses.join()}|${visibility.embargoed}`;
}

/**
 * Compiled statements keyed by what they depend on: the document, the operation, what the
 * caller may see, and the variables' shape. Values that only name a record (global ids, slugs)
 * are bound parameters, so a page asking for another briefing reuses the statement instead of
 * compiling one (0.3–1.8 ms) per distinct value.
 */
export function createPlanCache() {
  const documents = new WeakMap<DocumentNode, { id: number; operations: Map<string, Operation> }>();
  let documentCount = 0;
  const entries = new Map<string, Entry>();

  const remember = (key: string, entry: Entry) => {
    if (key.length > MAX_KEY_LENGTH) return;
    if (entries.size >= MAX_ENTRIES) {
      const oldest = entries.keys().next();
      if (!oldest.done) entries.delete(oldest.value);
    }
    entries.set(key, entry);
  };

  const operationOf = (document: DocumentNode, name: string | null | undefined) => {
    let known = documents.get(document);
    if (!known) {
      documentCount += 1;
      known = { id: documentCount, operations: new Map() };
      documents.set(document, known);
    }
    let operation = known.operations.get(name ?? '');
    if (!operation) {
      const definitions = document.definitions.filter(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
      );
      const chosen = name ? definitions.find((d) => d.name?.value === name) : definitions[0];
      operation = { definitions: chosen?.variableDefinitions ?? [] };
      known.operations.set(name ?? '', operation);
    }
    return { documentId: known.id, operation };
  };

  return {
    planFor(
      schema: GraphQLSchema,
      document: DocumentNode,
      operationName: string | null | undefined,
      visibility: Visibility,
      variables: Record<string, unknown> | undefined,
      compile: CompilePlan,
    ): Plan | null {
      const { documentId, operation } = operationOf(document, operationName);
      const base = `${documentId}\u0000${operationName ?? ''}\u0000${visibilityKey(visibility)}`;
      if (operation.definitions.length === 0) {
        const known = entries.get(base);
        if (known?.kind === 'shape') return known.plan;
        const plan = compile(variables);
        remember(base, { kind: 'shape', plan, slots: [] });
        return plan;
      }
      const raw = variables ?? {};
      const coerced = getVariableValues(schema, operation.definitions, raw);
      // The loader path reports the variables' errors.
      if (coerced.errors) return null;
      const leaves: Leaf[] = [];
      const shape: Record<string, unknown> = {};
      for (const definition of operation.definitions) {
        const name = definition.variable.name.value;
        const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
        if (!type) return null;
        shape[name] = shapeOf(type, coerced.coerced[name], raw[name], [name], leaves);
      }
      let key: string;
      try {
        key = `${base}\u0000${JSON.stringify(shape)}`;
      } catch {
        // A value JSON cannot write (a bigint) keys nothing: compiled for this request only.
        return compile(variables);
      }
      const known = entries.get(key);
      if (known?.kind === 'shape') return known.plan && bind(known.plan, known.slots, leaves);
      if (known?.kind === 'byValue') {
        const valueKey = `${key}\u0000${JSON.stringify(raw)}`;
        const value = entries.get(valueKey);
        if (value?.kind === 'value') return value.plan;
        const plan = compile(variables);
        remember(valueKey, { kind: 'value', plan });
        return plan;
      }
      const plan = compile(variables);
      const probed = plan && leaves.length > 0 ? compileProbes(compile, raw, leaves) : plan;
      const slots = plan && probed ? slotsFor(plan, probed, leaves) : null;
      if (slots) remember(key, { kind: 'shape', plan, slots });
      else if (leaves.length === 0) remember(key, { kind: 'shape', plan, slots: [] });
      else {
        remember(key, { kind: 'byValue' });
        remember(`${key}\u0000${JSON.stringify(raw)}`, { kind: 'value', plan });
      }
      return plan;
    },
  };
}
