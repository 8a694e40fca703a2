// Prints actions and instructions the way ovs-ofctl does (OVS format_* in ofp-actions.c).

import type { Action, LearnAction, NatAction } from '../actions/types';
import { nxCtFlags, nxCtRecircNone, nxLearnFlags, nxNatFlags, nxNatRange } from '../actions/types';
import type { Instruction } from '../instructions';
import { fieldBytes } from '../oxm-fields';
import type { Subfield } from '../oxm';
import { dottedHex, formatFieldValue, ipv4, ipv6, ofp11PortTo16, portName, putHex } from './values';

/** mf_format_subfield: NXM/OXM name (the field's first code) then [], [n] or [a..b]. */
export function formatSubfield(sf: Subfield): string {
  const name = sf.field.codes[0]?.name ?? sf.field.name;
  if (sf.ofs === 0 && sf.nBits === sf.field.bits) return `${name}[]`;
  if (sf.nBits === 1) return `${name}[${sf.ofs}]`;
  return `${name}[${sf.ofs}..${sf.ofs + sf.nBits - 1}]`;
}

export const multipathFields = ['eth_src', 'symmetric_l4', 'symmetric_l3l4', 'symmetric_l3l4+udp', 'nw_src', 'nw_dst', 'symmetric_l3'];
export const multipathAlgorithms = ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'];
const packetInReasons = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
const ofprAction = 1;
const noMeter = 0xffffffff; // NX_CTLR_NO_METER

function reasonName(r: number): string {
  return packetInReasons[r] ?? String(r);
}

function formatNat(a: NatAction): string {
  let s = 'nat';
  if (!(a.flags & (nxNatFlags.src | nxNatFlags.dst))) return s;
  const items: string[] = [];
  let first = a.flags & nxNatFlags.src ? 'src' : 'dst';
  if (a.rangePresent & (nxNatRange.ipv4Min | nxNatRange.ipv6Min)) {
    first += '=';
    if (a.ipv4Min) {
      first += ipv4(a.ipv4Min);
      if (a.ipv4Max && ipv4(a.ipv4Max) !== ipv4(a.ipv4Min)) first += `-${ipv4(a.ipv4Max)}`;
    } else if (a.ipv6Min) {
      // Brackets only when a port follows (OVS ipv6_format_addr_bracket).
      const br = (x: string) => (a.protoMin ? `[${x}]` : x);
      first += br(ipv6(a.ipv6Min));
      if (a.ipv6Max && ipv6(a.ipv6Max) !== ipv6(a.ipv6Min)) first += `-${br(ipv6(a.ipv6Max))}`;
    }
    if (a.protoMin) {
      first += `:${a.protoMin}`;
      if (a.protoMax && a.protoMax !== a.protoMin) first += `-${a.protoMax}`;
    }
  }
  items.push(first);
  if (a.flags & nxNatFlags.persistent) items.push('persistent');
  if (a.flags & nxNatFlags.hash) items.push('hash');
  if (a.flags & nxNatFlags.random) items.push('random');
  s += `(${items.join(',')})`;
  return s;
}

function formatLearn(a: LearnAction): string {
  const p: string[] = [`table=${a.tableId}`];
  if (a.idleTimeout) p.push(`idle_timeout=${a.idleTimeout}`);
  if (a.hardTimeout) p.push(`hard_timeout=${a.hardTimeout}`);
  if (a.finIdleTimeout) p.push(`fin_idle_timeout=${a.finIdleTimeout}`);
  if (a.finHardTimeout) p.push(`fin_hard_timeout=${a.finHardTimeout}`);
  if (a.priority !== 0x8000) p.push(`priority=${a.priority}`);
  if (a.flags & nxLearnFlags.sendFlowRem) p.push('send_flow_rem');
  if (a.flags & nxLearnFlags.deleteLearned) p.push('delete_learned');
  if (a.cookie !== 0n) p.push(`cookie=0x${a.cookie.toString(16)}`);
  if (a.limit) p.push(`limit=${a.limit}`);
  if (a.flags & nxLearnFlags.writeResult && a.resultDst) p.push(`result_dst=${formatSubfield(a.resultDst)}`);
  for (const s of a.specs) {
    if (s.src instanceof Uint8Array) {
      const immBytes = Math.ceil(s.nBits / 8);
      const imm = s.src.subarray(s.src.length - immBytes);
      const dst = s.dstField;
      if (s.dst === 'match' && dst) {
        if (dst.ofs === 0 && dst.nBits === dst.field.bits) {
          const full = new Uint8Array(fieldBytes(dst.field));
          full.set(imm, full.length - imm.length);
          p.push(`${dst.field.name}=${formatFieldValue(dst.field, full)}`);
        } else {
          p.push(`${formatSubfield(dst)}=${putHex(imm)}`);
        }
      } else if (s.dst === 'load' && dst) {
        p.push(`load:${putHex(imm)}->${formatSubfield(dst)}`);
      }
    } else if (s.dst === 'match' && s.dstField) {
      const d = s.dstField;
      const same = d.field === s.src.field && d.ofs === s.src.ofs;
      p.push(same ? formatSubfield(d) : `${formatSubfield(d)}=${formatSubfield(s.src)}`);
    } else if (s.dst === 'load' && s.dstField) {
      p.push(`load:${formatSubfield(s.src)}->${formatSubfield(s.dstField)}`);
    } else {
      p.push(`output:${formatSubfield(s.src)}`);
    }
  }
  return `learn(${p.join(',')})`;
}

export function formatAction(a: Action): string {
  switch (a.type) {
    case 'output': {
      const port = ofp11PortTo16(a.port);
      const name = portName(port);
      const prefix = port < 0xff00 ? 'output:' : '';
      return port === 0xfffd ? `${prefix}${name}:${a.maxLen}` : `${prefix}${name}`;
    }
    case 'group': return `group:${a.groupId}`;
    case 'set_queue': return `set_queue:${a.queueId}`;
    case 'push_vlan': return `push_vlan:0x${a.ethertype.toString(16)}`;
    case 'pop_vlan': return 'pop_vlan';
    case 'dec_ttl': return 'dec_ttl';
    case 'set_nw_ttl': return `mod_nw_ttl:${a.ttl}`;
    case 'push_mpls': return `push_mpls:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case 'pop_mpls': return `pop_mpls:0x${a.ethertype.toString(16).padStart(4, '0')}`;
    case 'dec_mpls_ttl': return 'dec_mpls_ttl';
    case 'meter': return `meter:${a.meterId}`;
    case 'set_field':
      return `set_field:${formatFieldValue(a.entry.field, a.entry.value, a.entry.mask)}->${a.entry.field.name}`;
    case 'copy_field': return `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`;
    case 'resubmit': {
      const inPort = ofp11PortTo16(a.inPort);
      if (inPort !== 0xfff8 && a.table === 255 && a.variant !== 'table_ct') return `resubmit:${portName(inPort)}`;
      return `resubmit(${inPort !== 0xfff8 ? portName(inPort) : ''},${a.table !== 255 ? a.table : ''}${a.variant === 'table_ct' ? ',ct' : ''})`;
    }
    case 'set_tunnel': return `set_tunnel:0x${a.tunId.toString(16)}`;
    case 'set_tunnel64': return `set_tunnel64:0x${a.tunId.toString(16)}`;
    case 'pop_queue': return 'pop_queue';
    case 'note': return `note:${dottedHex(a.data)}`;
    case 'output_reg': return `output:${formatSubfield(a.src)}`;
    case 'exit': return 'exit';
    case 'ct_clear': return 'ct_clear';
    case 'fin_timeout': {
      const p: string[] = [];
      if (a.idleTimeout) p.push(`idle_timeout=${a.idleTimeout}`);
      if (a.hardTimeout) p.push(`hard_timeout=${a.hardTimeout}`);
      return `fin_timeout(${p.join(',')})`;
    }
    case 'controller':
    case 'controller2': {
      const reason = a.reason ?? ofprAction;
      const maxLen = a.maxLen ?? 0xffff;
      const id = a.controllerId ?? 0;
      const userdata = a.type === 'controller2' ? a.userdata : undefined;
      const pause = a.type === 'controller2' && a.pause;
      const meterId = (a.type === 'controller2' ? a.meterId : undefined) ?? noMeter;
      if (reason === ofprAction && id === 0 && !userdata?.length && !pause && meterId === noMeter) {
        return `CONTROLLER:${maxLen}`;
      }
      const p: string[] = [];
      if (reason !== ofprAction) p.push(`reason=${reasonName(reason)}`);
      if (maxLen !== 0xffff) p.push(`max_len=${maxLen}`);
      if (id !== 0) p.push(`id=${id}`);
      if (userdata?.length) p.push(`userdata=${dottedHex(userdata)}`);
      if (pause) p.push('pause');
      if (meterId !== noMeter) p.push(`meter_id=${meterId}`);
      return `controller(${p.join(',')})`;
    }
    case 'write_metadata':
      return `write_metadata:0x${a.metadata.toString(16)}${a.mask === 0xffffffffffffffffn ? '' : `/0x${a.mask.toString(16)}`}`;
    case 'sample': {
      let s = `sample(probability=${a.probability},collector_set_id=${a.collectorSetId},obs_domain_id=${a.obsDomainId},obs_point_id=${a.obsPointId}`;
      if (a.samplingPort !== 0xffff) s += `,sampling_port=${portName(a.samplingPort)}`;
      if (a.direction === 1) s += ',ingress';
      if (a.direction === 2) s += ',egress';
      return `${s})`;
    }
    case 'conjunction': return `conjunction(${a.id},${a.clause + 1}/${a.nClauses})`;
    case 'ct': {
      const p: string[] = [];
      if (a.flags & nxCtFlags.commit) p.push('commit');
      if (a.flags & nxCtFlags.force) p.push('force');
      if (a.recircTable !== nxCtRecircNone) p.push(`table=${a.recircTable}`);
      if (a.zoneSrc) p.push(`zone=${formatSubfield(a.zoneSrc)}`);
      else if (a.zoneImm) p.push(`zone=${a.zoneImm}`);
      let rest = a.actions;
      if (rest[0]?.type === 'nat') {
        p.push(formatNat(rest[0]));
        rest = rest.slice(1);
      }
      if (rest.length) p.push(`exec(${formatActions(rest)})`);
      if (a.alg === 21) p.push('alg=ftp');
      else if (a.alg === 69) p.push('alg=tftp');
      else if (a.alg) p.push(`alg=${a.alg}`);
      return `ct(${p.join(',')})`;
    }
    case 'nat': return formatNat(a);
    case 'clone': return `clone(${formatActions(a.actions)})`;
    case 'dec_ttl_cnt_ids': return `dec_ttl(${a.ids.join(',')})`;
    case 'check_pkt_larger': return `check_pkt_larger(${a.pktLen})->${formatSubfield(a.dst)}`;
    case 'learn': return formatLearn(a);
    case 'stack_push': return `push:${formatSubfield(a.field)}`;
    case 'stack_pop': return `pop:${formatSubfield(a.field)}`;
    case 'multipath':
      return `multipath(${multipathFields[a.fields] ?? `<unknown ${a.fields}>`},${a.basis},${multipathAlgorithms[a.algorithm] ?? `<unknown ${a.algorithm}>`},${a.maxLink + 1},${a.arg},${formatSubfield(a.dst)})`;
  }
}

export function formatActions(actions: readonly Action[]): string {
  return actions.map(formatAction).join(',');
}

/** The "actions=" text of a flow: apply_actions inline, other instructions by name; "drop" when empty. */
export function formatInstructions(instructions: readonly Instruction[]): string {
  const p: string[] = [];
  for (const ins of instructions) {
    switch (ins.type) {
      case 'meter': p.push(`meter:${ins.meterId}`); break;
      case 'clear_actions': p.push('clear_actions'); break;
      case 'apply_actions': if (ins.actions.length) p.push(formatActions(ins.actions)); break;
      case 'write_actions': p.push(`write_actions(${formatActions(ins.actions)})`); break;
      case 'write_metadata':
        p.push(`write_metadata:0x${ins.metadata.toString(16)}${ins.mask === 0xffffffffffffffffn ? '' : `/0x${ins.mask.toString(16)}`}`);
        break;
      case 'goto_table': p.push(`goto_table:${ins.tableId}`); break;
    }
  }
  return p.length ? p.join(',') : 'drop';
}
