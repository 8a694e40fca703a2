// The iteration order of upstream's string hash maps (lib/shash.c over lib/hmap.c), so that output which
// upstream prints "in hash order" (ovsdb-client list-tables, list-columns, monitor rows) is byte-identical.
//
// An upstream shash hashes each name with hash_string(name, 0) (MurmurHash3-style mhash over the UTF-8
// bytes read as little-endian 32-bit words; the portable build that Debian ships, not the SSE4.2 CRC32
// one), inserts the node at the head of bucket (hash & mask), and doubles the bucket array when
// n / 2 > mask, rehashing bucket by bucket (which reverses colliding chains). Iteration walks buckets
// 0..mask, each from its head. The resulting order therefore depends on the insertion order, so callers
// pass names in the order upstream would have inserted them.

import type { JsonObject, JsonValue } from '../../json/value';

const utf8 = new TextEncoder();

function rotl32(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function mhashAdd(hash: number, data: number): number {
  if (data !== 0) {
    let d = Math.imul(data, 0xcc9e2d51) >>> 0;
    d = rotl32(d, 15);
    d = Math.imul(d, 0x1b873593) >>> 0;
    hash = (hash ^ d) >>> 0;
  }
  hash = rotl32(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

function mhashFinish(hash: number): number {
  hash = (hash ^ (hash >>> 16)) >>> 0;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash = (hash ^ (hash >>> 13)) >>> 0;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Upstream's hash_bytes(bytes, n, basis). */
export function ovsHashBytes(bytes: Uint8Array, basis: number): number {
  let hash = basis >>> 0;
  const n = bytes.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    hash = mhashAdd(hash, (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
  }
  if (i < n) {
    let tail = 0;
    for (let j = 0; i + j < n; j++) tail |= bytes[i + j]! << (8 * j);
    hash = mhashAdd(hash, tail >>> 0);
  }
  return mhashFinish((hash ^ n) >>> 0);
}

/** Upstream's hash_string(s, 0), the hash shash uses for names. */
export function ovsHashString(s: string): number {
  return ovsHashBytes(utf8.encode(s), 0);
}

/** Upstream's calc_mask(capacity) for a 64-bit size_t. */
function calcMask(capacity: number): number {
  let mask = Math.floor(capacity / 2);
  // Smear the highest set bit downwards (values here are far below 2^31, so 32-bit shifts suffice).
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask |= (mask & 1) << 1;
  return mask;
}

/**
 * Returns the indexes of `names` (given in insertion order) in the order upstream's SHASH_FOR_EACH visits
 * them. Names should be distinct (upstream's JSON parser replaces duplicates; schemas reject them).
 */
export function shashOrder(names: readonly string[]): number[] {
  const hashes = names.map(ovsHashString);
  let mask = 0;
  let buckets: number[][] = [[]];
  let n = 0;
  for (let i = 0; i < names.length; i++) {
    buckets[hashes[i]! & mask]!.unshift(i);
    n++;
    if (Math.floor(n / 2) > mask) {
      const newMask = calcMask(n);
      if (newMask > mask) {
        const next: number[][] = Array.from({ length: newMask + 1 }, () => []);
        for (const bucket of buckets) for (const node of bucket) next[hashes[node]! & newMask]!.unshift(node);
        buckets = next;
        mask = newMask;
      }
    }
  }
  return buckets.flat();
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
