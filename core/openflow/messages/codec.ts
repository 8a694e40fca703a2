// Top-level message codec: decodeMessage never throws (bad bytes give an error value naming the message
// type and offset); encodeMessage throws RangeError only for values that cannot be represented.

import { Reader, Writer } from '../bytes';
import { catchDecode, DecodeResult } from '../errors';
import { fixLength, ofpt, ofptName, ofpVersion15, readHeader, writeHeader } from '../header';
import { nxExperimenterId } from '../oxm-fields';
import { readProperties, writeProperties } from '../properties';
import { decodeFlowMod, encodeFlowMod } from './flow-mod';
import { decodeGroupMod, decodeMeterMod, encodeGroupMod, encodeMeterMod } from './group-meter';
import { decodeMultipartBody, encodeMultipartBody, multipartType } from './multipart';
import { decodeNicira, encodeNicira, niciraSubtype } from './nicira';
import { decodePacketIn, decodePacketOut, encodePacketIn, encodePacketOut } from './packet';
import { decodePortStatus, encodePortStatus } from './port';
import type { OfpMessage } from './types';

const ofphetVersionBitmap = 1;

export function decodeMessage(bytes: Uint8Array): DecodeResult<OfpMessage> {
  const typeName = bytes.length >= 2 ? ofptName(bytes[1]!) : 'OpenFlow message';
  return catchDecode(typeName, 0, () => {
    const outer = new Reader(bytes, 0, bytes.length, typeName);
    const h = readHeader(outer);
    if (h.length !== bytes.length) outer.fail(`header length ${h.length} != ${bytes.length} bytes given`, 2);
    if (h.version !== ofpVersion15 && h.type !== ofpt.HELLO && h.type !== ofpt.ERROR) {
      outer.fail(`version ${h.version} is not OpenFlow 1.5 (6)`, 0);
    }
    const r = new Reader(bytes, 8, h.length, typeName);
    const m = decodeBody(r, h.type, h.xid);
    if (!r.atEnd()) r.fail(`${r.remaining} trailing bytes`);
    return m;
  });
}

function decodeBody(r: Reader, type: number, xid: number): OfpMessage {
  switch (type) {
    case ofpt.HELLO: return decodeHello(r, xid);
    case ofpt.ERROR: return { type: 'error', xid, errType: r.u16('type'), code: r.u16('code'), data: r.take(r.remaining) };
    case ofpt.ECHO_REQUEST: return { type: 'echo_request', xid, data: r.take(r.remaining) };
    case ofpt.ECHO_REPLY: return { type: 'echo_reply', xid, data: r.take(r.remaining) };
    case ofpt.EXPERIMENTER: {
      const experimenter = r.u32('experimenter');
      const expType = r.u32('exp_type');
      if (experimenter === nxExperimenterId) {
        const m = decodeNicira(r, xid, expType);
        if (m) return m;
      }
      return { type: 'experimenter', xid, experimenter, expType, data: r.take(r.remaining) };
    }
    case ofpt.FEATURES_REQUEST: return { type: 'features_request', xid };
    case ofpt.FEATURES_REPLY: {
      const datapathId = r.u64('datapath_id');
      const nBuffers = r.u32('n_buffers');
      const nTables = r.u8('n_tables');
      const auxiliaryId = r.u8('auxiliary_id');
      r.zeros(2);
      const capabilities = r.u32('capabilities');
      r.zeros(4, 'reserved');
      return { type: 'features_reply', xid, datapathId, nBuffers, nTables, auxiliaryId, capabilities };
    }
    case ofpt.GET_CONFIG_REQUEST: return { type: 'get_config_request', xid };
    case ofpt.GET_CONFIG_REPLY:
    case ofpt.SET_CONFIG:
      return { type: type === ofpt.SET_CONFIG ? 'set_config' : 'get_config_reply', xid, flags: r.u16('flags'), missSendLen: r.u16('miss_send_len') };
    case ofpt.PACKET_IN: return decodePacketIn(r, xid);
    case ofpt.PORT_STATUS: return decodePortStatus(r, xid);
    case ofpt.PACKET_OUT: return decodePacketOut(r, xid);
    case ofpt.FLOW_MOD: return decodeFlowMod(r, xid);
    case ofpt.GROUP_MOD: return decodeGroupMod(r, xid);
    case ofpt.METER_MOD: return decodeMeterMod(r, xid);
    case ofpt.MULTIPART_REQUEST:
    case ofpt.MULTIPART_REPLY: {
      const mpType = r.u16('multipart type');
      const flags = r.u16('multipart flags');
      r.zeros(4);
      const isReply = type === ofpt.MULTIPART_REPLY;
      const body = decodeMultipartBody(r, isReply, mpType);
      return isReply ? { type: 'multipart_reply', xid, flags, body } : { type: 'multipart_request', xid, flags, body };
    }
    case ofpt.BARRIER_REQUEST: return { type: 'barrier_request', xid };
    case ofpt.BARRIER_REPLY: return { type: 'barrier_reply', xid };
    case ofpt.BUNDLE_CONTROL: {
      const bundleId = r.u32('bundle_id');
      const controlType = r.u16('type');
      const flags = r.u16('flags');
      return { type: 'bundle_control', xid, bundleId, controlType, flags, properties: readProperties(r, 'bundle') };
    }
    case ofpt.BUNDLE_ADD_MESSAGE: {
      const bundleId = r.u32('bundle_id');
      r.zeros(2);
      const flags = r.u16('flags');
      r.need(8, 'inner message header');
      const innerLen = r.peekU16(r.offset + 2);
      if (innerLen < 8) r.fail(`inner message length ${innerLen} < 8`);
      const message = r.take(innerLen, 'inner message');
      return { type: 'bundle_add_message', xid, bundleId, flags, message, properties: readProperties(r, 'bundle') };
    }
    default:
      return r.fail(`unsupported message type ${type}`, 1);
  }
}

function decodeHello(r: Reader, xid: number): OfpMessage {
  const versions: number[] = [];
  while (!r.atEnd()) {
    const start = r.offset;
    const type = r.u16('hello element type');
    const len = r.u16('hello element length');
    if (len < 4) r.fail(`hello element length ${len} < 4`, start);
    const body: Reader = r.sub(len - 4, 'OFPT_HELLO element');
    r.zeros((8 - (len % 8)) % 8, 'hello element padding');
    if (type !== ofphetVersionBitmap) continue; // unknown elements are ignored, as the spec requires
    let word = 0;
    while (!body.atEnd()) {
      const bits = body.u32('version bitmap');
      for (let b = 0; b < 32; b++) if (bits & (1 << b)) versions.push(word * 32 + b);
      word++;
    }
  }
  return { type: 'hello', xid, versions };
}

export function encodeMessage(m: OfpMessage): Uint8Array {
  const w = new Writer(64);
  const start = writeHeader(w, ofpVersion15, messageTypeNumber(m), m.xid);
  switch (m.type) {
    case 'hello': {
      if (m.versions.length > 0) {
        const maxVersion = Math.max(...m.versions);
        const words = new Array<number>(Math.floor(maxVersion / 32) + 1).fill(0);
        for (const v of m.versions) words[Math.floor(v / 32)]! |= 1 << (v % 32);
        const at = w.length;
        w.u16(ofphetVersionBitmap).u16(4 + 4 * words.length);
        for (const x of words) w.u32(x >>> 0);
        w.padTo(8, at);
      }
      break;
    }
    case 'error': w.u16(m.errType).u16(m.code).bytes(m.data); break;
    case 'echo_request': case 'echo_reply': w.bytes(m.data); break;
    case 'features_request': case 'get_config_request': case 'barrier_request': case 'barrier_reply': break;
    case 'features_reply':
      w.u64(m.datapathId).u32(m.nBuffers).u8(m.nTables).u8(m.auxiliaryId).zeros(2).u32(m.capabilities).u32(0);
      break;
    case 'get_config_reply': case 'set_config': w.u16(m.flags).u16(m.missSendLen); break;
    case 'packet_in': encodePacketIn(m, w); break;
    case 'port_status': encodePortStatus(m, w); break;
    case 'packet_out': encodePacketOut(m, w); break;
    case 'flow_mod': encodeFlowMod(m, w); break;
    case 'group_mod': encodeGroupMod(m, w); break;
    case 'meter_mod': encodeMeterMod(m, w); break;
    case 'multipart_request': case 'multipart_reply':
      w.u16(multipartType(m.body)).u16(m.flags).zeros(4);
      encodeMultipartBody(m.body, w);
      break;
    case 'bundle_control': w.u32(m.bundleId).u16(m.controlType).u16(m.flags); writeProperties(w, m.properties); break;
    case 'bundle_add_message': w.u32(m.bundleId).zeros(2).u16(m.flags).bytes(m.message); writeProperties(w, m.properties); break;
    case 'experimenter': w.u32(m.experimenter).u32(m.expType).bytes(m.data); break;
    default:
      w.u32(nxExperimenterId).u32(niciraSubtype(m));
      encodeNicira(m, w);
  }
  fixLength(w, start);
  return w.finish();
}

function messageTypeNumber(m: OfpMessage): number {
  switch (m.type) {
    case 'hello': return ofpt.HELLO;
    case 'error': return ofpt.ERROR;
    case 'echo_request': return ofpt.ECHO_REQUEST;
    case 'echo_reply': return ofpt.ECHO_REPLY;
    case 'features_request': return ofpt.FEATURES_REQUEST;
    case 'features_reply': return ofpt.FEATURES_REPLY;
    case 'get_config_request': return ofpt.GET_CONFIG_REQUEST;
    case 'get_config_reply': return ofpt.GET_CONFIG_REPLY;
    case 'set_config': return ofpt.SET_CONFIG;
    case 'packet_in': return ofpt.PACKET_IN;
    case 'port_status': return ofpt.PORT_STATUS;
    case 'packet_out': return ofpt.PACKET_OUT;
    case 'flow_mod': return ofpt.FLOW_MOD;
    case 'group_mod': return ofpt.GROUP_MOD;
    case 'meter_mod': return ofpt.METER_MOD;
    case 'multipart_request': return ofpt.MULTIPART_REQUEST;
    case 'multipart_reply': return ofpt.MULTIPART_REPLY;
    case 'barrier_request': return ofpt.BARRIER_REQUEST;
    case 'barrier_reply': return ofpt.BARRIER_REPLY;
    case 'bundle_control': return ofpt.BUNDLE_CONTROL;
    case 'bundle_add_message': return ofpt.BUNDLE_ADD_MESSAGE;
    default: return ofpt.EXPERIMENTER;
  }
}
