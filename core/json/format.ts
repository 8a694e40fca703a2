// JSON serialization that matches upstream OVS (lib/json.c) where it matters on the wire and on disk:
// - integers print as decimal integers; a number with an integral value below 2^63 is printed as an integer,
//   because upstream's lexer turns integral literals such as 1.0 or 1e16 into integers, and prints integral
//   reals ("r":1.0 in a real column) as "1" through %.15g anyway;
// - other reals print like C's "%.15g" (upstream uses DBL_DIG digits, which is lossy: 0.30000000000000004
//   prints as 0.3, exactly as upstream does, so replicas agree byte for byte);
// - strings escape '"', '\\', \b \f \n \r \t and other control characters as \u00xx (lowercase hex), and
//   nothing else: non-ASCII is written as raw UTF-8. JSON.stringify on a string does exactly this.
// Values upstream cannot represent are errors, never silently altered: NaN/Infinity, lone UTF-16
// surrogates, NUL characters, non-JSON types, nesting deeper than maxJsonDepth.
// Object members are written in insertion order (upstream uses hash order; readers must not care).

import type { JsonValue } from './value';

/** Deepest nesting upstream's parser accepts (a top-level object counts as 1); also bounds our recursion. */
export const maxJsonDepth = 1000;

export class JsonFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonFormatError';
  }
}

const twoTo63 = 9223372036854775808;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The C printf "%.15g" rendering of a finite double (used for non-integral or huge values). */
export function formatReal(x: number): string {
  if (!Number.isFinite(x)) throw new JsonFormatError(`cannot serialize non-finite number ${x}`);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const text = formatG(x, 15);
  // Within 1e-15 of DBL_MAX, 15 digits round up past it: upstream then writes a number no parser accepts.
  // Only there we deviate, with 17 digits (which always round-trip).
  return Math.abs(x) > 1.79769313486231e308 && !Number.isFinite(Number(text)) ? formatG(x, 17) : text;
}

function formatG(x: number, precision: number): string {
  const [mantissa, exponentText] = x.toExponential(precision - 1).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const digits = stripFractionZeros(mantissa);
    const sign = exponent < 0 ? '-' : '+';
    const magnitude = Math.abs(exponent);
    return `${digits}e${sign}${magnitude < 10 ? '0' : ''}${magnitude}`;
  }
  return stripFractionZeros(x.toFixed(precision - 1 - exponent));
}

function stripFractionZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < twoTo63) {
    return Number.isSafeInteger(x) ? String(x === 0 ? 0 : x) : BigInt(x).toString();
  }
  return formatReal(x);
}

export function formatString(s: string): string {
  if (loneSurrogate.test(s)) throw new JsonFormatError(`cannot serialize string with a lone UTF-16 surrogate: ${JSON.stringify(s.slice(0, 40))}`);
  if (s.includes('\u0000')) throw new JsonFormatError('cannot serialize string containing NUL (upstream OVSDB rejects \\u0000)');
  return JSON.stringify(s);
}

/** Serializes `value` compactly (no whitespace), upstream style. Throws JsonFormatError for unrepresentable values. */
export function formatJson(value: JsonValue): string {
  return formatAt(value, 1);
}

function formatAt(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return formatString(value);
    case 'number':
      return formatNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth > maxJsonDepth) throw new JsonFormatError(`cannot serialize: nesting deeper than maxJsonDepth (${maxJsonDepth})`);
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += formatAt(value[i], depth + 1);
        }
        return out + ']';
      }
      let out = '{';
      let first = true;
      for (const key of Object.keys(value)) {
        if (!first) out += ',';
        first = false;
        out += formatString(key) + ':' + formatAt((value as Record<string, unknown>)[key], depth + 1);
      }
      return out + '}';
    }
    default:
      throw new JsonFormatError(`cannot serialize a ${typeof value} as JSON`);
  }
}

const encoder = new TextEncoder();

/** formatJson as UTF-8 bytes. */
export function formatJsonBytes(value: JsonValue): Uint8Array {
  return encoder.encode(formatJson(value));
}
