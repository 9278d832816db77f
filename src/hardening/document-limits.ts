import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  TokenKind,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Viewer } from '../common/viewer.js';
import type { Config, DocumentLimits } from '../config.js';
import { costLimitRule } from './cost-limit.js';
import { expandedFieldCount } from './fragment-expansion.js';
import { mayIntrospect, tierOf, type Tier } from './policy.js';

/**
 * Each tier's rules keep a name of their own. The validation cache in yoga.ts tells rules apart
 * by identity (src/hardening/validation-cache.ts), but Yoga's own, were it turned back on, files
 * results by the rules' names: a document valid for an analyst must never be cached as valid for
 * everyone.
 */
function named(name: string, rule: ValidationRule): ValidationRule {
  return Object.defineProperty(rule, 'name', { value: name });
}

/** Armor throws out of `validate` by default; reported instead, every exceeded limit is listed. */
const report = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
  ],
};

/** The validation rules that enforce a tier's limits (exported for the linearity tests). */
export function documentRules(tier: Tier, limits: DocumentLimits): ValidationRule[] {
  return [
    named(`maxDepth_${tier}`, maxDepthRule({ n: limits.depth, ...report })),
    named(`maxAliases_${tier}`, maxAliasesRule({ n: limits.aliases, ...report })),
    named(`maxDirectives_${tier}`, maxDirectivesRule({ n: limits.directives, ...report })),
    named(`costLimit_${tier}`, costLimitRule(limits.cost, tier)),
  ];
}

/** Characters of document text remembered as within the token limit, all tiers together. */
const MAX_COUNTED_TEXT = 1_000_000;

/**
 * Counts tokens before parsing, so a huge document is refused without building its AST. Runs on
 * the text (not in `parse`) because Yoga caches parse results and errors by text, and the limit
 * differs by caller. A lexing error stops counting; `parse` then reports it.
 */
function countTokensUpTo(text: string, limit: number): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (count <= limit && lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
  }
  return count;
}

/**
 * Every limit of `tier` that `text` (already parsed as `document`) exceeds, each message naming
 * the limit: what the server would refuse at call time, for checks made ahead of it (registering
 * a partner's documents).
 */
export function limitBreaches(
  schema: GraphQLSchema,
  text: string,
  document: DocumentNode,
  tier: Tier,
  limits: DocumentLimits,
): string[] {
  const breaches: string[] = [];
  if (countTokensUpTo(text, limits.tokens) > limits.tokens)
    breaches.push(`exceeds the token limit of ${limits.tokens} for ${tier} callers`);
  if (expandedFieldCount(document, limits.expandedFields) > limits.expandedFields)
    breaches.push(
      `exceeds the expanded fields limit of ${limits.expandedFields} for ${tier} callers`,
    );
  for (const error of validate(schema, document, documentRules(tier, limits)))
    breaches.push(error.message);
  return breaches;
}

/**
 * Depth, alias, directive, token, expansion and cost limits per tier (graphql-armor rules and
 * ours). Every rule here walks each fragment once however often it is spread (armor's memoise
 * per fragment too), so validation work is linear in the document.
 */
export function documentLimitsPlugin(
  viewers: WeakMap<Request, Viewer>,
  config: Pick<Config, 'restrictedLimits' | 'trustedLimits' | 'introspection' | 'production'>,
): Plugin {
  const limitsOf = { restricted: config.restrictedLimits, trusted: config.trustedLimits };
  const rules = {
    restricted: documentRules('restricted', config.restrictedLimits),
    trusted: documentRules('trusted', config.trustedLimits),
  };
  const viewerOf = (request: Request): Viewer => viewers.get(request) ?? { kind: 'anonymous' };
  // Yoga's parse cache hands out one document object per query text, so each document is
  // counted once per tier, not on every request.
  const expandedCounts = {
    restricted: new WeakMap<DocumentNode, number>(),
    trusted: new WeakMap<DocumentNode, number>(),
  };
  const expandedCount = (document: DocumentNode, tier: Tier): number => {
    let count = expandedCounts[tier].get(document);
    if (count === undefined) {
      count = expandedFieldCount(document, limitsOf[tier].expandedFields);
      expandedCounts[tier].set(document, count);
    }
    return count;
  };
  // Texts already counted within a tier's token limit: counting lexes the whole text, which a
  // client sending the same document again need not pay for. Bounded by total length.
  const withinTokens = { restricted: new Set<string>(), trusted: new Set<string>() };
  let countedLength = 0;
  const rememberWithinTokens = (tier: Tier, text: string) => {
    if (countedLength + text.length > MAX_COUNTED_TEXT) {
      withinTokens.restricted.clear();
      withinTokens.trusted.clear();
      countedLength = 0;
    }
    withinTokens[tier].add(text);
    countedLength += text.length;
  };
  return {
    onParams({ params, request }) {
      if (typeof params.query !== 'string') return;
      const tier = tierOf(viewerOf(request), config);
      if (withinTokens[tier].has(params.query)) return;
      const { tokens } = limitsOf[tier];
      if (countTokensUpTo(params.query, tokens) > tokens) {
        throw createGraphQLError(
          `the document exceeds the token limit of ${tokens} for ${tier} callers`,
          { extensions: { code: 'TOKEN_LIMIT_EXCEEDED', http: { status: 400 } } },
        );
      }
      rememberWithinTokens(tier, params.query);
    },
    onValidate({ addValidationRule, context, params, setResult }) {
      // Validation runs before the GraphQL context is built: the request is in the initial one.
      const request = (context as { request?: Request }).request;
      const viewer = request ? viewerOf(request) : { kind: 'anonymous' as const };
      const tier = tierOf(viewer, config);
      for (const rule of rules[tier]) addValidationRule(rule);
      if (!mayIntrospect(viewer, config)) addValidationRule(NoSchemaIntrospectionCustomRule);
      // Before any rule runs (a set result skips validation): rules outside our control may
      // expand fragments, and execution does. The rules stay added, so Yoga's validation
      // cache files this refusal under this tier's rules.
      const { expandedFields } = limitsOf[tier];
      if (expandedCount(params.documentAST, tier) > expandedFields) {
        setResult([
          createGraphQLError(
            `expanded fields limit of ${expandedFields} for ${tier} callers exceeded: with its fragments expanded, the document reaches more than ${expandedFields} fields`,
            { extensions: { code: 'DOCUMENT_TOO_COMPLEX', http: { status: 400 } } },
          ),
        ]);
      }
    },
  };
}
