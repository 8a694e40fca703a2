// OpenFlow groups (all, select, indirect, fast failover) and group_mod handling. Select picks a bucket by a
// deterministic hash of the packet's L3/L4 fields, weighted by bucket weight (OVS hashes differently;
// what matters here is that one flow always takes one bucket and a run is reproducible).
import {
  ofpgbpt, ofpgt, type Bucket, type GroupMod,
} from '../../core/openflow';
import { S, W, type Slots } from './fields';

export const maxGroupsCount = 65_536;
export const ofpgcAdd = 0;
export const ofpgcModify = 1;
export const ofpgcDelete = 2;
export const ofpgAll = 0xfffffffc;

export interface Group { readonly groupId: number; readonly groupType: number; readonly buckets: readonly Bucket[]; readonly mod: GroupMod }

export class GroupModError extends Error {
  constructor(readonly code: 'exists' | 'unknown_group' | 'bad_type' | 'bad_command' | 'table_full', message: string) {
    super(message);
  }
}

function u32(v: Uint8Array | undefined): number | undefined {
  return v && v.length >= 4 ? ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0 : undefined;
}

export function bucketWeight(b: Bucket): number {
  const p = b.properties.find((x) => x.type === ofpgbpt.weight);
  return p && p.value.length >= 2 ? (p.value[0]! << 8) | p.value[1]! : 1;
}
export function bucketWatchPort(b: Bucket): number | undefined {
  return u32(b.properties.find((x) => x.type === ofpgbpt.watchPort)?.value);
}

export class GroupTable {
  private readonly groups = new Map<number, Group>();
  generation = 0;

  get(id: number): Group | undefined {
    return this.groups.get(id);
  }
  all(): Group[] {
    return [...this.groups.values()].sort((a, b) => a.groupId - b.groupId);
  }

  apply(gm: GroupMod): void {
    if (gm.command === ofpgcDelete) {
      if (gm.groupId === ofpgAll) this.groups.clear();
      else this.groups.delete(gm.groupId);
      this.generation++;
      return;
    }
    if (gm.groupType > ofpgt.ff) throw new GroupModError('bad_type', `group type ${gm.groupType} is not all/select/indirect/ff`);
    if (gm.groupType === ofpgt.indirect && gm.buckets.length !== 1) {
      throw new GroupModError('bad_type', `indirect group ${gm.groupId} needs exactly one bucket, has ${gm.buckets.length}`);
    }
    const g: Group = { groupId: gm.groupId, groupType: gm.groupType, buckets: gm.buckets, mod: gm };
    if (gm.command === ofpgcAdd) {
      if (this.groups.has(gm.groupId)) throw new GroupModError('exists', `group ${gm.groupId} already exists`);
      if (this.groups.size >= maxGroupsCount) throw new GroupModError('table_full', `${maxGroupsCount} groups`);
    } else if (gm.command === ofpgcModify) {
      if (!this.groups.has(gm.groupId)) throw new GroupModError('unknown_group', `group ${gm.groupId} does not exist`);
    } else {
      throw new GroupModError('bad_command', `group_mod command ${gm.command} is not add/modify/delete`);
    }
    this.groups.set(gm.groupId, g);
    this.generation++;
  }
}

/** FNV-1a over the 5-tuple-ish fields: stable across runs and platforms. */
export function flowHash(s: Slots): number {
  let h = 0x811c9dc5;
  const mix = (v: number | bigint | undefined) => {
    const text = v === undefined ? '-' : v.toString(16);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  };
  const wide = [W.eth_src, W.eth_dst, W.ipv6_src, W.ipv6_dst].flatMap((parts) => parts.map((p) => p.slot));
  for (const i of [...wide, S.eth_type, S.ip_src, S.ip_dst, S.nw_proto, S.tcp_src, S.tcp_dst, S.udp_src, S.udp_dst]) mix(s[i]);
  return h >>> 0;
}

/** The buckets a group executes for this packet. `portLive` says whether a watched port is up. */
export function chooseBuckets(g: Group, s: Slots, portLive: (port: number) => boolean): readonly Bucket[] {
  switch (g.groupType) {
    case ofpgt.all: return g.buckets;
    case ofpgt.indirect: return g.buckets.slice(0, 1);
    case ofpgt.ff: {
      const live = g.buckets.find((b) => { const w = bucketWatchPort(b); return w === undefined || w === 0xffffffff || portLive(w); });
      return live ? [live] : [];
    }
    default: {
      const total = g.buckets.reduce((n, b) => n + bucketWeight(b), 0);
      if (total === 0) return [];
      let pick = flowHash(s) % total;
      for (const b of g.buckets) {
        pick -= bucketWeight(b);
        if (pick < 0) return [b];
      }
      return [];
    }
  }
}
