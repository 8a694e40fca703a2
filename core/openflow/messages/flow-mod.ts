// OFPT_FLOW_MOD, OpenFlow 1.5 layout (ofp_flow_mod): cookie, cookie_mask, table_id, command, idle/hard
// timeouts, priority, buffer_id, out_port, out_group, flags, importance, match, instructions.

import { Reader, Writer } from '../bytes';
import { readInstructions, writeInstructions } from '../instructions';
import { readMatch, writeMatch } from '../match';
import type { FlowMod } from './types';

export const ofpfc = { add: 0, modify: 1, modifyStrict: 2, delete: 3, deleteStrict: 4 } as const;
export const ofpBufferNone = 0xffffffff;

export function decodeFlowMod(r: Reader, xid: number): FlowMod {
  const cookie = r.u64('cookie');
  const cookieMask = r.u64('cookie_mask');
  const tableId = r.u8('table_id');
  const command = r.u8('command');
  const idleTimeout = r.u16('idle_timeout');
  const hardTimeout = r.u16('hard_timeout');
  const priority = r.u16('priority');
  const bufferId = r.u32('buffer_id');
  const outPort = r.u32('out_port');
  const outGroup = r.u32('out_group');
  const flags = r.u16('flags');
  const importance = r.u16('importance');
  const match = readMatch(r);
  const instructions = readInstructions(r);
  return {
    type: 'flow_mod', xid, cookie, cookieMask, tableId, command, idleTimeout, hardTimeout, priority, bufferId,
    outPort, outGroup, flags, importance, match, instructions,
  };
}

export function encodeFlowMod(m: FlowMod, w: Writer): void {
  w.u64(m.cookie).u64(m.cookieMask).u8(m.tableId).u8(m.command).u16(m.idleTimeout).u16(m.hardTimeout)
    .u16(m.priority).u32(m.bufferId).u32(m.outPort).u32(m.outGroup).u16(m.flags).u16(m.importance);
  writeMatch(w, m.match);
  writeInstructions(w, m.instructions);
}
