import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Each module in src/ (a path relative to src/, with `/`) → the modules in src/ it imports. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/**
 * Relative module specifiers in `file`: static imports and re-exports, `import type` included,
 * and `import('…')` with a literal. A type-only import is erased at run time, but it ties the
 * two modules together as much as any other (STYLE.md: no circular imports), so it counts.
 */
function relativeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const specifier =
      ts.isImportDeclaration(node) || ts.isExportDeclaration(node)
        ? node.moduleSpecifier
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
          ? node.arguments[0]
          : undefined;
    if (specifier && ts.isStringLiteralLike(specifier) && specifier.text.startsWith('.'))
      found.push(specifier.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The import graph of src/, read from the source text (no type checking, so it is quick). */
export function readImportGraph(root: string = SRC): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(root)) {
    const targets = relativeSpecifiers(file).map((specifier) => {
      // NodeNext: imports name the emitted .js file; the source is the .ts beside it.
      const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
      if (!existsSync(target))
        throw new Error(`expected ${specifier} in ${file} to name a file, got no ${target}`);
      return target;
    });
    graph.set(
      path.relative(root, file).split(path.sep).join('/'),
      targets
        .filter((target) => !path.relative(root, target).startsWith('..'))
        .map((target) => path.relative(root, target).split(path.sep).join('/')),
    );
  }
  return graph;
}

/**
 * One cycle per strongly connected component (Tarjan's algorithm), as the path from the
 * component's first module (by name) back to itself, shortest first: fixing those one by one
 * reveals the rest of a tangle.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const connect = (module: string): void => {
    index.set(module, index.size);
    lowLink.set(module, index.get(module) ?? 0);
    stack.push(module);
    onStack.add(module);
    for (const next of graph.get(module) ?? []) {
      if (!index.has(next)) {
        connect(next);
        lowLink.set(module, Math.min(lowLink.get(module) ?? 0, lowLink.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lowLink.set(module, Math.min(lowLink.get(module) ?? 0, index.get(next) ?? 0));
      }
    }
    if (lowLink.get(module) !== index.get(module)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== module);
    if (component.length > 1 || graph.get(module)?.includes(module)) components.push(component);
  };
  for (const module of graph.keys()) if (!index.has(module)) connect(module);

  return components.map((component) => {
    const members = new Set(component);
    const [start] = [...members].sort();
    if (start === undefined) throw new Error('expected a non-empty component');
    // Breadth-first inside the component, from `start` until an edge leads back to it.
    const cameFrom = new Map<string, string>();
    const queue = [start];
    for (const module of queue) {
      for (const next of graph.get(module) ?? []) {
        if (next === start) {
          const cycle = [start];
          for (let at: string | undefined = module; at !== start; at = cameFrom.get(at)) {
            if (at === undefined) throw new Error(`expected a path back to ${start}`);
            cycle.splice(1, 0, at);
          }
          return [...cycle, start];
        }
        if (members.has(next) && !cameFrom.has(next)) {
          cameFrom.set(next, module);
          queue.push(next);
        }
      }
    }
    throw new Error(`expected a cycle through ${start}`);
  });
}
