/**
 * A value now, or later. Yoga runs a hook's continuation synchronously when the hook returns a
 * plain value; every returned promise costs the request microtask hops. Hooks on the hot path
 * (every request) therefore return a promise only when they have something to wait for.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Applies `next` to the value, at once when it is already there. */
export function thenMaybe<T, R>(
  value: MaybePromise<T>,
  next: (resolved: T) => MaybePromise<R>,
): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value);
}
