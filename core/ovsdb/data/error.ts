// OVSDB errors as RFC 7047 §3.1 and upstream's ovsdb-server put them on the wire:
// {"error": tag, "details": text, "syntax": the offending JSON (sorted, compact)}.
// Parsers and the transaction engine throw OvsdbError; the engine turns it into the wire object.

import { type Json, type JsonObject, jsonToString } from './json';

export class OvsdbError extends Error {
  constructor(
    readonly tag: string,
    readonly details: string | undefined,
    readonly syntax?: string,
  ) {
    super(details === undefined ? tag : `${tag}: ${details}`);
    this.name = 'OvsdbError';
  }

  toJson(): JsonObject {
    const out: { error: string; details?: string; syntax?: string } = { error: this.tag };
    if (this.details !== undefined) out.details = this.details;
    if (this.syntax !== undefined) out.syntax = this.syntax;
    return out;
  }
}

/** Upstream's ovsdb_syntax_error(json, tag, ...): tag defaults to "syntax error", json quoted sorted. */
export function syntaxError(json: Json | undefined, tag: string | null, details: string): OvsdbError {
  return new OvsdbError(tag ?? 'syntax error', details, json === undefined ? undefined : jsonToString(json));
}

export function ovsdbError(tag: string, details: string): OvsdbError {
  return new OvsdbError(tag, details);
}
