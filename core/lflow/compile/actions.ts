// Logical flow actions to OpenFlow actions, as ovn-controller 23.03 encodes them (lib/actions.c
// encode_*). One entry per action name in `encoders`; the connection-tracking and controller actions
// live in actions-ct.ts and actions-pinctrl.ts, DHCP/DHCPv6 and ND RA options in actions-dhcp.ts and
// actions-nd-ra.ts, the learn-based commit_lb_aff / commit_ecmp_nh in actions-learn.ts, fwd_group and
// sample in their own files. Field writes become set_field (masked to the written
// bits), copies copy_field, exchanges go through the stack, lookups resubmit to ovn-controller's
// lookup tables with the arguments moved into place around the resubmit.
import type { Action } from '../../openflow';
import type { Actions, Statement } from '../action-syntax';
import { LflowError } from '../errors';
import { ones } from '../expr';
import { unreachable } from '../../util/assert';
import { logFlagBits, ofTables, type CompileContext, type Pipeline } from './context';
import { actionOpcodes, be16, be32, controllerOp } from './controller-op';
import { ctEncoders } from './actions-ct';
import { pinctrlEncoders } from './actions-pinctrl';
import { putDhcpOpts, putDhcpv6Opts } from './actions-dhcp';
import { putNdRaOpts } from './actions-nd-ra';
import { learnEncoders } from './actions-learn';
import { fwdGroup } from './actions-fwd-group';
import { sample } from './actions-sample';
import { constArg, fieldArg, firstTable, intArg, ref, type EncodeState } from './encoder';
import { load, move, ofFieldRef, pop, push, resubmit, toSubfield, type OfRef } from './of-ref';
import type { Constant } from '../syntax';

export type StatementEncoder = (st: EncodeState, s: Extract<Statement, { type: 'action' | 'result' }>, out: Action[]) => void;

/**
 * `datapathKey` is read only by the actions that use it (sample()), so a caller can tell whether the
 * encoding depends on the datapath (chassis-flows.ts shares the actions of datapath groups when not).
 */
export function encodeActions(
  a: Actions, ctx: CompileContext, pipeline: Pipeline, table: number,
  lflowUuid = '00000000-0000-0000-0000-000000000000', datapathKey: () => number = () => 0,
): Action[] {
  const st: EncodeState = {
    ctx, pipeline, table, lflowUuid,
    get datapathKey() {
      return datapathKey();
    },
    encode: (list) => {
      const out: Action[] = [];
      for (const s of list) encodeStatement(st, s, out);
      return out;
    },
  };
  return st.encode(a.statements);
}

const flags = () => ofFieldRef('MFF_REG10');
const inport = () => ofFieldRef('MFF_REG14');
const outport = () => ofFieldRef('MFF_REG15');

function encodeStatement(st: EncodeState, s: Statement, out: Action[]): void {
  switch (s.type) {
    case 'load': {
      const sym = st.ctx.symtab.get(s.lhs.name);
      if (sym?.kind === 'ovn-field') return encodeOvnFieldLoad(st, sym.name, s.value, out);
      const r = ref(st, s.lhs);
      if (s.value.kind === 'string') {
        out.push(load(r, BigInt(st.ctx.lookupPort(s.value.value) ?? 0)));
      } else if (s.value.kind === 'int') {
        out.push(load(r, s.value.value, s.value.mask ?? ones(r.bits)));
      } else {
        throw new LflowError(s.value.pos, 'Address sets and port groups cannot be assigned.');
      }
      return;
    }
    case 'move':
      out.push(move(ref(st, s.rhs), ref(st, s.lhs)));
      return;
    case 'exchange': {
      const l = ref(st, s.lhs);
      const r = ref(st, s.rhs);
      out.push(push(r), push(l), pop(r), pop(l));
      return;
    }
    case 'decrement':
      // Upstream puts an ofpact DEC_TTL with no controller ids, which OVS encodes as NXAST_DEC_TTL_CNT_IDS
      // (printed "dec_ttl()"), not OFPAT_DEC_NW_TTL: a packet whose TTL expires goes to no controller.
      out.push({ type: 'dec_ttl_cnt_ids', ids: [] });
      return;
    case 'result':
    case 'action': {
      const enc = encoders.get(s.name);
      if (!enc) throw new LflowError(s.pos, `Action ${s.name} cannot be compiled to OpenFlow yet.`);
      enc(st, s, out);
      return;
    }
    default:
      unreachable(s, 'statement');
  }
}

/** icmp4.frag_mtu / icmp6.frag_mtu: pinctrl writes them (encode_OVNFIELD_LOAD). */
function encodeOvnFieldLoad(st: EncodeState, name: string, value: Constant, out: Action[]): void {
  if (value.kind !== 'int') throw new LflowError(value.pos, `${name} needs an integer.`);
  const v = Number(value.value);
  const body = name === 'icmp4.frag_mtu' ? be16(v) : be32(v);
  const op = name === 'icmp4.frag_mtu' ? actionOpcodes.putIcmp4FragMtu : actionOpcodes.putIcmp6FragMtu;
  out.push(controllerOp(op, body, { pause: true, meterId: st.ctx.ctrlMeterId }));
}

interface Arg {
  src: OfRef;
  dst: OfRef;
}

function same(a: OfRef, b: OfRef): boolean {
  return a.name === b.name;
}

/** Moves arguments into the registers a lookup table reads (upstream encode_setup_args). */
export function setupArgs(args: readonly Arg[], out: Action[]): void {
  for (const a of args) if (!same(a.src, a.dst)) out.push(push(a.dst));
  for (let i = args.length - 1; i >= 0; i--) if (!same(args[i]!.src, args[i]!.dst)) out.push(push(args[i]!.src));
  for (const a of args) if (!same(a.src, a.dst)) out.push(pop(a.dst));
}

export function restoreArgs(args: readonly Arg[], out: Action[]): void {
  for (let i = args.length - 1; i >= 0; i--) if (!same(args[i]!.src, args[i]!.dst)) out.push(pop(args[i]!.dst));
}

function flagBit(bit: number): OfRef {
  return { ...flags(), ofs: bit, bits: 1 };
}

/** Clear a flag bit, resubmit to a lookup table, copy the bit to the result (encode_result_action__). */
function resultAction(table: number, bit: number, dst: OfRef, out: Action[]): void {
  out.push(load(flagBit(bit), 0n), resubmit(table), move(flagBit(bit), dst));
}

const reg0 = () => ofFieldRef('MFF_REG0');
const xxreg0 = () => ofFieldRef('MFF_XXREG0');
const ethSrc = () => ofFieldRef('MFF_ETH_SRC');
const ethDst = () => ofFieldRef('MFF_ETH_DST');

function getMac(ip: () => OfRef): StatementEncoder {
  return (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: outport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ip() },
    ];
    setupArgs(args, out);
    out.push(load(ethDst(), 0n), resubmit(ofTables.macBinding));
    restoreArgs(args, out);
  };
}

function putMac(ip: () => OfRef, opcode: number): StatementEncoder {
  return (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: inport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ip() },
      { src: fieldArg(st, s.name, s.args, 2, s.pos), dst: ethSrc() },
    ];
    setupArgs(args, out);
    out.push(controllerOp(opcode, new Uint8Array(0), { meterId: st.ctx.ctrlMeterId }));
    restoreArgs(args, out);
  };
}

function resultDst(st: EncodeState, s: Parameters<StatementEncoder>[1]): OfRef {
  if (s.type !== 'result') throw new LflowError(s.pos, `${s.name} must be assigned to a field.`);
  return ref(st, s.lhs);
}

function lookupMac(ip: () => OfRef): StatementEncoder {
  return (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: inport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ip() },
      { src: fieldArg(st, s.name, s.args, 2, s.pos), dst: ethSrc() },
    ];
    setupArgs(args, out);
    resultAction(ofTables.macLookup, logFlagBits.lookupMac, resultDst(st, s), out);
    restoreArgs(args, out);
  };
}

function lookupMacIp(ip: () => OfRef): StatementEncoder {
  return (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: outport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ip() },
    ];
    setupArgs(args, out);
    out.push(push(ethDst()));
    resultAction(ofTables.macBinding, logFlagBits.lookupMac, resultDst(st, s), out);
    out.push(pop(ethDst()));
    restoreArgs(args, out);
  };
}

function result(table: number, bit: number): StatementEncoder {
  return (st, s, out) => resultAction(table, bit, resultDst(st, s), out);
}

function next(st: EncodeState, s: Parameters<StatementEncoder>[1], out: Action[]): void {
  let pipeline = st.pipeline;
  let table = st.table + 1;
  for (const a of s.args ?? []) {
    const t = a.terms[0];
    if (a.key === null) table = intArg(s.args, 0, 'next', s.pos);
    else if (a.key === 'table') table = intArg([a], 0, 'next', s.pos);
    else if (a.key === 'pipeline' && t?.kind === 'name') pipeline = t.ref.name === 'egress' ? 'egress' : 'ingress';
  }
  out.push(resubmit(firstTable(pipeline) + table));
}

/** Upstream QDISC_MAX_QUEUE_ID: queue ids set_queue accepts are 0 to this. */
const maxQueueId = 0xf000;

/** set_queue(N): OpenFlow set_queue (upstream parse_SET_QUEUE / encode_SET_QUEUE). */
function setQueue(_st: EncodeState, s: Parameters<StatementEncoder>[1], out: Action[]): void {
  const c = constArg(s.args, 0, s.name, s.pos);
  if (c.kind !== 'int' || c.mask !== null || (s.args?.length ?? 0) !== 1) throw new LflowError(c.pos, 'set_queue: expecting a queue id.');
  if (c.value > BigInt(maxQueueId)) throw new LflowError(c.pos, `Queue ID ${c.value} for set_queue is not in valid range 0 to ${maxQueueId}.`);
  out.push({ type: 'set_queue', queueId: Number(c.value) });
}

export const encoders: ReadonlyMap<string, StatementEncoder> = new Map<string, StatementEncoder>([
  ['next', next],
  ['output', (st, _s, out) => { out.push(resubmit(st.pipeline === 'ingress' ? 37 : ofTables.saveInport)); }],
  ['push', (st, s, out) => { out.push(push(fieldArg(st, s.name, s.args, 0, s.pos))); }],
  ['pop', (st, s, out) => { out.push(pop(fieldArg(st, s.name, s.args, 0, s.pos))); }],
  ['clone', (st, s, out) => { out.push({ type: 'clone', actions: st.encode(s.type === 'action' ? s.nested ?? [] : []) }); }],
  ['get_arp', getMac(reg0)],
  ['get_nd', getMac(xxreg0)],
  ['put_arp', putMac(reg0, actionOpcodes.putArp)],
  ['put_nd', putMac(xxreg0, actionOpcodes.putNd)],
  ['lookup_arp', lookupMac(reg0)],
  ['lookup_nd', lookupMac(xxreg0)],
  ['lookup_arp_ip', lookupMacIp(reg0)],
  ['lookup_nd_ip', lookupMacIp(xxreg0)],
  ['chk_lb_hairpin', result(ofTables.chkLbHairpin, logFlagBits.lookupLbHairpin)],
  ['chk_lb_hairpin_reply', result(ofTables.chkLbHairpinReply, logFlagBits.lookupLbHairpin)],
  ['check_in_port_sec', result(ofTables.chkInPortSec, logFlagBits.checkPortSec)],
  ['check_out_port_sec', result(ofTables.chkOutPortSec, logFlagBits.checkPortSec)],
  ['chk_lb_aff', result(ofTables.chkLbAffinity, logFlagBits.useLbAffSession)],
  ['chk_ecmp_nh_mac', result(ofTables.ecmpNhMac, logFlagBits.lookupCommitEcmpNh)],
  ['chk_ecmp_nh', result(ofTables.ecmpNh, logFlagBits.lookupCommitEcmpNh)],
  ['set_queue', setQueue],
  ['ct_snat_to_vip', (_st, _s, out) => { out.push(resubmit(ofTables.ctSnatHairpin)); }],
  ['check_pkt_larger', (st, s, out) => {
    const dst = resultDst(st, s);
    out.push({ type: 'check_pkt_larger', pktLen: intArg(s.args, 0, s.name, s.pos), dst: toSubfield(dst) });
  }],
  ['get_fdb', (st, s, out) => {
    const dst = resultDst(st, s);
    const args = [{ src: fieldArg(st, s.name, s.args, 0, s.pos), dst: ethDst() }];
    setupArgs(args, out);
    out.push(load(outport(), 0n), resubmit(ofTables.getFdb));
    restoreArgs(args, out);
    if (dst.name !== 'reg15') out.push(move(outport(), dst));
  }],
  ['lookup_fdb', (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: inport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ethSrc() },
    ];
    setupArgs(args, out);
    out.push(load(flagBit(logFlagBits.lookupFdb), 0n), resubmit(ofTables.lookupFdb));
    restoreArgs(args, out);
    out.push(move(flagBit(logFlagBits.lookupFdb), resultDst(st, s)));
  }],
  ['put_fdb', (st, s, out) => {
    const args = [
      { src: fieldArg(st, s.name, s.args, 0, s.pos), dst: inport() },
      { src: fieldArg(st, s.name, s.args, 1, s.pos), dst: ethSrc() },
    ];
    setupArgs(args, out);
    out.push(controllerOp(actionOpcodes.putFdb, new Uint8Array(0), { meterId: st.ctx.ctrlMeterId }));
    restoreArgs(args, out);
  }],
  ['handle_svc_check', (st, s, out) => {
    const args = [{ src: fieldArg(st, s.name, s.args, 0, s.pos), dst: inport() }];
    setupArgs(args, out);
    out.push(controllerOp(actionOpcodes.handleSvcCheck, new Uint8Array(0), { meterId: st.ctx.ctrlMeterId }));
    restoreArgs(args, out);
  }],
  ['put_dhcp_opts', putDhcpOpts],
  ['put_dhcpv6_opts', putDhcpv6Opts],
  ['put_nd_ra_opts', putNdRaOpts],
  ['fwd_group', fwdGroup],
  ['sample', sample],
  ...learnEncoders,
  ...ctEncoders,
  ...pinctrlEncoders,
]);
