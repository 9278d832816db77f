/** One problem with a mutation's input, at its path (e.g. `["input", "claims", 2, "validTo"]`). */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
}

/** The input breaks shape or domain rules; every problem found is listed. Nothing was written. */
export class ValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(
      issues.length === 1
        ? (issues[0]?.message ?? 'invalid input')
        : `${issues.length} problems with the input`,
    );
    this.name = 'ValidationError';
  }
}

/** A referenced record does not exist, or the caller may not see it (the two look the same). */
export class NotFoundError extends Error {
  constructor(
    readonly entity: string,
    readonly reference: string,
    readonly path: (string | number)[] = [],
  ) {
    super(`${entity} ${reference} not found`);
    this.name = 'NotFoundError';
  }
}

/** The write clashes with the current state: a stale version, a taken slug, a reused key. */
export class ConflictError extends Error {
  constructor(
    message: string,
    readonly currentVersion: number | null = null,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** The caller's key may not do this. */
export class ForbiddenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

export const DOMAIN_ERRORS = [
  ValidationError,
  NotFoundError,
  ConflictError,
  ForbiddenError,
] as const;
