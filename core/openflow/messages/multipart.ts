// OFPT_MULTIPART_REQUEST/REPLY: u16 type, u16 flags, 4 pad, body. Flow descriptions (OFPMP_FLOW_DESC, 1, the
// OF1.5 form with OXS statistics) and port descriptions (OFPMP_PORT_DESC, 13) are decoded; other types
// are kept raw.

import { Reader, Writer } from '../bytes';
import { readInstructions, writeInstructions } from '../instructions';
import { readMatch, writeMatch } from '../match';
import { readPort, writePort } from './port';
import { readBands, readBuckets, writeBands, writeBuckets } from './group-meter';
import { readProperties, writeProperties } from '../properties';
import type { FlowDesc, GroupDesc, MeterConfig, FlowStatsRequest, MultipartBody, MultipartReply, OxsStat, Port } from './types';

export const ofpmp = { flowDesc: 1, groupDesc: 7, groupFeatures: 8, meterConfig: 10, meterFeatures: 11, portDesc: 13 } as const;
export const ofpmpfReplyMore = 1;
export const oxsClassBasic = 0x8002;
export const oxsField = { duration: 0, idleTime: 1, flowCount: 3, packetCount: 4, byteCount: 5 } as const;
export const maxFlowsPerReply = 65535;

/** r holds the body after the multipart header (type, flags, pad), which the caller has read. */
export function decodeMultipartBody(r: Reader, isReply: boolean, mpType: number): MultipartBody {
  if (mpType === ofpmp.flowDesc) {
    if (!isReply) return { kind: 'flow_desc_request', request: readFlowStatsRequest(r) };
    const flows: FlowDesc[] = [];
    while (!r.atEnd()) {
      if (flows.length >= maxFlowsPerReply) r.fail('too many flows in reply');
      flows.push(readFlowDesc(r));
    }
    return { kind: 'flow_desc_reply', flows };
  }
  if (mpType === ofpmp.portDesc) {
    if (!isReply) {
      const portNo = r.u32('port_no');
      r.zeros(4);
      return { kind: 'port_desc_request', portNo };
    }
    const ports: Port[] = [];
    while (!r.atEnd()) ports.push(readPort(r));
    return { kind: 'port_desc_reply', ports };
  }
  if (mpType === ofpmp.groupDesc) {
    if (!isReply) {
      const groupId = r.u32('group_id');
      r.zeros(4);
      return { kind: 'group_desc_request', groupId };
    }
    const groups: GroupDesc[] = [];
    while (!r.atEnd()) {
      const start = r.offset;
      const length = r.u16('group desc length');
      if (length < 16) r.fail(`group desc length ${length} < 16`, start);
      const g: Reader = r.sub(length - 2, 'OFPMP_GROUP_DESC entry');
      const groupType = g.u8('type');
      g.zeros(1);
      const groupId = g.u32('group_id');
      const bucketLen = g.u16('bucket_list_len');
      g.zeros(6);
      const buckets = readBuckets(g.sub(bucketLen, 'group desc buckets'));
      groups.push({ groupType, groupId, buckets, properties: readProperties(g, 'group') });
    }
    return { kind: 'group_desc_reply', groups };
  }
  if (mpType === ofpmp.meterConfig) {
    if (!isReply) {
      const meterId = r.u32('meter_id');
      r.zeros(4);
      return { kind: 'meter_config_request', meterId };
    }
    const meters: MeterConfig[] = [];
    while (!r.atEnd()) {
      const start = r.offset;
      const length = r.u16('meter config length');
      if (length < 8) r.fail(`meter config length ${length} < 8`, start);
      const m: Reader = r.sub(length - 2, 'OFPMP_METER_CONFIG entry');
      const flags = m.u16('flags');
      const meterId = m.u32('meter_id');
      meters.push({ flags, meterId, bands: readBands(m) });
    }
    return { kind: 'meter_config_reply', meters };
  }
  if (mpType === ofpmp.groupFeatures) {
    if (!isReply) return { kind: 'group_features_request' };
    const types = r.u32('types');
    const capabilities = r.u32('capabilities');
    const four = (what: string) => [r.u32(what), r.u32(what), r.u32(what), r.u32(what)] as const;
    const maxGroups = four('max_groups');
    const actions = four('actions');
    return { kind: 'group_features_reply', features: { types, capabilities, maxGroups, actions } };
  }
  if (mpType === ofpmp.meterFeatures) {
    if (!isReply) return { kind: 'meter_features_request' };
    const maxMeter = r.u32('max_meter');
    const bandTypes = r.u32('band_types');
    const capabilities = r.u32('capabilities');
    const maxBands = r.u8('max_bands');
    const maxColor = r.u8('max_color');
    r.zeros(2);
    return { kind: 'meter_features_reply', features: { maxMeter, bandTypes, capabilities, maxBands, maxColor } };
  }
  return { kind: 'raw', mpType, body: r.take(r.remaining) };
}

export function multipartType(b: MultipartBody): number {
  switch (b.kind) {
    case 'flow_desc_request': case 'flow_desc_reply': return ofpmp.flowDesc;
    case 'port_desc_request': case 'port_desc_reply': return ofpmp.portDesc;
    case 'group_desc_request': case 'group_desc_reply': return ofpmp.groupDesc;
    case 'meter_config_request': case 'meter_config_reply': return ofpmp.meterConfig;
    case 'group_features_request': case 'group_features_reply': return ofpmp.groupFeatures;
    case 'meter_features_request': case 'meter_features_reply': return ofpmp.meterFeatures;
    case 'raw': return b.mpType;
  }
}

export function encodeMultipartBody(b: MultipartBody, w: Writer): void {
  switch (b.kind) {
    case 'flow_desc_request': {
      const q = b.request;
      w.u8(q.tableId).zeros(3).u32(q.outPort).u32(q.outGroup).zeros(4).u64(q.cookie).u64(q.cookieMask);
      writeMatch(w, q.match);
      break;
    }
    case 'flow_desc_reply': for (const f of b.flows) writeFlowDesc(w, f); break;
    case 'port_desc_request': w.u32(b.portNo).zeros(4); break;
    case 'port_desc_reply': for (const p of b.ports) writePort(w, p); break;
    case 'group_desc_request': w.u32(b.groupId).zeros(4); break;
    case 'group_desc_reply':
      for (const g of b.groups) {
        const start = w.length;
        w.u16(0).u8(g.groupType).zeros(1).u32(g.groupId);
        const lenAt = w.length;
        w.u16(0).zeros(6);
        const bucketsStart = w.length;
        writeBuckets(w, g.buckets);
        w.setU16(lenAt, w.length - bucketsStart);
        writeProperties(w, g.properties);
        w.setU16(start, w.length - start);
      }
      break;
    case 'meter_config_request': w.u32(b.meterId).zeros(4); break;
    case 'meter_config_reply':
      for (const m of b.meters) {
        const start = w.length;
        w.u16(0).u16(m.flags).u32(m.meterId);
        writeBands(w, m.bands);
        w.setU16(start, w.length - start);
      }
      break;
    case 'group_features_request': case 'meter_features_request': break;
    case 'group_features_reply': {
      const f = b.features;
      w.u32(f.types).u32(f.capabilities);
      for (const x of f.maxGroups) w.u32(x);
      for (const x of f.actions) w.u32(x);
      break;
    }
    case 'meter_features_reply': {
      const f = b.features;
      w.u32(f.maxMeter).u32(f.bandTypes).u32(f.capabilities).u8(f.maxBands).u8(f.maxColor).zeros(2);
      break;
    }
    case 'raw': w.bytes(b.body); break;
  }
}

function readFlowStatsRequest(r: Reader): FlowStatsRequest {
  const tableId = r.u8('table_id');
  r.zeros(3);
  const outPort = r.u32('out_port');
  const outGroup = r.u32('out_group');
  r.zeros(4);
  const cookie = r.u64('cookie');
  const cookieMask = r.u64('cookie_mask');
  const match = readMatch(r);
  if (!r.atEnd()) r.fail(`${r.remaining} trailing bytes in flow stats request`);
  return { tableId, outPort, outGroup, cookie, cookieMask, match };
}

function readFlowDesc(outer: Reader): FlowDesc {
  const start = outer.offset;
  const length = outer.peekU16();
  if (length < 24) outer.fail(`flow desc length ${length} < 24`, start);
  const r: Reader = outer.sub(length, 'OFPMP_FLOW_DESC entry');
  r.u16();
  r.zeros(2);
  const tableId = r.u8('table_id');
  r.zeros(1);
  const priority = r.u16('priority');
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const flags = r.u16('flags');
  const importance = r.u16('importance');
  const cookie = r.u64('cookie');
  const match = readMatch(r);
  const stats = readOxsStats(r);
  const instructions = readInstructions(r);
  return { tableId, priority, idleTimeout, hardTimeout, flags, importance, cookie, match, stats, instructions };
}

function writeFlowDesc(w: Writer, f: FlowDesc): void {
  const start = w.length;
  w.u16(0).zeros(2).u8(f.tableId).zeros(1).u16(f.priority).u16(f.idleTimeout).u16(f.hardTimeout).u16(f.flags)
    .u16(f.importance).u64(f.cookie);
  writeMatch(w, f.match);
  writeOxsStats(w, f.stats);
  writeInstructions(w, f.instructions);
  w.setU16(start, w.length - start);
}

function readOxsStats(r: Reader): OxsStat[] {
  const start = r.offset;
  r.zeros(2, 'ofp_stats reserved');
  const length = r.u16('ofp_stats length');
  if (length < 4) r.fail(`ofp_stats length ${length} < 4`, start);
  const body: Reader = r.sub(length - 4, 'OXS stats');
  const out: OxsStat[] = [];
  while (!body.atEnd()) {
    const at = body.offset;
    const h = body.u32('OXS header');
    if (h >>> 16 !== oxsClassBasic || h & 0x100) body.fail(`unsupported OXS header 0x${h.toString(16)}`, at);
    out.push({ field: (h >>> 9) & 0x7f, value: body.take(h & 0xff, 'OXS value') });
  }
  r.zeros((8 - (length % 8)) % 8, 'ofp_stats padding');
  return out;
}

function writeOxsStats(w: Writer, stats: readonly OxsStat[]): void {
  const start = w.length;
  w.u16(0).u16(0);
  for (const s of stats) w.u32(((oxsClassBasic << 16) | (s.field << 9) | s.value.length) >>> 0).bytes(s.value);
  w.setU16(start + 2, w.length - start);
  w.padTo(8, start);
}

/** OXS stats as OVS writes them: duration, idle_time, packet_count, byte_count (each omitted when undefined). */
export function makeOxsStats(s: { durationSec?: number; durationNsec?: number; idleAgeSec?: number; packets?: bigint; bytes?: bigint }): OxsStat[] {
  const u64 = (v: bigint) => { const w = new Writer(8); w.u64(v); return w.finish(); };
  const out: OxsStat[] = [];
  if (s.durationSec !== undefined) out.push({ field: oxsField.duration, value: u64((BigInt(s.durationSec) << 32n) | BigInt(s.durationNsec ?? 0)) });
  if (s.idleAgeSec !== undefined) out.push({ field: oxsField.idleTime, value: u64(BigInt(s.idleAgeSec) << 32n) });
  if (s.packets !== undefined) out.push({ field: oxsField.packetCount, value: u64(s.packets) });
  if (s.bytes !== undefined) out.push({ field: oxsField.byteCount, value: u64(s.bytes) });
  return out;
}

/** Encoded size of one flow description (for splitting replies). */
export function flowDescBytes(f: FlowDesc): number {
  const w = new Writer(256);
  writeFlowDesc(w, f);
  return w.length;
}

const multipartReplyHeaderBytes = 16;

/**
 * Splits a flow dump into as many OFPMP_FLOW_DESC replies as needed to keep each message within
 * `maxMessageBytes` (OpenFlow lengths are 16-bit); every reply but the last carries OFPMPF_REPLY_MORE.
 */
export function flowDescReplies(xid: number, flows: readonly FlowDesc[], maxMessageBytes = 0xffff): MultipartReply[] {
  const out: MultipartReply[] = [];
  let batch: FlowDesc[] = [];
  let size = multipartReplyHeaderBytes;
  for (const f of flows) {
    const n = flowDescBytes(f);
    if (multipartReplyHeaderBytes + n > maxMessageBytes) throw new RangeError(`one flow of ${n} bytes cannot fit in a ${maxMessageBytes}-byte reply`);
    if (size + n > maxMessageBytes) {
      out.push({ type: 'multipart_reply', xid, flags: ofpmpfReplyMore, body: { kind: 'flow_desc_reply', flows: batch } });
      batch = [];
      size = multipartReplyHeaderBytes;
    }
    batch.push(f);
    size += n;
  }
  out.push({ type: 'multipart_reply', xid, flags: 0, body: { kind: 'flow_desc_reply', flows: batch } });
  return out;
}
