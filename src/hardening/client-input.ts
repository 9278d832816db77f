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

/** The longest string a read takes: filters, slugs, ids and cursors are all far shorter. */
export const MAX_READ_STRING_LENGTH = 2000;

/** What is wrong with a string from the request, if anything. */
function problemWith(value: string, read: boolean): string | null {
  const unstorable = unstorableCharacterIn(value);
  if (unstorable) return unstorable;
  if (read && value.length > MAX_READ_STRING_LENGTH) {
    return `${value.length} characters, over the ${MAX_READ_STRING_LENGTH} a read takes`;
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

function literalProblem(document: DocumentNode, read: boolean): string | null {
  let problem: string | null = null;
  visit(document, {
    StringValue(node) {
      problem ??= problemWith(node.value, read);
    },
  });
  return problem;
}

function inputProblem(
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  read: boolean,
): string | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    for (const text of stringsIn(value)) {
      const problem = problemWith(text, read);
      if (problem) return `${problem} in variable $${name}`;
    }
  }
  const problem = literalProblem(document, read);
  return problem && `${problem} in a string of the document`;
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
export function clientInputPlugin(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      const read = operation?.operation !== OperationTypeNode.MUTATION;
      const problem = inputProblem(args.document, args.variableValues, read);
      if (problem) {
        setResultAndStopExecution({
          errors: [
            badInput(
              `expected text PostgreSQL can store${read ? ` of at most ${MAX_READ_STRING_LENGTH} characters` : ''}, got ${problem}`,
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
