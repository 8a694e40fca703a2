// The JSON values OVSDB speaks (RFC 7047 §3) and the exact text form upstream prints for them.
// Upstream (lib/json.c) prints objects with sorted keys when it quotes a request back in an error's
// "syntax" member, and prints reals with "%.15g"; we reproduce both so replies compare byte for byte.

export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** C printf "%.{precision}g" for a finite double. */
export function formatG(x: number, precision: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  // toExponential gives the correctly rounded exponent; recompute it from there.
  const [mant, e] = x.toExponential(precision - 1).split('e') as [string, string];
  const exponent = Number(e);
  if (exponent < -4 || exponent >= precision) {
    const m = stripZeros(mant);
    const sign = exponent < 0 ? '-' : '+';
    const abs = Math.abs(exponent);
    return `${m}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(x.toFixed(Math.max(0, precision - 1 - exponent)));
}

function stripZeros(s: string): string {
  if (!s.includes('.')) return s;
  return s.replace(/\.?0+$/, '');
}

/** Upstream's compact serialization: sorted object keys when `sortKeys`, reals as "%.15g". */
export function jsonToString(value: Json, sortKeys = true): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 1e21 ? String(value) : formatG(value, 15);
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map((v) => jsonToString(v, sortKeys)).join(',')}]`;
  const obj = value as JsonObject;
  const keys = Object.keys(obj);
  if (sortKeys) keys.sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jsonToString(obj[k]!, sortKeys)}`).join(',')}}`;
}
