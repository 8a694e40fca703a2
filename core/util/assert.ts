// Invariant checks for the pure core (TigerBeetle style): a broken invariant throws at once, with context,
// instead of letting a wrong state travel on.

export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantError';
  }
}

/** Throws InvariantError(message) unless `condition` holds. `message` may be a thunk to avoid building strings. */
export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new InvariantError(typeof message === 'string' ? message : message());
  }
}

/** For exhaustive switches: reaching this is a bug in the caller. */
export function unreachable(value: never, what: string): never {
  throw new InvariantError(`unreachable: unexpected ${what}: ${JSON.stringify(value)}`);
}
