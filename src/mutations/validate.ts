import { decodeGlobalId, withArticle } from '../common/global-id.js';
import { markingsUpTo, type Viewer } from '../common/viewer.js';
import type { Marking } from '../db/types.js';
import { ForbiddenError, ValidationError, type ValidationIssue } from '../errors/domain-errors.js';

export type Path = (string | number)[];

/** A global id from the input, decoded, with what the caller sent and where, to name it if missing. */
export interface Reference {
  id: number;
  globalId: string;
  path: Path;
}

/**
 * What a mutation's parser returns: the command, when the input holds no problem, or every problem
 * found in it. A failure keeps `known`, what was read soundly, for the services that check it
 * against the stored records (a quote against the body, a move against the workflow) and list
 * those problems with the parse's, so the caller gets them all at once.
 */
export type Parsed<Command, Known = object> =
  { ok: true; command: Command } | { ok: false; issues: Issues; known: Known };

/**
 * Settles a parse: the command when no problem was found. `command` is undefined only when a
 * reference did not decode, and that reference's problem is listed.
 */
export function parsed<Command, Known = object>(
  issues: Issues,
  command: Command | undefined,
  known: Known,
): Parsed<Command, Known> {
  return command === undefined || issues.found
    ? { ok: false, issues, known }
    : { ok: true, command };
}

/** The parsed command, once no problem was found; otherwise a ValidationError listing them all. */
export function commandOf<Command>(result: Parsed<Command, unknown>): Command {
  if (!result.ok) throw new ValidationError(result.issues.list);
  return result.command;
}

/**
 * The problems to report with those a service finds on the stored records: the parse's, or a
 * fresh list when the parse found none.
 */
export function issuesOf(result: Parsed<unknown, unknown>): Issues {
  return result.ok ? new Issues() : result.issues;
}

/** A record a write changes: named by its global id, at the version the caller read. */
export interface AtVersion {
  id: Reference;
  expectedVersion: number;
}

/** The arguments of an update: the record, the version read, and the changes. */
export interface UpdateArgs<Input> {
  id: string;
  expectedVersion: number;
  input: Input;
}

/**
 * Parses a write to an existing record: its `id` (first, so that issue leads the list), the
 * version read, and what `parseChange` reads from the other arguments. A failure knows the id
 * (when it decoded) and the change as read.
 */
export function parseAtVersion<Change extends object>(
  args: { id: string; expectedVersion: number },
  typename: string,
  parseChange: (issues: Issues) => Change,
): ParsedAtVersion<Change> {
  const issues = new Issues();
  const id = issues.reference(['id'], args.id, typename);
  const change = parseChange(issues);
  return parsed(issues, id && { id, expectedVersion: args.expectedVersion, ...change }, {
    id,
    ...change,
  });
}

/** A parsed write to an existing record; a failure knows the id (when it decoded) and the change. */
export type ParsedAtVersion<Change> = Parsed<
  AtVersion & Change,
  { id: Reference | undefined } & Change
>;

/** A mutation's `id` argument, which must name a `typename`. */
export function parseIdArgument(globalId: string, typename: string): Parsed<Reference> {
  const issues = new Issues();
  return parsed(issues, issues.reference(['id'], globalId, typename), {});
}

/** A patch field that may be cleared: undefined leaves it as it is, anything else is checked. */
export function ifGiven<T, R>(value: T | undefined, check: (value: T) => R): R | undefined {
  return value === undefined ? undefined : check(value);
}

/**
 * Collects every problem with a mutation's input before anything is written, so the caller
 * gets them all at once, each with its path.
 */
export class Issues {
  readonly list: ValidationIssue[] = [];

  add(path: Path, message: string): void {
    this.list.push({ path, message });
  }

  /** Whether a problem was listed. */
  get found(): boolean {
    return this.list.length > 0;
  }

  throwIfAny(): void {
    if (this.found) throw new ValidationError(this.list);
  }

  /** Trims, then checks length; returns the trimmed text (or null when absent and allowed). */
  text(
    path: Path,
    value: string | null | undefined,
    limits: { max: number; min?: number },
  ): string | null {
    if (value == null) return null;
    const trimmed = value.trim();
    const min = limits.min ?? 1;
    if (trimmed.length < min || trimmed.length > limits.max) {
      this.add(path, `expected ${min} to ${limits.max} characters, got ${trimmed.length}`);
    }
    return trimmed;
  }

  /**
   * A patch field that may be changed but not cleared: undefined leaves it, null is refused
   * (`expected ${what}, got null`, or a generic message without `what`), a value is checked.
   */
  required<T, R>(
    path: Path,
    value: T | null | undefined,
    check: (value: T) => R,
    what?: string,
  ): R | undefined {
    if (value === undefined) return undefined;
    if (value === null) {
      this.add(
        path,
        what === undefined
          ? 'expected a value, got null (this field cannot be cleared)'
          : `expected ${what}, got null`,
      );
      return undefined;
    }
    return check(value);
  }

  /** The free-text `input.description` of actors, relationships and sources. */
  description(value: string | null | undefined): string | null {
    return this.text(['input', 'description'], value, { max: 5000 });
  }

  /** A slug (already a `Slug`) held to a shorter limit than the scalar's: predicates, tags, schemes. */
  slugOfAtMost(path: Path, value: string, max: number): string {
    if (value.length > max)
      this.add(path, `expected a slug of at most ${max} characters, got ${value.length}`);
    return value;
  }

  url(path: Path, value: string | null | undefined): string | null {
    if (value == null) return null;
    const trimmed = value.trim();
    let valid = false;
    try {
      const parsed = new URL(trimmed);
      valid =
        (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
        trimmed.length <= 2000 &&
        !/\s/.test(trimmed);
    } catch {
      valid = false;
    }
    if (!valid)
      this.add(path, `expected an http(s) URL, got ${JSON.stringify(trimmed.slice(0, 80))}`);
    return trimmed;
  }

  intRange(path: Path, value: number | null | undefined, min: number, max: number): number | null {
    if (value == null) return null;
    if (!Number.isInteger(value) || value < min || value > max)
      this.add(path, `expected an integer in ${min}..${max}, got ${value}`);
    return value;
  }

  /** A global id that must name a `typename`; its database id, or undefined with the problem listed. */
  id(path: Path, globalId: string, typename: string): number | undefined {
    try {
      const decoded = decodeGlobalId(globalId);
      if (decoded.typename === typename) return Number(decoded.id);
      this.add(
        path,
        `expected the id of ${withArticle(typename)}, got the id of ${withArticle(decoded.typename)}`,
      );
    } catch {
      this.add(
        path,
        `expected the id of ${withArticle(typename)}, got ${JSON.stringify(globalId.slice(0, 80))}`,
      );
    }
    return undefined;
  }

  /**
   * A global id that must name a `typename`, kept with what was sent and where; undefined, with
   * the problem listed, when it names something else.
   */
  reference(path: Path, globalId: string, typename: string): Reference | undefined {
    const id = this.id(path, globalId, typename);
    return id === undefined ? undefined : { id, globalId, path };
  }
}

/** Writing content above one's own clearance would hide it from its author: refused. */
export function assertMarkingAllowed(viewer: Viewer, marking: Marking): void {
  const clearance = viewer.kind === 'api-key' ? viewer.clearance : 'CLEAR';
  if (!markingsUpTo(clearance).includes(marking)) {
    throw new ForbiddenError(`your key is cleared up to TLP:${clearance}, not ${marking}`);
  }
}
