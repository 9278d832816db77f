import { GraphQLError, type ValidationRule } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { validationCachePlugin } from '../../src/hardening/validation-cache.js';
import { schema } from '../../src/schema.js';

// The cache in front of validation (yoga.ts turns Yoga's own, keyed by rule names, off). What
// it must keep: a document is validated once per rule list, and never answered from the
// results of another list, even one whose rules share names.

/** A rule that counts its runs and refuses documents selecting `refused`. */
function countingRule(name: string): ValidationRule & { runs: number } {
  const rule = Object.assign(
    (context: Parameters<ValidationRule>[0]) => {
      rule.runs += 1;
      return {
        Field(node: { name: { value: string } }) {
          if (node.name.value === 'refused')
            context.reportError(new GraphQLError(`${name} refuses this field`));
        },
      };
    },
    { runs: 0 },
  );
  return Object.defineProperty(rule, 'name', { value: name });
}

/** Adds the rule named by the request's `x-rule` header, as the limits plugin adds its tier's. */
function rulesByHeader(rules: Record<string, ValidationRule>): Plugin {
  return {
    onValidate({ context, addValidationRule }) {
      const request = (context as { request: Request }).request;
      const rule = rules[request.headers.get('x-rule') ?? ''];
      if (rule) addValidationRule(rule);
    },
  };
}

function appWith(plugins: Plugin[]) {
  return createYoga({
    schema,
    logging: false,
    parserAndValidationCache: { validationCache: false },
    plugins: [...plugins, validationCachePlugin()],
  });
}

async function send(app: ReturnType<typeof appWith>, query: string, rule: string) {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      'x-rule': rule,
    },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('validation cache', () => {
  it('validates a document once per rule list', async () => {
    const first = countingRule('limits');
    const app = appWith([rulesByHeader({ first })]);
    for (let i = 0; i < 3; i++) {
      expect(await send(app, '{ __typename }', 'first')).toEqual({
        status: 200,
        body: { data: { __typename: 'Query' } },
      });
    }
    expect(first.runs).toBe(1);
    // Another text is another document.
    await send(app, '{ __typename __schema { queryType { name } } }', 'first');
    expect(first.runs).toBe(2);
  });

  it('keeps rule lists apart by their rules, not their names', async () => {
    // Two tiers whose rules share a name: Yoga's cache would have answered one from the other.
    const strict = countingRule('limits');
    const lenient: ValidationRule & { runs: number } = Object.defineProperty(
      Object.assign((() => ({})) as ValidationRule, { runs: 0 }),
      'name',
      { value: 'limits' },
    );
    const app = appWith([rulesByHeader({ strict, lenient })]);
    expect((await send(app, '{ __typename }', 'lenient')).status).toBe(200);
    expect((await send(app, '{ __typename }', 'strict')).status).toBe(200);
    expect(strict.runs).toBe(1);

    // graphql's own rules refuse the unknown field for everyone; only the strict rule adds its
    // message, so an answer from the other tier's result would show.
    const unknownField = '{ refused }';
    for (let i = 0; i < 2; i++) {
      const answer = await send(app, unknownField, 'strict');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toContainEqual(
        expect.objectContaining({ message: 'limits refuses this field' }),
      );
    }
    // The refusal was remembered too: the second request did not validate again.
    expect(strict.runs).toBe(2);
    const lenientAnswer = await send(app, unknownField, 'lenient');
    expect(lenientAnswer.status).toBe(400);
    expect(lenientAnswer.body.errors).toEqual([
      expect.objectContaining({ message: 'Cannot query field "refused" on type "Query".' }),
    ]);
  });

  it('files a result an earlier plugin set, under its rule list', async () => {
    const rule = countingRule('limits');
    let refusals = 0;
    const refuseLongDocuments: Plugin = {
      onValidate({ params, setResult }) {
        if ((params.documentAST.loc?.end ?? 0) <= 20) return;
        refusals += 1;
        setResult([new GraphQLError('too long')]);
      },
    };
    const app = appWith([rulesByHeader({ rule }), refuseLongDocuments]);
    const long = '{ __typename, a: __typename, b: __typename }';
    for (let i = 0; i < 2; i++) {
      const answer = await send(app, long, 'rule');
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([expect.objectContaining({ message: 'too long' })]);
    }
    // The earlier plugin decides on every request (the cache cannot skip it), no rule ran.
    expect(refusals).toBe(2);
    expect(rule.runs).toBe(0);
  });
});
