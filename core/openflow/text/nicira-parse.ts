// Parsing of the Nicira actions with their own small languages: ct(...), nat(...), controller(...), learn(...).

import type { Action, Controller2Prop, LearnSpec, NatAction } from '../actions/types';
import { nxCtFlags, nxLearnFlags, nxNatFlags, nxNatRange } from '../actions/types';
import { fromHex } from '../bytes';
import type { Subfield } from '../oxm';
import {
  FlowSyntaxError, findField, parseFieldValue, parseIpv6, parseSmall, parseSubfield, parseUint, splitTopLevel, toBytes,
} from './lex';

/** "name(args)", "name:arg" or "name". */
export function splitAction(s: string): { name: string; paren?: string; arg?: string } {
  const p = /^([A-Za-z0-9_]+)\((.*)\)(.*)$/s.exec(s);
  if (p) return { name: p[1]!.toLowerCase(), paren: p[2]!, arg: p[3] ? p[3] : undefined };
  const c = s.indexOf(':');
  if (c >= 0) return { name: s.slice(0, c).toLowerCase(), arg: s.slice(c + 1) };
  const eq = s.indexOf('=');
  if (eq >= 0) return { name: s.slice(0, eq).toLowerCase(), arg: s.slice(eq + 1) };
  return { name: s.toLowerCase() };
}

export function need(arg: string | undefined, what: string): string {
  if (arg === undefined || arg === '') throw new FlowSyntaxError(what, `"${what}" needs an argument`);
  return arg;
}

export function arrow(s: string, what: string): [string, string] {
  const i = s.indexOf('->');
  if (i < 0) throw new FlowSyntaxError(s, `${what} needs "->"`);
  return [s.slice(0, i), s.slice(i + 2)];
}

export function parseNat(paren: string | undefined): NatAction {
  let flags = 0;
  let rangePresent = 0;
  const a: { -readonly [K in keyof NatAction]: NatAction[K] } = { type: 'nat', flags: 0, rangePresent: 0 };
  for (const item of paren === undefined ? [] : splitTopLevel(paren)) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === 'src' || key === 'dst') {
      flags |= key === 'src' ? nxNatFlags.src : nxNatFlags.dst;
      if (eq < 0) continue;
      let rest = item.slice(eq + 1);
      let ports: string | undefined;
      // "[v6]-[v6]:p-p" or "v4-v4:p-p"
      // Unbracketed IPv6 (more than one ':') cannot carry ports.
      const bareV6 = !rest.startsWith('[') && rest.split(':').length > 2;
      const portAt = bareV6 ? -1 : rest.startsWith('[') ? rest.lastIndexOf(']:') + 1 : rest.indexOf(':');
      if (portAt > 0) { ports = rest.slice(portAt + 1); rest = rest.slice(0, portAt); }
      const [lo, hi] = rest.startsWith('[') ? rest.split(/(?<=\])-/) : rest.split('-');
      if (lo!.includes(':') || lo!.startsWith('[')) {
        const l = parseIpv6(lo!);
        if (l === undefined) throw new FlowSyntaxError(item, 'bad IPv6 address');
        a.ipv6Min = toBytes(l, 16);
        rangePresent |= nxNatRange.ipv6Min;
        if (hi !== undefined) {
          const h = parseIpv6(hi);
          if (h === undefined) throw new FlowSyntaxError(item, 'bad IPv6 address');
          a.ipv6Max = toBytes(h, 16);
          rangePresent |= nxNatRange.ipv6Max;
        }
      } else {
        const f = findField('ip_src');
        a.ipv4Min = toBytes(parseFieldValue(f, lo!).v, 4);
        rangePresent |= nxNatRange.ipv4Min;
        if (hi !== undefined) { a.ipv4Max = toBytes(parseFieldValue(f, hi).v, 4); rangePresent |= nxNatRange.ipv4Max; }
      }
      if (ports !== undefined) {
        const [pl, ph] = ports.split('-');
        a.protoMin = parseSmall(pl!, 'port', 0xffff);
        rangePresent |= nxNatRange.protoMin;
        if (ph !== undefined) { a.protoMax = parseSmall(ph, 'port', 0xffff); rangePresent |= nxNatRange.protoMax; }
      }
    } else if (key === 'persistent') flags |= nxNatFlags.persistent;
    else if (key === 'hash') flags |= nxNatFlags.hash;
    else if (key === 'random') flags |= nxNatFlags.random;
    else throw new FlowSyntaxError(item, `unknown nat argument "${key}"`);
  }
  a.flags = flags;
  a.rangePresent = rangePresent;
  return a;
}

export function parseCt(paren: string, depth: number, parseList: (text: string, depth: number) => Action[]): Action {
  let flags = 0;
  let recircTable = 255;
  let zoneImm = 0;
  let zoneSrc: Subfield | undefined;
  let alg = 0;
  const actions: Action[] = [];
  for (const item of splitTopLevel(paren)) {
    const { name, paren: inner, arg } = splitAction(item);
    if (name === 'commit') flags |= nxCtFlags.commit;
    else if (name === 'force') flags |= nxCtFlags.force;
    else if (name === 'table') recircTable = parseSmall(need(arg, 'table'), 'table', 254);
    else if (name === 'zone') {
      const z = need(arg, 'zone');
      if (z.includes('[')) zoneSrc = parseSubfield(z, 1); else zoneImm = parseSmall(z, 'zone', 0xffff);
    } else if (name === 'alg') {
      const v = need(arg, 'alg');
      alg = v === 'ftp' ? 21 : v === 'tftp' ? 69 : parseSmall(v, 'alg', 0xffff);
    } else if (name === 'nat') actions.push(parseNat(inner));
    else if (name === 'exec') actions.push(...parseList(need(inner, 'exec'), depth + 1));
    else throw new FlowSyntaxError(item, `unknown ct argument "${name}"`);
  }
  return zoneSrc ? { type: 'ct', flags, zoneSrc, zoneImm, recircTable, alg, actions } : { type: 'ct', flags, zoneImm, recircTable, alg, actions };
}

export function parseController(paren: string): Action {
  let maxLen = 0xffff;
  let controllerId = 0;
  let reason = 1;
  let userdata: Uint8Array | undefined;
  let pause = false;
  let meterId: number | undefined;
  const reasons = ['no_match', 'action', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
  for (const item of splitTopLevel(paren)) {
    const { name, arg } = splitAction(item);
    if (name === 'max_len') maxLen = parseSmall(need(arg, name), name, 0xffff);
    else if (name === 'id') controllerId = parseSmall(need(arg, name), name, 0xffff);
    else if (name === 'reason') {
      reason = reasons.indexOf(need(arg, name));
      if (reason < 0) throw new FlowSyntaxError(item, 'unknown controller reason');
    } else if (name === 'userdata') userdata = fromHex(need(arg, name).replace(/\./g, ''));
    else if (name === 'pause') pause = true;
    else if (name === 'meter_id') meterId = parseSmall(need(arg, name), name, 0xffffffff);
    else throw new FlowSyntaxError(item, `unknown controller argument "${name}"`);
  }
  // As OVS: NXAST_CONTROLLER unless a feature only CONTROLLER2 has is used.
  if (!userdata && !pause && meterId === undefined) return { type: 'controller', maxLen, controllerId, reason };
  const order: Controller2Prop[] = [];
  if (maxLen !== 0xffff) order.push('max_len');
  if (controllerId !== 0) order.push('controller_id');
  if (reason !== 1) order.push('reason');
  if (userdata) order.push('userdata');
  if (pause) order.push('pause');
  if (meterId !== undefined) order.push('meter_id');
  return {
    type: 'controller2', pause, order,
    ...(order.includes('max_len') ? { maxLen } : {}), ...(order.includes('controller_id') ? { controllerId } : {}),
    ...(order.includes('reason') ? { reason } : {}), ...(userdata ? { userdata } : {}), ...(meterId !== undefined ? { meterId } : {}),
  };
}

export function parseLearn(paren: string): Action {
  let tableId = 1;
  let idleTimeout = 0;
  let hardTimeout = 0;
  let finIdleTimeout = 0;
  let finHardTimeout = 0;
  let priority = 0x8000;
  let cookie = 0n;
  let flags = 0;
  let limit = 0;
  let resultDst: Subfield | undefined;
  const specs: LearnSpec[] = [];
  for (const item of splitTopLevel(paren)) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const val = eq < 0 ? undefined : item.slice(eq + 1);
    switch (key) {
      case 'table': tableId = parseSmall(need(val, key), key, 254); continue;
      case 'priority': priority = parseSmall(need(val, key), key, 0xffff); continue;
      case 'idle_timeout': idleTimeout = parseSmall(need(val, key), key, 0xffff); continue;
      case 'hard_timeout': hardTimeout = parseSmall(need(val, key), key, 0xffff); continue;
      case 'fin_idle_timeout': finIdleTimeout = parseSmall(need(val, key), key, 0xffff); continue;
      case 'fin_hard_timeout': finHardTimeout = parseSmall(need(val, key), key, 0xffff); continue;
      case 'cookie': cookie = parseUint(need(val, key), key); continue;
      case 'send_flow_rem': flags |= nxLearnFlags.sendFlowRem; continue;
      case 'delete_learned': flags |= nxLearnFlags.deleteLearned; continue;
      case 'limit': limit = parseSmall(need(val, key), key, 0xffffffff); continue;
      case 'result_dst': resultDst = parseSubfield(need(val, key), 1); flags |= nxLearnFlags.writeResult; continue;
      default: break;
    }
    if (item.startsWith('load:')) {
      const [src, dstText] = arrow(item.slice(5), 'learn load');
      const dst = parseSubfield(dstText, 1);
      if (src.includes('[')) {
        specs.push({ src: parseSubfield(src, 1), dst: 'load', dstField: dst, nBits: dst.nBits });
      } else {
        const v = parseUint(src, 'learn load value');
        specs.push({ src: toBytes(v, 2 * Math.ceil(dst.nBits / 16)), dst: 'load', dstField: dst, nBits: dst.nBits });
      }
    } else if (item.startsWith('output:')) {
      const src = parseSubfield(item.slice(7), 1);
      specs.push({ src, dst: 'output', nBits: src.nBits });
    } else if (key.includes('[')) {
      const dst = parseSubfield(key, 1);
      const src = val === undefined ? dst : parseSubfield(val, 1);
      specs.push({ src, dst: 'match', dstField: dst, nBits: dst.nBits });
    } else {
      // "field=value": immediate match on the whole field.
      const f = findField(key);
      const code = f.codes[0];
      if (!code) throw new FlowSyntaxError(item, `field ${f.name} cannot be learned`);
      const { v } = parseFieldValue(f, need(val, key));
      const dst: Subfield = { field: f, code, ofs: 0, nBits: f.bits };
      specs.push({ src: toBytes(v, 2 * Math.ceil(f.bits / 16)), dst: 'match', dstField: dst, nBits: f.bits });
    }
  }
  const learn2 = limit !== 0 || resultDst !== undefined;
  const base = {
    type: 'learn' as const, variant: learn2 ? 'learn2' as const : 'learn' as const, idleTimeout, hardTimeout, priority, cookie,
    flags, tableId, finIdleTimeout, finHardTimeout, limit, specs,
  };
  return resultDst ? { ...base, resultDst } : base;
}

