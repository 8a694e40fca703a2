// OFPT_PACKET_IN (OF1.3+ layout) and OFPT_PACKET_OUT (OF1.5 layout, with a match carrying in_port etc.).

import { Reader, Writer } from '../bytes';
import { readActions, writeActions } from '../actions/codec';
import { readMatch, writeMatch } from '../match';
import type { PacketIn, PacketOut } from './types';

export function decodePacketIn(r: Reader, xid: number): PacketIn {
  const bufferId = r.u32('buffer_id');
  const totalLen = r.u16('total_len');
  const reason = r.u8('reason');
  const tableId = r.u8('table_id');
  const cookie = r.u64('cookie');
  const match = readMatch(r);
  r.zeros(2, 'packet_in pad');
  return { type: 'packet_in', xid, bufferId, totalLen, reason, tableId, cookie, match, data: r.take(r.remaining, 'packet data') };
}

export function encodePacketIn(m: PacketIn, w: Writer): void {
  w.u32(m.bufferId).u16(m.totalLen).u8(m.reason).u8(m.tableId).u64(m.cookie);
  writeMatch(w, m.match);
  w.zeros(2).bytes(m.data);
}

export function decodePacketOut(r: Reader, xid: number): PacketOut {
  const bufferId = r.u32('buffer_id');
  const actionsLen = r.u16('actions_len');
  r.zeros(2);
  const match = readMatch(r);
  const actions = readActions(r.sub(actionsLen, 'OFPT_PACKET_OUT actions'));
  return { type: 'packet_out', xid, bufferId, match, actions, data: r.take(r.remaining, 'packet data') };
}

export function encodePacketOut(m: PacketOut, w: Writer): void {
  w.u32(m.bufferId);
  const lenAt = w.length;
  w.u16(0).zeros(2);
  writeMatch(w, m.match);
  const start = w.length;
  writeActions(w, m.actions);
  w.setU16(lenAt, w.length - start);
  w.bytes(m.data);
}
