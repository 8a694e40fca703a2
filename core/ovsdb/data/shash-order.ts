// The iteration order of upstream's `struct shash` (a string-keyed hmap), reproduced exactly.
//
// Upstream walks JSON objects and schema column sets in hash-table order, and that order decides which
// error a request gets when it has several problems (the first bad column of a row, the first unexpected
// member, which of two duplicate rows is "First"). To give byte-identical replies we replay the same
// hashing (lib/hash.c hash_bytes: MurmurHash3-style mixing, as built without SSE4.2, the distribution
// default) and the same bucket growth (lib/hmap.c: insert at bucket head, expand when n/2 > mask, rehash
// by walking old buckets in order).

const maxKeys = 1_000_000;

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function mhashAdd(hash: number, data: number): number {
  if (data !== 0) {
    let d = Math.imul(data, 0xcc9e2d51) >>> 0;
    d = rotl(d, 15);
    d = Math.imul(d, 0x1b873593) >>> 0;
    hash = (hash ^ d) >>> 0;
  }
  hash = rotl(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

function mhashFinish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const hashCache = new Map<string, number>();
/** Bound on memoized names: column and member names repeat endlessly, arbitrary strings do not. */
const maxCachedHashes = 100_000;

/** Upstream's hash_string(s, 0) over the UTF-8 bytes of `s` (memoized). */
export function ovsHashString(s: string): number {
  let h = hashCache.get(s);
  if (h === undefined) {
    if (hashCache.size >= maxCachedHashes) hashCache.clear();
    h = ovsHashBytes(utf8(s));
    hashCache.set(s, h);
  }
  return h;
}

function utf8(s: string): Uint8Array {
  // ASCII fast path (every schema name); TextEncoder otherwise.
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return new TextEncoder().encode(s);
    out[i] = c;
  }
  return out;
}

/** Upstream's hash_bytes(bytes, n, basis). */
export function ovsHashBytes(bytes: Uint8Array, basis = 0): number {
  let hash = basis >>> 0;
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) {
    hash = mhashAdd(hash, (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0);
  }
  if (i < bytes.length) {
    let tmp = 0;
    for (let k = 0; i + k < bytes.length; k++) tmp |= bytes[i + k]! << (8 * k);
    hash = mhashAdd(hash, tmp >>> 0);
  }
  return mhashFinish((hash ^ bytes.length) >>> 0);
}

function calcMask(capacity: number): number {
  let mask = Math.floor(capacity / 2);
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  mask |= (mask & 1) << 1;
  return mask;
}

/**
 * The order in which upstream iterates an hmap built by inserting `items` in this order with the given
 * 32-bit hashes (no removals): buckets in index order, newest first within a bucket.
 */
export function hmapOrder<T>(items: readonly T[], hashOf: (item: T) => number): T[] {
  if (items.length < 2) return items.slice();
  if (items.length > maxKeys) throw new RangeError(`hmapOrder: ${items.length} items exceeds ${maxKeys}`);
  let mask = 0;
  let buckets: Array<Array<[T, number]>> = [[]];
  let n = 0;
  for (const item of items) {
    const hash = hashOf(item) >>> 0;
    buckets[hash & mask]!.unshift([item, hash]);
    n++;
    if (Math.floor(n / 2) > mask) {
      const newMask = calcMask(n);
      if (newMask > mask) {
        const old = buckets;
        mask = newMask;
        buckets = Array.from({ length: mask + 1 }, () => []);
        for (const bucket of old) for (const entry of bucket) buckets[(entry[1] & mask) >>> 0]!.unshift(entry);
      }
    }
  }
  return buckets.flatMap((b) => b.map(([item]) => item));
}

const orderCache = new Map<string, readonly string[]>();
/** Bound on memoized key lists (rows of one table repeat the same few column lists). */
const maxCachedOrders = 10_000;

/** The order in which upstream iterates an shash built by inserting `keys` in this order (memoized). */
export function shashOrder(keys: readonly string[]): string[] {
  if (keys.length < 2) return keys.slice();
  const cacheKey = keys.join('\u0000');
  let order = orderCache.get(cacheKey);
  if (order === undefined) {
    if (orderCache.size >= maxCachedOrders) orderCache.clear();
    order = hmapOrder(keys, ovsHashString);
    orderCache.set(cacheKey, order);
  }
  return order.slice();
}

/** Upstream's uuid_hash: the first 32 bits of the UUID (its first 8 hex digits). */
export function ovsUuidHash(uuid: string): number {
  return parseInt(uuid.slice(0, 8), 16) >>> 0;
}

/** Object.entries of a JSON object in upstream's iteration order. */
export function shashEntries<T>(object: { readonly [key: string]: T }): Array<[string, T]> {
  return shashOrder(Object.keys(object)).map((k) => [k, object[k]!]);
}
