// The bridge's translation cache: exact match on everything a flow key is extracted from (ingress port,
// tunnel metadata, frame bytes), found by a 32-bit FNV-1a hash and confirmed byte for byte, so a collision
// can only cost a miss, never a wrong answer.
import type { FlowMetadata } from '../../core/packet';
import type { Slots } from './fields';
import type { Flow } from './flow-table';

export const maxCacheEntriesCount = 65_536;

export interface CachedOutput { readonly port: number; readonly frame: Uint8Array; readonly state: Slots }
interface Entry {
  readonly frame: Uint8Array;
  readonly meta: FlowMetadata;
  readonly outputs: readonly CachedOutput[];
  readonly flows: readonly Flow[];
}

function sameMeta(a: FlowMetadata, b: FlowMetadata): boolean {
  return a.in_port === b.in_port && a.tun_id === b.tun_id && a.tun_src === b.tun_src && a.tun_dst === b.tun_dst
    && a.tun_metadata0 === b.tun_metadata0 && a.tun_ipv6_src === b.tun_ipv6_src && a.tun_ipv6_dst === b.tun_ipv6_dst;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function cacheHash(frame: Uint8Array, meta: FlowMetadata): number {
  let h = Math.imul(0x811c9dc5 ^ meta.in_port, 0x01000193);
  if (meta.tun_metadata0 !== undefined) h = Math.imul(h ^ meta.tun_metadata0, 0x01000193);
  if (meta.tun_src !== undefined) h = Math.imul(h ^ meta.tun_src, 0x01000193);
  for (let i = 0; i < frame.length; i++) h = Math.imul(h ^ frame[i]!, 0x01000193);
  return h >>> 0;
}

export class XlateCache {
  private readonly buckets = new Map<number, Entry[]>();
  private count = 0;

  get size(): number { return this.count; }

  clear(): void {
    this.buckets.clear();
    this.count = 0;
  }

  get(hash: number, frame: Uint8Array, meta: FlowMetadata): Entry | undefined {
    const b = this.buckets.get(hash);
    if (!b) return undefined;
    for (let i = 0; i < b.length; i++) {
      const e = b[i]!;
      if (sameBytes(e.frame, frame) && sameMeta(e.meta, meta)) return e;
    }
    return undefined;
  }

  /** Stores a translation; when full, the cache starts over (simple, and bounded). */
  put(hash: number, frame: Uint8Array, meta: FlowMetadata, outputs: readonly CachedOutput[], flows: readonly Flow[]): void {
    if (this.count >= maxCacheEntriesCount) this.clear();
    const entry: Entry = { frame: frame.slice(), meta: { ...meta }, outputs, flows };
    const b = this.buckets.get(hash);
    if (b) b.push(entry);
    else this.buckets.set(hash, [entry]);
    this.count++;
  }
}
