import type { DocumentNode, GraphQLSchema, ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Results = WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly Error[]>>;

interface RuleNode {
  next: Map<ValidationRule, RuleNode>;
  results: Results;
}

/**
 * Distinct rule lists remembered, at most. The lists come from a handful of tiers (graphql's
 * rules, each tier's limits, with or without the introspection block): this bound only matters
 * if a plugin ever added a new rule object per request, which would then go uncached instead of
 * growing the cache.
 */
const MAX_RULE_NODES = 1000;

/**
 * Validation results per rule list, schema and document (Yoga's parse cache hands out one
 * document object per text). Yoga's own validation cache (off in yoga.ts) keys by the rules'
 * names, read and joined on every request: 2.5 % of the CPU of answering `{ __typename }`. The
 * rules are the same objects from request to request (graphql's specified rules, each tier's
 * limits made once in document-limits.ts), so this walks them by identity instead, which also
 * keeps two different rules that happen to share a name apart. Registered after every plugin that
 * adds rules, so it sees the full list; a result set before it (a refusal) is filed too.
 */
export function validationCachePlugin(): Plugin {
  const node = (): RuleNode => ({ next: new Map(), results: new WeakMap() });
  const root = node();
  let nodes = 1;
  const resultsFor = (rules: readonly ValidationRule[]): Results | null => {
    let at = root;
    for (const rule of rules) {
      let next = at.next.get(rule);
      if (!next) {
        if (nodes >= MAX_RULE_NODES) return null;
        next = node();
        nodes += 1;
        at.next.set(rule, next);
      }
      at = next;
    }
    return at.results;
  };
  return {
    onValidate({ params: { schema, documentAST, rules }, setResult }) {
      const results = resultsFor(rules ?? []);
      if (!results) return;
      let byDocument = results.get(schema);
      if (!byDocument) {
        byDocument = new WeakMap();
        results.set(schema, byDocument);
      }
      const cached = byDocument.get(documentAST);
      if (cached) {
        setResult(cached);
        return;
      }
      const documents = byDocument;
      return ({ result }) => {
        documents.set(documentAST, result);
      };
    },
  };
}
