// Action list codec: dispatches each action TLV to the layout table or to a custom codec, and wraps every
// action with its header, 8-byte padding and length. Nested lists (ct, clone) recurse with a depth bound.

import { Reader, Writer } from '../bytes';
import { nxExperimenterId } from '../oxm-fields';
import { decodeLayout, encodeLayout, layoutRowForAction, layoutRowForWire } from './layout-engine';
import { decodeCopyField, decodeSetField, encodeCopyField, encodeSetField, ofpatCopyField, ofpatSetField } from './field-actions';
import { decodeLearn, encodeLearn } from './learn';
import {
  decodeMultipath, decodeStack, encodeMultipath, encodeStack,
  decodeCheckPktLarger, decodeClone, decodeController2, decodeCt, decodeDecTtlCntIds, decodeNat, decodeNote,
  decodeOutputReg, encodeCheckPktLarger, encodeClone, encodeController2, encodeCt, encodeDecTtlCntIds, encodeNat,
  encodeNote, encodeOutputReg, nxSubtype,
} from './nicira-actions';
import type { Action } from './types';

export const ofpatExperimenter = 0xffff;

/** Wire names, for error messages. */
const ofpatNames: Readonly<Record<number, string>> = {
  0: 'OFPAT_OUTPUT', 15: 'OFPAT_SET_MPLS_TTL', 16: 'OFPAT_DEC_MPLS_TTL', 17: 'OFPAT_PUSH_VLAN', 18: 'OFPAT_POP_VLAN',
  19: 'OFPAT_PUSH_MPLS', 20: 'OFPAT_POP_MPLS', 21: 'OFPAT_SET_QUEUE', 22: 'OFPAT_GROUP', 23: 'OFPAT_SET_NW_TTL',
  24: 'OFPAT_DEC_NW_TTL', 25: 'OFPAT_SET_FIELD', 28: 'OFPAT_COPY_FIELD', 29: 'OFPAT_METER',
};
const nxastNames: Readonly<Record<number, string>> = {
  1: 'NXAST_RESUBMIT', 2: 'NXAST_SET_TUNNEL', 5: 'NXAST_POP_QUEUE', 8: 'NXAST_NOTE', 9: 'NXAST_SET_TUNNEL64',
  10: 'NXAST_MULTIPATH', 14: 'NXAST_RESUBMIT_TABLE', 15: 'NXAST_OUTPUT_REG', 16: 'NXAST_LEARN', 17: 'NXAST_EXIT',
  19: 'NXAST_FIN_TIMEOUT', 20: 'NXAST_CONTROLLER', 21: 'NXAST_DEC_TTL_CNT_IDS', 22: 'NXAST_WRITE_METADATA',
  27: 'NXAST_STACK_PUSH', 28: 'NXAST_STACK_POP', 29: 'NXAST_SAMPLE', 32: 'NXAST_OUTPUT_REG2', 34: 'NXAST_CONJUNCTION',
  35: 'NXAST_CT', 36: 'NXAST_NAT', 37: 'NXAST_CONTROLLER2', 38: 'NXAST_SAMPLE2', 41: 'NXAST_SAMPLE3', 42: 'NXAST_CLONE',
  43: 'NXAST_CT_CLEAR', 44: 'NXAST_RESUBMIT_TABLE_CT', 45: 'NXAST_LEARN2', 49: 'NXAST_CHECK_PKT_LARGER',
};
export const maxActionNestingDepth = 8;
export const maxActionsPerList = 4096;

export function readActions(r: Reader, depth = 0): Action[] {
  if (depth > maxActionNestingDepth) r.fail(`actions nested deeper than ${maxActionNestingDepth}`);
  const out: Action[] = [];
  while (!r.atEnd()) {
    if (out.length >= maxActionsPerList) r.fail(`more than ${maxActionsPerList} actions`);
    out.push(readAction(r, depth));
  }
  return out;
}

function readAction(r: Reader, depth: number): Action {
  const start = r.offset;
  const type = r.u16('action type');
  const len = r.u16('action length');
  if (len < 8 || len % 8 !== 0) r.fail(`action type ${type}: bad length ${len}`, start);
  r.need(len - 4, `action type ${type}`);
  const body: Reader = r.sub(len - 4, type === ofpatExperimenter ? 'experimenter action' : ofpatNames[type] ?? `OFPAT ${type}`);
  const nested = (nr: Reader) => readActions(nr, depth + 1);
  if (type !== ofpatExperimenter) {
    if (type === ofpatSetField) return decodeSetField(body);
    if (type === ofpatCopyField) return decodeCopyField(body);
    const row = layoutRowForWire('of', type);
    if (!row) body.fail(`unknown action type ${type}`, start);
    // The layout table mirrors the Action types; roundtrip.test.ts checks every row against a typed sample.
    return decodeLayout(row, body) as unknown as Action;
  }
  const vendor = body.u32('experimenter');
  if (vendor !== nxExperimenterId) body.fail(`unknown action experimenter 0x${vendor.toString(16)}`, start);
  const subtype = body.u16('NX subtype');
  const nx: Reader = new Reader(body.bytes, body.offset, body.end, nxastNames[subtype] ?? `NXAST ${subtype}`);
  switch (subtype) {
    case nxSubtype.note: return decodeNote(nx);
    case nxSubtype.outputReg: return decodeOutputReg(nx, 'reg');
    case nxSubtype.outputReg2: return decodeOutputReg(nx, 'reg2');
    case nxSubtype.learn: return decodeLearn(nx, 'learn');
    case nxSubtype.learn2: return decodeLearn(nx, 'learn2');
    case nxSubtype.decTtlCntIds: return decodeDecTtlCntIds(nx);
    case nxSubtype.ct: return decodeCt(nx, nested);
    case nxSubtype.nat: return decodeNat(nx);
    case nxSubtype.controller2: return decodeController2(nx);
    case nxSubtype.clone: return decodeClone(nx, nested);
    case nxSubtype.checkPktLarger: return decodeCheckPktLarger(nx);
    case nxSubtype.stackPush: return decodeStack(nx, 'stack_push');
    case nxSubtype.stackPop: return decodeStack(nx, 'stack_pop');
    case nxSubtype.multipath: return decodeMultipath(nx);
    default: {
      const row = layoutRowForWire('nx', subtype);
      if (!row) nx.fail(`unknown Nicira action subtype ${subtype}`, start);
      return decodeLayout(row, nx) as unknown as Action;
    }
  }
}

export function writeActions(w: Writer, actions: readonly Action[]): void {
  for (const a of actions) writeAction(w, a);
}

function nxSubtypeFor(a: Action): number | undefined {
  switch (a.type) {
    case 'note': return nxSubtype.note;
    case 'output_reg': return a.variant === 'reg' ? nxSubtype.outputReg : nxSubtype.outputReg2;
    case 'learn': return a.variant === 'learn' ? nxSubtype.learn : nxSubtype.learn2;
    case 'dec_ttl_cnt_ids': return nxSubtype.decTtlCntIds;
    case 'ct': return nxSubtype.ct;
    case 'nat': return nxSubtype.nat;
    case 'controller2': return nxSubtype.controller2;
    case 'clone': return nxSubtype.clone;
    case 'check_pkt_larger': return nxSubtype.checkPktLarger;
    case 'stack_push': return nxSubtype.stackPush;
    case 'stack_pop': return nxSubtype.stackPop;
    case 'multipath': return nxSubtype.multipath;
    default: return undefined;
  }
}

function writeAction(w: Writer, a: Action): void {
  const start = w.length;
  const custom = nxSubtypeFor(a);
  if (a.type === 'set_field' || a.type === 'copy_field') {
    w.u16(a.type === 'set_field' ? ofpatSetField : ofpatCopyField).u16(0);
    if (a.type === 'set_field') encodeSetField(a, w);
    else encodeCopyField(a, w);
  } else if (custom !== undefined) {
    w.u16(ofpatExperimenter).u16(0).u32(nxExperimenterId).u16(custom);
    switch (a.type) {
      case 'note': encodeNote(a, w); break;
      case 'output_reg': encodeOutputReg(a, w); break;
      case 'learn': encodeLearn(a, w); break;
      case 'dec_ttl_cnt_ids': encodeDecTtlCntIds(a, w); break;
      case 'ct': encodeCt(a, w, writeActions); break;
      case 'nat': encodeNat(a, w); break;
      case 'controller2': encodeController2(a, w); break;
      case 'clone': encodeClone(a, w, writeActions); break;
      case 'check_pkt_larger': encodeCheckPktLarger(a, w); break;
      case 'stack_push': case 'stack_pop': encodeStack(a, w); break;
      case 'multipath': encodeMultipath(a, w); break;
      default: throw new RangeError(`no custom encoder for ${a.type}`);
    }
  } else {
    const rec = a as unknown as Readonly<Record<string, unknown>>;
    const row = layoutRowForAction(rec);
    if (!row) throw new RangeError(`no encoding for action ${a.type}`);
    if (row.vendor === 'of') w.u16(row.code).u16(0);
    else w.u16(ofpatExperimenter).u16(0).u32(nxExperimenterId).u16(row.code);
    encodeLayout(row, rec, w);
  }
  // Nicira actions are at least 16 bytes; everything is padded to a multiple of 8.
  if (w.length - start < 8) w.zeros(8 - (w.length - start));
  w.padTo(8, start);
  w.setU16(start + 2, w.length - start);
}
