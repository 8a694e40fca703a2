// Nicira vendor messages (OFPT_EXPERIMENTER with experimenter 0x00002320 and a u32 subtype).

import { Reader, Writer } from '../bytes';
import { readProperties, writeProperties } from '../properties';
import type { OfpMessage, TlvMap } from './types';

export const nxt = {
  setFlowFormat: 12, flowModTableId: 15, setPacketInFormat: 16, setControllerId: 20, tlvTableMod: 24,
  tlvTableRequest: 25, tlvTableReply: 26, resume: 28, ctFlushZone: 29, packetIn2: 30,
} as const;
/** NXT_SET_PACKET_IN_FORMAT values. */
export const nxpif = { standard: 0, nxm: 1, nxt2: 2 } as const;
/** NXT_TLV_TABLE_MOD commands. */
export const ntttmc = { add: 0, delete: 1, clear: 2 } as const;
export const maxTlvMaps = 64;

type NxMessage = Extract<OfpMessage, { type: `nx_${string}` }>;

function readTlvMaps(r: Reader): TlvMap[] {
  const out: TlvMap[] = [];
  while (!r.atEnd()) {
    if (out.length >= maxTlvMaps) r.fail(`more than ${maxTlvMaps} TLV mappings`);
    const optionClass = r.u16('option_class');
    const optionType = r.u8('option_type');
    const optionLen = r.u8('option_len');
    const index = r.u16('index');
    r.zeros(2);
    out.push({ optionClass, optionType, optionLen, index });
  }
  return out;
}

function writeTlvMaps(w: Writer, maps: readonly TlvMap[]): void {
  for (const m of maps) w.u16(m.optionClass).u8(m.optionType).u8(m.optionLen).u16(m.index).zeros(2);
}

/** Decodes the body after the 16-byte nicira_header; undefined for subtypes we do not model. */
export function decodeNicira(r: Reader, xid: number, subtype: number): NxMessage | undefined {
  switch (subtype) {
    case nxt.setFlowFormat: return { type: 'nx_set_flow_format', xid, format: r.u32('format') };
    case nxt.flowModTableId: {
      const set = r.u8('set');
      r.zeros(7);
      return { type: 'nx_flow_mod_table_id', xid, set };
    }
    case nxt.setPacketInFormat: return { type: 'nx_set_packet_in_format', xid, format: r.u32('format') };
    case nxt.setControllerId: {
      r.zeros(6);
      return { type: 'nx_set_controller_id', xid, controllerId: r.u16('controller_id') };
    }
    case nxt.tlvTableMod: {
      const command = r.u16('command');
      r.zeros(6);
      return { type: 'nx_tlv_table_mod', xid, command, mappings: readTlvMaps(r) };
    }
    case nxt.tlvTableRequest: return { type: 'nx_tlv_table_request', xid };
    case nxt.tlvTableReply: {
      const maxOptionSpace = r.u32('max_option_space');
      const maxFields = r.u16('max_fields');
      r.zeros(10);
      return { type: 'nx_tlv_table_reply', xid, maxOptionSpace, maxFields, mappings: readTlvMaps(r) };
    }
    case nxt.resume: return { type: 'nx_resume', xid, properties: readProperties(r, 'NXT_RESUME') };
    case nxt.packetIn2: return { type: 'nx_packet_in2', xid, properties: readProperties(r, 'NXT_PACKET_IN2') };
    case nxt.ctFlushZone: {
      r.zeros(6);
      return { type: 'nx_ct_flush_zone', xid, zoneId: r.u16('zone_id') };
    }
    default: return undefined;
  }
}

export function niciraSubtype(m: NxMessage): number {
  switch (m.type) {
    case 'nx_set_flow_format': return nxt.setFlowFormat;
    case 'nx_flow_mod_table_id': return nxt.flowModTableId;
    case 'nx_set_packet_in_format': return nxt.setPacketInFormat;
    case 'nx_set_controller_id': return nxt.setControllerId;
    case 'nx_tlv_table_mod': return nxt.tlvTableMod;
    case 'nx_tlv_table_request': return nxt.tlvTableRequest;
    case 'nx_tlv_table_reply': return nxt.tlvTableReply;
    case 'nx_resume': return nxt.resume;
    case 'nx_packet_in2': return nxt.packetIn2;
    case 'nx_ct_flush_zone': return nxt.ctFlushZone;
  }
}

export function encodeNicira(m: NxMessage, w: Writer): void {
  switch (m.type) {
    case 'nx_set_flow_format': w.u32(m.format); break;
    case 'nx_flow_mod_table_id': w.u8(m.set).zeros(7); break;
    case 'nx_set_packet_in_format': w.u32(m.format); break;
    case 'nx_set_controller_id': w.zeros(6).u16(m.controllerId); break;
    case 'nx_tlv_table_mod': w.u16(m.command).zeros(6); writeTlvMaps(w, m.mappings); break;
    case 'nx_tlv_table_request': break;
    case 'nx_tlv_table_reply': w.u32(m.maxOptionSpace).u16(m.maxFields).zeros(10); writeTlvMaps(w, m.mappings); break;
    case 'nx_resume':
    case 'nx_packet_in2': writeProperties(w, m.properties); break;
    case 'nx_ct_flush_zone': w.zeros(6).u16(m.zoneId); break;
  }
}
