import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { WalkCounter } from './walk-counter.js';

/**
 * How many fields the document's operations reach with every fragment spread expanded, counted
 * up to `limit + 1`: past the limit the exact figure does not matter, and stopping there bounds
 * the work. Each fragment is sized once and its size reused for every spread, so 40 fragments
 * each spreading the previous one twice (2^40 fields expanded) take 40 walks, not 2^40. A spread
 * of a fragment still being sized (a cycle, which NoFragmentCycles reports) counts 0, so cycles
 * cannot loop.
 */
export function expandedFieldCount(
  document: DocumentNode,
  limit: number,
  counter?: WalkCounter,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const cap = limit + 1;
  const sizes = new Map<string, number>();
  const fragmentSize = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    if (!fragment) return 0;
    sizes.set(name, 0);
    const computed = size(fragment.selectionSet);
    sizes.set(name, computed);
    return computed;
  };
  const size = (selectionSet: SelectionSetNode): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (counter) counter.visits += 1;
      if (selection.kind === Kind.FIELD) {
        total += 1 + (selection.selectionSet ? size(selection.selectionSet) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += size(selection.selectionSet);
      } else {
        total += fragmentSize(selection.name.value);
      }
      if (total >= cap) return cap;
    }
    return total;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    total += size(definition.selectionSet);
    if (total >= cap) return cap;
  }
  return total;
}
