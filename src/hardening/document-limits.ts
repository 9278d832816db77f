import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  TokenKind,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.js';
import type { Config, DocumentLimits } from '../config.js';
import { costLimitRule } from './cost-limit.js';
import { mayIntrospect, tierOf, type Tier } from './policy.js';

/**
 * Yoga caches validation results by the names of the rules applied, so each tier's rules carry
 * a name of their own: a document valid for an analyst must not be cached as valid for everyone.
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

function rulesFor(tier: Tier, limits: DocumentLimits): ValidationRule[] {
  return [
    named(`maxDepth_${tier}`, maxDepthRule({ n: limits.depth, ...report })),
    named(`maxAliases_${tier}`, maxAliasesRule({ n: limits.aliases, ...report })),
    named(`maxDirectives_${tier}`, maxDirectivesRule({ n: limits.directives, ...report })),
    named(`costLimit_${tier}`, costLimitRule(limits.cost, tier)),
  ];
}

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

/** Depth, alias, directive, token and cost limits per tier (graphql-armor rules and ours). */
export function documentLimitsPlugin(
  viewers: WeakMap<Request, Viewer>,
  config: Pick<Config, 'restrictedLimits' | 'trustedLimits' | 'introspection' | 'production'>,
): Plugin {
  const limitsOf = { restricted: config.restrictedLimits, trusted: config.trustedLimits };
  const rules = {
    restricted: rulesFor('restricted', config.restrictedLimits),
    trusted: rulesFor('trusted', config.trustedLimits),
  };
  const viewerOf = (request: Request): Viewer => viewers.get(request) ?? { kind: 'anonymous' };
  return {
    onParams({ params, request }) {
      if (typeof params.query !== 'string') return;
      const tier = tierOf(viewerOf(request), config);
      const { tokens } = limitsOf[tier];
      if (countTokensUpTo(params.query, tokens) > tokens) {
        throw createGraphQLError(
          `the document exceeds the token limit of ${tokens} for ${tier} callers`,
          { extensions: { code: 'TOKEN_LIMIT_EXCEEDED', http: { status: 400 } } },
        );
      }
    },
    onValidate({ addValidationRule, context }) {
      // Validation runs before the GraphQL context is built: the request is in the initial one.
      const request = (context as { request?: Request }).request;
      const viewer = request ? viewerOf(request) : { kind: 'anonymous' as const };
      for (const rule of rules[tierOf(viewer, config)]) addValidationRule(rule);
      if (!mayIntrospect(viewer, config)) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
