// OFPT_GROUP_MOD (OpenFlow 1.5: buckets with ids and properties) and OFPT_METER_MOD.

import { Reader, Writer } from '../bytes';
import { readActions, writeActions } from '../actions/codec';
import { readProperties, writeProperties } from '../properties';
import type { Bucket, GroupMod, MeterBand, MeterMod } from './types';

export const ofpgt = { all: 0, select: 1, indirect: 2, ff: 3 } as const;
export const ofpgbpt = { weight: 0, watchPort: 1, watchGroup: 2 } as const;
export const maxBucketsPerGroup = 1024;
export const maxBandsPerMeter = 64;

export function decodeGroupMod(r: Reader, xid: number): GroupMod {
  const command = r.u16('command');
  const groupType = r.u8('type');
  r.zeros(1);
  const groupId = r.u32('group_id');
  const bucketArrayLen = r.u16('bucket_array_len');
  r.zeros(2);
  const commandBucketId = r.u32('command_bucket_id');
  const buckets = readBuckets(r.sub(bucketArrayLen, 'OFPT_GROUP_MOD buckets'));
  const properties = readProperties(r.sub(r.remaining, 'group properties'), 'group');
  return { type: 'group_mod', xid, command, groupType, groupId, commandBucketId, buckets, properties };
}

export function encodeGroupMod(m: GroupMod, w: Writer): void {
  w.u16(m.command).u8(m.groupType).zeros(1).u32(m.groupId);
  const lenAt = w.length;
  w.u16(0).zeros(2).u32(m.commandBucketId);
  const bucketsStart = w.length;
  writeBuckets(w, m.buckets);
  w.setU16(lenAt, w.length - bucketsStart);
  writeProperties(w, m.properties);
}

/** OpenFlow 1.5 buckets (ofp15_bucket + actions + bucket properties) filling the reader. */
export function readBuckets(br: Reader): Bucket[] {
  const buckets: Bucket[] = [];
  while (!br.atEnd()) {
    if (buckets.length >= maxBucketsPerGroup) br.fail(`more than ${maxBucketsPerGroup} buckets`);
    const start = br.offset;
    const len = br.u16('bucket len');
    const actionLen = br.u16('bucket action_array_len');
    const bucketId = br.u32('bucket_id');
    if (len < 8 || len % 8 !== 0 || actionLen > len - 8) br.fail(`bad bucket length ${len} / actions ${actionLen}`, start);
    const actions = readActions(br.sub(actionLen, 'bucket actions'));
    const properties = readProperties(br.sub(len - 8 - actionLen, 'bucket properties'), 'bucket');
    buckets.push({ bucketId, actions, properties });
  }
  return buckets;
}

export function writeBuckets(w: Writer, buckets: readonly Bucket[]): void {
  for (const b of buckets) {
    const start = w.length;
    w.u16(0).u16(0).u32(b.bucketId);
    writeActions(w, b.actions);
    w.setU16(start + 2, w.length - start - 8);
    writeProperties(w, b.properties);
    w.setU16(start, w.length - start);
  }
}

/** Bucket weight property as OVS writes it (ofpprop_put_u16: the u16 and 2 zero bytes inside the length). */
export function weightProperty(weight: number): { type: number; value: Uint8Array } {
  return { type: ofpgbpt.weight, value: new Uint8Array([weight >>> 8, weight & 0xff, 0, 0]) };
}

function u32Property(type: number, v: number): { type: number; value: Uint8Array } {
  return { type, value: new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]) };
}

export function watchPortProperty(port: number): { type: number; value: Uint8Array } {
  return u32Property(ofpgbpt.watchPort, port);
}

export function watchGroupProperty(group: number): { type: number; value: Uint8Array } {
  return u32Property(ofpgbpt.watchGroup, group);
}

export function decodeMeterMod(r: Reader, xid: number): MeterMod {
  const command = r.u16('command');
  const flags = r.u16('flags');
  const meterId = r.u32('meter_id');
  return { type: 'meter_mod', xid, command, flags, meterId, bands: readBands(r) };
}

/** Meter bands (all 16 bytes: type, len, rate, burst_size, 4 type-specific bytes) filling the reader. */
export function readBands(r: Reader): MeterBand[] {
  const bands: MeterBand[] = [];
  while (!r.atEnd()) {
    if (bands.length >= maxBandsPerMeter) r.fail(`more than ${maxBandsPerMeter} meter bands`);
    const start = r.offset;
    const bandType = r.u16('band type');
    const len = r.u16('band len');
    if (len !== 16) r.fail(`meter band length ${len} != 16`, start);
    bands.push({ bandType, rate: r.u32('rate'), burstSize: r.u32('burst_size'), extra: r.u32('band extra') });
  }
  return bands;
}

export function writeBands(w: Writer, bands: readonly MeterBand[]): void {
  for (const b of bands) w.u16(b.bandType).u16(16).u32(b.rate).u32(b.burstSize).u32(b.extra);
}

export function encodeMeterMod(m: MeterMod, w: Writer): void {
  w.u16(m.command).u16(m.flags).u32(m.meterId);
  writeBands(w, m.bands);
}
