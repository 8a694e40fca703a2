// Decode failures as values. Internal readers throw OfpDecodeError; every public decode function catches it
// and returns { ok: false, error } naming the message type and byte offset.

export class OfpDecodeError extends Error {
  constructor(
    /** What was being decoded, e.g. "OFPT_FLOW_MOD" or "NXAST_LEARN". */
    readonly what: string,
    /** Absolute byte offset in the input where decoding failed. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${what}: ${reason} at offset ${offset}`);
    this.name = 'OfpDecodeError';
  }
}

export type DecodeResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: OfpDecodeError };

/** Runs a decoder, converting any thrown error into an error value (RangeError from bad encodings included). */
export function catchDecode<T>(what: string, offset: number, fn: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof OfpDecodeError) {
      // Name the top-level message first; keep the inner element (action, instruction...) in the reason.
      const err = e.what === what ? e : new OfpDecodeError(what, e.offset, `${e.what}: ${e.reason}`);
      return { ok: false, error: err };
    }
    const reason = e instanceof Error ? e.message : String(e);
    return { ok: false, error: new OfpDecodeError(what, offset, `unexpected: ${reason}`) };
  }
}
