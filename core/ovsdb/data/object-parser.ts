// Reads the members of a JSON object the way upstream's ovsdb_parser does, so malformed requests and
// schemas get the same error text: "Parsing <what> failed: Required 'x' member is missing.",
// "Type mismatch for member 'x'.", "Member 'x' is present but not allowed here.". The first error wins.

import { type Json, type JsonObject, isJsonObject } from './json';
import { OvsdbError, syntaxError } from './error';
import { isId } from './atom';
import { shashOrder } from './shash-order';

/** Accepted JSON kinds for a member; "id" is a string that is a valid RFC 7047 <id>. */
export type MemberKind = 'id' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'any';

export class ObjectParser {
  readonly object: JsonObject | null;
  private readonly used = new Set<string>();
  private firstError: OvsdbError | null = null;

  constructor(
    readonly json: Json,
    private readonly name: string,
  ) {
    this.object = isJsonObject(json) ? json : null;
    if (!this.object) this.raise('Object expected.');
  }

  /** The member's value if present and of an accepted kind; undefined otherwise (recording an error). */
  member(name: string, kinds: readonly MemberKind[], optional = false): Json | undefined {
    if (!this.object) return undefined;
    if (!Object.prototype.hasOwnProperty.call(this.object, name)) {
      if (!optional) this.raise(`Required '${name}' member is missing.`);
      return undefined;
    }
    const value = this.object[name]!;
    if (kinds.some((k) => matches(value, k))) {
      this.used.add(name);
      return value;
    }
    this.raise(`Type mismatch for member '${name}'.`);
    return undefined;
  }

  raise(message: string): void {
    if (!this.firstError) {
      this.firstError = syntaxError(this.object ?? undefined, null, `Parsing ${this.name} failed: ${message}`);
    }
  }

  /** Records an error found while interpreting a member (the first error wins). */
  put(error: OvsdbError): void {
    if (!this.firstError) this.firstError = error;
  }

  get error(): OvsdbError | null {
    return this.firstError;
  }

  /** Throws the first error, if any. */
  check(): void {
    if (this.firstError) throw this.firstError;
  }

  /** Checks for members that were never asked for, then returns the first error (or null). */
  finish(): OvsdbError | null {
    if (!this.firstError && this.object) {
      // Upstream reports the first unused member in its hash-table order (only computed on error).
      let unused = Object.keys(this.object).filter((k) => !this.used.has(k));
      if (unused.length > 1) unused = shashOrder(Object.keys(this.object)).filter((k) => !this.used.has(k));
      if (unused.length > 1) {
        const n = unused.length - 1;
        this.raise(`Member '${unused[0]}' and ${n} other member${n > 1 ? 's' : ''} are present but not allowed here.`);
      } else if (unused.length === 1) {
        this.raise(`Member '${unused[0]}' is present but not allowed here.`);
      }
    }
    return this.firstError;
  }

  /** finish() and throw on error. */
  finishOrThrow(): void {
    const e = this.finish();
    if (e) throw e;
  }
}

function matches(value: Json, kind: MemberKind): boolean {
  switch (kind) {
    case 'id':
      return typeof value === 'string' && isId(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
    case 'any':
      return true;
  }
}
