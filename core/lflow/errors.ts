// Errors of the logical flow language. Every malformed input ends in one LflowError carrying the character
// position (0-based offset into the input) where the problem was found, so callers can point at it.

export class LflowError extends Error {
  constructor(
    readonly pos: number,
    readonly problem: string,
  ) {
    super(`${problem} (at position ${pos})`);
    this.name = 'LflowError';
  }

  /** The input with a caret under the failing position, for logs and CLI output. */
  render(input: string): string {
    const line = input.replace(/[\n\r\t]/g, ' ');
    return `${this.message}\n  ${line}\n  ${' '.repeat(Math.min(this.pos, line.length))}^`;
  }
}

/** The expression is valid but normalizing it would exceed a named bound (e.g. maxDnfConjunctionsCount). */
export class LflowTooComplexError extends LflowError {
  constructor(pos: number, problem: string) {
    super(pos, problem);
    this.name = 'LflowTooComplexError';
  }
}

/** Result of an API entry point that must not throw on bad input. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: LflowError };

/** Runs `f`, turning an LflowError into a failed Result; any other exception is a bug and propagates. */
export function attempt<T>(f: () => T): Result<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof LflowError) return { ok: false, error: e };
    throw e;
  }
}
