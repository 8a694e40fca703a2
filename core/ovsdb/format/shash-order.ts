// Upstream's string-hash-map iteration order as the output formatters use it (ovsdb-client list-tables,
// list-columns, monitor rows, JSON objects printed without sorting). The hashing and bucket logic live in
// one place, core/ovsdb/data/shash-order.ts; this file adapts them to what the formatters need.

import type { JsonObject, JsonValue } from '../../json/value';
import { hmapOrder, ovsHashBytes, ovsHashString } from '../data/shash-order';

export { ovsHashBytes, ovsHashString };

/**
 * Returns the indexes of `names` (given in insertion order) in the order upstream's SHASH_FOR_EACH visits
 * them. Names should be distinct (upstream's JSON parser replaces duplicates; schemas reject them).
 */
export function shashOrder(names: readonly string[]): number[] {
  return hmapOrder(names.map((_, i) => i), (i) => ovsHashString(names[i]!));
}

/** `names` reordered as upstream's shash iteration would visit them after inserting them in this order. */
export function inShashOrder(names: readonly string[]): string[] {
  return shashOrder(names).map((i) => names[i]!);
}

/**
 * A copy of `value` whose objects (at every depth) have their members in the order upstream prints an
 * object built by inserting those members in their current order (json_to_string without JSSF_SORT).
 */
export function inUpstreamObjectOrder(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(inUpstreamObjectOrder);
  const out: JsonObject = {};
  for (const name of inShashOrder(Object.keys(value))) out[name] = inUpstreamObjectOrder(value[name]!);
  return out;
}
