// Parses ovs-ofctl action syntax ("load:0x1->NXM_NX_REG15[],resubmit(,37)") into instructions, encoding
// each action the way ovs-ofctl does for OpenFlow 1.5 (load -> set_field, move -> copy_field, ...).

import type { Action } from '../actions/types';
import { fromHex } from '../bytes';
import type { Instruction } from '../instructions';
import { fieldBytes, preferredCode } from '../oxm-fields';
import type { OxmEntry, Subfield } from '../oxm';
import {
  FlowSyntaxError, findField, maxNestingDepth, parseFieldValue, parseSmall, parseSubfield, parseUint, splitTopLevel,
  toBytes,
} from './lex';
import { arrow, need, parseController, parseCt, parseLearn, parseNat, splitAction } from './nicira-parse';
import { minBytes, parsePort } from './match-parse';
import { multipathAlgorithms, multipathFields } from './action-format';

const version = 6;

function ones(bits: number): bigint {
  return (1n << BigInt(bits)) - 1n;
}

/** load:VALUE->DST[a..b] as OVS encodes it in OF1.5: set_field with the value shifted and a bit mask. */
function loadAsSetField(valueText: string, dst: Subfield): Action {
  const v = parseUint(valueText, 'load value');
  if (v >> BigInt(dst.nBits) !== 0n) throw new FlowSyntaxError(valueText, `value does not fit in ${dst.nBits} bits`);
  const bytes = fieldBytes(dst.field);
  const code = preferredCode(dst.field, version)!;
  const whole = dst.ofs === 0 && dst.nBits === dst.field.bits;
  const value = toBytes(v << BigInt(dst.ofs), bytes);
  const entry: OxmEntry = whole ? { field: dst.field, code, value } : { field: dst.field, code, value, mask: toBytes(ones(dst.nBits) << BigInt(dst.ofs), bytes) };
  return { type: 'set_field', entry };
}

function setField(arg: string): Action {
  const [valueText, fieldName] = arrow(arg, 'set_field');
  const f = findField(fieldName);
  const code = preferredCode(f, version);
  if (!code) throw new FlowSyntaxError(fieldName, `field ${f.name} cannot be set`);
  const bytes = fieldBytes(f);
  const { v, m } = parseFieldValue(f, valueText);
  if (f.variableLength) {
    // tun_metadata without a TLV table: OVS sends as many bytes as the value needs.
    const n = minBytes(v | (m ?? 0n));
    const entry: OxmEntry = m === undefined ? { field: f, code, value: toBytes(v, n) } : { field: f, code, value: toBytes(v & m, n), mask: toBytes(m, n) };
    return { type: 'set_field', entry };
  }
  const entry: OxmEntry = m === undefined || m === ones(bytes * 8)
    ? { field: f, code, value: toBytes(v, bytes) }
    : { field: f, code, value: toBytes(v & m, bytes), mask: toBytes(m, bytes) };
  return { type: 'set_field', entry };
}

/** Output to a 16-bit OVS port; the controller port gets max_len 65535 as in OVS. */
function outputTo(port: number): Action {
  return { type: 'output', port: port >= 0xff00 ? port + 0xffff0000 : port, maxLen: port === 0xfffd ? 0xffff : 0 };
}

function parseOne(text: string, depth: number): Action[] {
  const { name, paren, arg } = splitAction(text);
  switch (name) {
    case 'drop': return [];
    case 'output':
      if (need(arg, 'output').includes('[')) {
        const src = parseSubfield(arg!, 1);
        // NXAST_OUTPUT_REG when the header fits in 32 bits, else NXAST_OUTPUT_REG2 (as OVS chooses).
        return [{ type: 'output_reg', variant: src.code.oxmClass === 0xffff ? 'reg2' : 'reg', src, maxLen: 0xffff }];
      }
      return [outputTo(parsePort(arg!))];
    case 'in_port': case 'local': case 'normal': case 'flood': case 'all': case 'table':
      return [outputTo(parsePort(name))];
    case 'controller':
      if (paren !== undefined) return [parseController(paren)];
      return [{ type: 'output', port: 0xfffffffd, maxLen: arg === undefined ? 0xffff : parseSmall(arg, 'max_len', 0xffff) }];
    case 'group': return [{ type: 'group', groupId: parseSmall(need(arg, name), name, 0xffffffff) }];
    case 'set_queue': return [{ type: 'set_queue', queueId: parseSmall(need(arg, name), name, 0xffffffff) }];
    case 'meter': return [{ type: 'meter', meterId: parseSmall(need(arg, name), name, 0xffffffff) }];
    case 'push_vlan': return [{ type: 'push_vlan', ethertype: parseSmall(need(arg, name), name, 0xffff) }];
    case 'pop_vlan': case 'strip_vlan': return [{ type: 'pop_vlan' }];
    case 'dec_ttl':
      if (paren) return [{ type: 'dec_ttl_cnt_ids', ids: splitTopLevel(paren).map((x) => parseSmall(x, 'controller id', 0xffff)) }];
      return [{ type: 'dec_ttl' }];
    case 'mod_nw_ttl': return [{ type: 'set_nw_ttl', ttl: parseSmall(need(arg, name), name, 255) }];
    case 'push_mpls': return [{ type: 'push_mpls', ethertype: parseSmall(need(arg, name), name, 0xffff) }];
    case 'pop_mpls': return [{ type: 'pop_mpls', ethertype: parseSmall(need(arg, name), name, 0xffff) }];
    case 'dec_mpls_ttl': return [{ type: 'dec_mpls_ttl' }];
    case 'set_field': return [setField(need(arg, name))];
    case 'load': {
      const [v, dst] = arrow(need(arg, name), 'load');
      return [loadAsSetField(v, parseSubfield(dst))];
    }
    case 'move': {
      const [src, dst] = arrow(need(arg, name), 'move');
      // OF1.5 copy_field carries the headers OVS prefers for OpenFlow 1.5, whatever name the text used.
      const of15 = (x: Subfield): Subfield => ({ ...x, code: preferredCode(x.field, version) ?? x.code });
      const s = of15(parseSubfield(src));
      const d = of15(parseSubfield(dst));
      if (s.nBits !== d.nBits) throw new FlowSyntaxError(text, `move: ${s.nBits} source bits vs ${d.nBits} destination bits`);
      return [{ type: 'copy_field', src: s, dst: d }];
    }
    case 'resubmit': {
      // OVS always encodes text resubmits as NXAST_RESUBMIT_TABLE (table 255 = current), or _CT.
      if (paren === undefined) return [{ type: 'resubmit', variant: 'table', inPort: parsePort(need(arg, name)), table: 255 }];
      const [p, t, ct] = paren.split(',');
      const inPort = p ? parsePort(p) : 0xfff8;
      const table = t ? parseSmall(t, 'table', 254) : 255;
      if (ct !== undefined && ct !== 'ct') throw new FlowSyntaxError(text, 'third resubmit argument must be "ct"');
      return [{ type: 'resubmit', variant: ct ? 'table_ct' : 'table', inPort, table }];
    }
    case 'set_tunnel': case 'set_tunnel64': {
      const v = parseUint(need(arg, name), 'tunnel id');
      if (name === 'set_tunnel' && v <= 0xffffffffn) return [{ type: 'set_tunnel', tunId: Number(v) }];
      return [{ type: 'set_tunnel64', tunId: v }];
    }
    case 'pop_queue': return [{ type: 'pop_queue' }];
    case 'note': {
      const data = fromHex(need(arg, name).replace(/\./g, ''));
      // The note fills the action out to a multiple of 8 bytes; OVS pads it with zeros (part of the note).
      const len = Math.max(6, data.length + ((8 - ((data.length + 10) % 8)) % 8));
      const padded = new Uint8Array(len);
      padded.set(data);
      return [{ type: 'note', data: padded }];
    }
    case 'exit': return [{ type: 'exit' }];
    case 'ct_clear': return [{ type: 'ct_clear' }];
    case 'fin_timeout': {
      let idleTimeout = 0;
      let hardTimeout = 0;
      for (const item of splitTopLevel(need(paren, name))) {
        const s = splitAction(item);
        if (s.name === 'idle_timeout') idleTimeout = parseSmall(need(s.arg, s.name), s.name, 0xffff);
        else if (s.name === 'hard_timeout') hardTimeout = parseSmall(need(s.arg, s.name), s.name, 0xffff);
        else throw new FlowSyntaxError(item, 'unknown fin_timeout argument');
      }
      return [{ type: 'fin_timeout', idleTimeout, hardTimeout }];
    }
    case 'sample': {
      const a = { probability: 0, collectorSetId: 0, obsDomainId: 0, obsPointId: 0, samplingPort: 0xffff, direction: 0 };
      for (const item of splitTopLevel(need(paren, name))) {
        const s = splitAction(item);
        if (s.name === 'probability') a.probability = parseSmall(need(s.arg, s.name), s.name, 0xffff);
        else if (s.name === 'collector_set_id') a.collectorSetId = parseSmall(need(s.arg, s.name), s.name, 0xffffffff);
        else if (s.name === 'obs_domain_id') a.obsDomainId = parseSmall(need(s.arg, s.name), s.name, 0xffffffff);
        else if (s.name === 'obs_point_id') a.obsPointId = parseSmall(need(s.arg, s.name), s.name, 0xffffffff);
        else if (s.name === 'sampling_port') a.samplingPort = parsePort(need(s.arg, s.name));
        else if (s.name === 'ingress') a.direction = 1;
        else if (s.name === 'egress') a.direction = 2;
        else throw new FlowSyntaxError(item, 'unknown sample argument');
      }
      const variant = a.direction ? 'sample3' : a.samplingPort !== 0xffff ? 'sample2' : 'sample';
      return [{ type: 'sample', variant, ...a }];
    }
    case 'conjunction': {
      const m = /^\s*(\d+)\s*,\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(need(paren, name));
      if (!m) throw new FlowSyntaxError(text, 'conjunction needs (id,k/n)');
      const k = Number(m[2]);
      const n = Number(m[3]);
      if (n < 2 || n > 64 || k < 1 || k > n) throw new FlowSyntaxError(text, 'conjunction clause out of range');
      return [{ type: 'conjunction', id: Number(m[1]), clause: k - 1, nClauses: n }];
    }
    case 'ct': return [parseCt(paren ?? '', depth, parseActionList)];
    case 'nat': return [parseNat(paren)];
    case 'clone': return [{ type: 'clone', actions: parseActionList(paren ?? '', depth + 1) }];
    case 'check_pkt_larger': {
      const m = /^->(.*)$/.exec(arg ?? '');
      if (!m || paren === undefined) throw new FlowSyntaxError(text, 'check_pkt_larger needs (len)->DST');
      const dst = parseSubfield(m[1]!, 1);
      if (dst.nBits !== 1) throw new FlowSyntaxError(text, 'check_pkt_larger destination must be 1 bit');
      return [{ type: 'check_pkt_larger', pktLen: parseSmall(paren, 'length', 0xffff), dst }];
    }
    case 'learn': return [parseLearn(paren ?? '')];
    case 'push': return [{ type: 'stack_push', field: parseSubfield(need(arg, name), 1) }];
    case 'pop': return [{ type: 'stack_pop', field: parseSubfield(need(arg, name), 1) }];
    case 'multipath': {
      const p = splitTopLevel(need(paren, name));
      if (p.length !== 6) throw new FlowSyntaxError(text, 'multipath needs 6 arguments');
      const fields = multipathFields.indexOf(p[0]!);
      const algorithm = multipathAlgorithms.indexOf(p[2]!);
      if (fields < 0 || algorithm < 0) throw new FlowSyntaxError(text, 'unknown multipath fields or algorithm');
      return [{
        type: 'multipath', fields, basis: parseSmall(p[1]!, 'basis', 0xffff), algorithm,
        maxLink: parseSmall(p[3]!, 'n_links', 0x10000) - 1, arg: parseSmall(p[4]!, 'arg', 0xffffffff), dst: parseSubfield(p[5]!, 1),
      }];
    }
    default:
      if (/^\d+$/.test(name)) return [outputTo(parseSmall(name, 'port', 0xffff))];
      throw new FlowSyntaxError(text, `unknown action "${name}"`);
  }
}

export function parseActionList(text: string, depth = 0): Action[] {
  if (depth > maxNestingDepth) throw new FlowSyntaxError(text, 'actions nested too deeply');
  return splitTopLevel(text).flatMap((t) => parseOne(t, depth));
}

/** "actions=" text -> instructions: apply_actions first, then the instruction keywords in order. */
export function parseInstructions(text: string): Instruction[] {
  const apply: Action[] = [];
  const rest: Instruction[] = [];
  for (const t of splitTopLevel(text)) {
    const { name, paren, arg } = splitAction(t);
    if (name === 'goto_table') rest.push({ type: 'goto_table', tableId: parseSmall(need(arg, name), name, 254) });
    else if (name === 'clear_actions') rest.push({ type: 'clear_actions' });
    else if (name === 'write_actions') rest.push({ type: 'write_actions', actions: parseActionList(paren ?? '', 1) });
    else if (name === 'write_metadata') {
      const [v, m] = need(arg, name).split('/');
      rest.push({ type: 'write_metadata', metadata: parseUint(v!, 'metadata'), mask: m === undefined ? 0xffffffffffffffffn : parseUint(m, 'mask') });
    } else apply.push(...parseOne(t, 0));
  }
  return apply.length ? [{ type: 'apply_actions', actions: apply }, ...rest] : rest;
}
