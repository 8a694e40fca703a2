// JSON values as OVSDB handles them (RFC 7159 data model, as produced by JSON.parse).
// Integers are plain numbers: the stream reader rejects integer literals a double cannot hold exactly
// (such as 2^53+1) instead of silently rounding them (upstream holds them as int64; we cannot).

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [member: string]: JsonValue;
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own member lookup: never reaches Object.prototype (a member named "constructor" is data, not a method). */
export function getMember(object: JsonObject, name: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : undefined;
}

export function hasMember(object: JsonObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, name);
}

/** Structural equality; object member order is irrelevant, array order matters. */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const other = getMember(b, key);
    if (other === undefined || !jsonEqual(a[key]!, other)) return false;
  }
  return true;
}

/** Short, printable excerpt of a value for error messages (never the whole of a huge value). */
export function jsonExcerpt(value: JsonValue, maxChars = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}
