// Assertions for the contract suites, which must stay pure (no node:assert): each failure names what was
// being checked and shows both values, or the first differing offset for byte arrays.

export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContractViolation';
  }
}

export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new ContractViolation(typeof message === 'string' ? message : message());
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text;
}

/** Equality of primitives, or of JSON-representable values by their JSON text. */
export function checkEqual<T>(actual: T, expected: T, what: string): void {
  const same =
    typeof expected === 'object' && expected !== null
      ? JSON.stringify(actual) === JSON.stringify(expected)
      : Object.is(actual, expected);
  check(same, () => `${what}: expected ${show(expected)}, got ${show(actual)}`);
}

export function checkBytes(actual: Uint8Array | null, expected: Uint8Array, what: string): void {
  check(actual !== null, () => `${what}: expected ${expected.length} bytes, got null`);
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) {
      throw new ContractViolation(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
  check(actual.length === expected.length, () => `${what}: length ${actual.length}, expected ${expected.length}`);
}

/** Runs `action`, which must throw; returns the error for further checks. */
export function checkThrows(action: () => unknown, what: string): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new ContractViolation(`${what}: expected an error, but none was thrown`);
}

/** `n` bytes of a recognizable pattern that differs per `seed` (so misplaced chunks are caught). */
export function patternBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + (i >>> 8)) & 0xff;
  return out;
}

export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

export function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
