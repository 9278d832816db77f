import {
  getOperationAST,
  GraphQLError,
  OperationTypeNode,
  visit,
  type DocumentNode,
} from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { badInput, unstorableCharacterIn } from '../errors/bad-input.js';
import { clientErrorFromPostgres } from '../errors/pg-errors.js';

/** The longest string allowed: MAX_READ_STRING_LENGTH in reads, unbounded in writes. */
type MaxLength = number | null;

/** What is wrong with a string from the request, if anything. */
function problemWith(value: string, maxLength: MaxLength): string | null {
  const unstorable = unstorableCharacterIn(value);
  if (unstorable) return unstorable;
  if (maxLength !== null && value.length > maxLength) {
    return `${value.length} characters, over the ${maxLength} a read takes`;
  }
  return null;
}

/** The strings inside a variable's JSON value, walked without recursion (nesting is the client's). */
function* stringsIn(value: unknown): Generator<string> {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') yield item;
    else if (Array.isArray(item)) for (const element of item) stack.push(element);
    else if (typeof item === 'object' && item !== null)
      for (const field of Object.values(item)) stack.push(field);
  }
}

function literalProblem(document: DocumentNode, maxLength: MaxLength): string | null {
  let problem: string | null = null;
  visit(document, {
    StringValue(node) {
      problem ??= problemWith(node.value, maxLength);
    },
  });
  return problem && `${problem} in a string of the document`;
}

/**
 * The document's literals checked once per document and length limit, not on every request:
 * Yoga's parse cache hands out one document object per query text.
 */
function literalProblemCache() {
  const problems = new WeakMap<DocumentNode, Map<MaxLength, string | null>>();
  return (document: DocumentNode, maxLength: MaxLength): string | null => {
    let byLength = problems.get(document);
    if (!byLength) problems.set(document, (byLength = new Map()));
    let problem = byLength.get(maxLength);
    if (problem === undefined) {
      problem = literalProblem(document, maxLength);
      byLength.set(maxLength, problem);
    }
    return problem;
  };
}

function variableProblem(
  variables: Record<string, unknown> | null | undefined,
  maxLength: MaxLength,
): string | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    for (const text of stringsIn(value)) {
      const problem = problemWith(text, maxLength);
      if (problem) return `${problem} in variable $${name}`;
    }
  }
  return null;
}

/**
 * Errors raised before any field ran carry no path: variable coercion and the like. Their cause,
 * if any, is graphql's own GraphQLError (a thrown Error would be a server bug).
 */
function isRequestError(error: GraphQLError): boolean {
  return (
    !error.path &&
    (!error.originalError || error.originalError instanceof GraphQLError) &&
    error.extensions.code === undefined
  );
}

/**
 * Client mistakes in values answer BAD_USER_INPUT, never a masked "Unexpected error." logged as
 * a server error: strings PostgreSQL cannot store (or, in reads, too long to be a real filter)
 * are refused before execution; values the database itself refuses (a forged cursor key, an
 * out-of-range number) are mapped after it, before masking; and variables that do not coerce
 * (`first: 2147483648`) get the code graphql-js leaves out. Runs before Yoga's error masking.
 */
export function clientInputPlugin(maxReadStringLength: number): Plugin {
  const literalProblemOf = literalProblemCache();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      // Writes take long text (briefing bodies); their inputs are validated field by field.
      const maxLength =
        operation?.operation === OperationTypeNode.MUTATION ? null : maxReadStringLength;
      const problem =
        variableProblem(args.variableValues, maxLength) ??
        literalProblemOf(args.document, maxLength);
      if (problem) {
        setResultAndStopExecution({
          errors: [
            badInput(
              `expected text PostgreSQL can store${maxLength === null ? '' : ` of at most ${maxLength} characters`}, got ${problem}`,
            ),
          ],
        });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (isAsyncIterable(result) || !result.errors) return;
          let changed = false;
          const errors = result.errors.map((error) => {
            const mapped = clientErrorFromPostgres(error.originalError);
            if (!mapped && !isRequestError(error)) return error;
            changed = true;
            return new GraphQLError(mapped?.message ?? error.message, {
              nodes: error.nodes,
              path: error.path,
              extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
            });
          });
          if (changed) setResult({ ...result, errors });
        },
      };
    },
  };
}
