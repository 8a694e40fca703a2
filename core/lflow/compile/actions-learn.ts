// Actions that make OVS learn flows into ovn-controller's own tables (lib/actions.c encode_COMMIT_LB_AFF,
// encode_COMMIT_ECMP_NH): commit_lb_aff remembers which backend a client's connection to a VIP went to
// (table 78, read back by chk_lb_aff), commit_ecmp_nh remembers the ECMP route a connection came in on
// (tables 76/77, read back by chk_ecmp_nh_mac / chk_ecmp_nh). Both are NXAST_LEARN actions whose specs
// match the packet's datapath and addresses and load a flag bit (and the backend) on a hit.
import { nxLearnFlags, subfield, type Action, type LearnAction, type LearnSpec } from '../../openflow';
import type { ActionArg } from '../action-syntax';
import { parseIpv4, parseIpv6 } from '../addresses';
import { LflowError } from '../errors';
import type { StatementEncoder } from './actions';
import { logFlagBits, ofTables } from './context';

const ethTypeIp = 0x0800;
const ethTypeIpv6 = 0x86dd;
const protoNumbers: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 };
/** OFP_DEFAULT_PRIORITY, the learned flows' priority. */
const defaultPriority = 0x8000;

/** An immediate of `nBits` bits as the wire holds it: big-endian in 2*ceil(nBits/16) bytes. */
function imm(value: bigint, nBits: number): Uint8Array {
  const out = new Uint8Array(2 * Math.ceil(nBits / 16));
  let v = value;
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Match the learned flow's `dst` on the packet's `src` field (whole fields). */
function matchField(dst: string, src: string = dst): LearnSpec {
  const d = subfield(dst);
  return { src: subfield(src), dst: 'match', dstField: d, nBits: d.nBits };
}

function matchImm(dst: string, value: bigint): LearnSpec {
  const d = subfield(dst);
  return { src: imm(value, d.nBits), dst: 'match', dstField: d, nBits: d.nBits };
}

function loadImm(dst: string, value: bigint, ofs = 0, nBits?: number): LearnSpec {
  const d = subfield(dst, ofs, nBits);
  return { src: imm(value, d.nBits), dst: 'load', dstField: d, nBits: d.nBits };
}

function learn(tableId: number, idleTimeout: number, hardTimeout: number, specs: LearnSpec[]): LearnAction {
  return {
    type: 'learn', variant: 'learn', idleTimeout, hardTimeout, priority: defaultPriority, cookie: 0n,
    flags: nxLearnFlags.deleteLearned, tableId, finIdleTimeout: 0, finHardTimeout: 0, limit: 0, specs,
  };
}

interface LbKey {
  readonly ip: bigint;
  /** Written as IPv6 (the address family upstream compares). */
  readonly v6: boolean;
  readonly port: number;
}

/** "IP", "IP:PORT", "IPV6", "[IPV6]" or "[IPV6]:PORT" (upstream ip_address_and_port_from_lb_key). */
export function parseLbKey(s: string): LbKey | null {
  let host = s;
  let port: string | null = null;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return null;
    host = s.slice(1, close);
    const tail = s.slice(close + 1);
    if (tail !== '') {
      if (!tail.startsWith(':')) return null;
      port = tail.slice(1);
    }
  } else {
    const first = s.indexOf(':');
    // More than one colon is a bare IPv6 address, which cannot carry a port.
    if (first >= 0 && s.indexOf(':', first + 1) < 0) {
      host = s.slice(0, first);
      port = s.slice(first + 1);
    }
  }
  if (port !== null && !/^\d{1,5}$/.test(port)) return null;
  const p = port === null ? 0 : Number(port);
  if (p > 0xffff) return null;
  const v4 = parseIpv4(host);
  if (v4 !== null) return { ip: v4, v6: false, port: p };
  const v6 = parseIpv6(host);
  return v6 !== null ? { ip: v6, v6: true, port: p } : null;
}

function isV4Mapped(k: LbKey): boolean {
  return k.v6 && k.ip >> 32n === 0xffffn;
}

function word(a: ActionArg | undefined, key: string, at: number): string {
  const t = a?.terms[0];
  if (a?.key !== key || a.terms.length !== 1 || t?.kind !== 'name' || t.ref.bits !== null) {
    throw new LflowError(a?.pos ?? at, `Syntax error: invalid parameter, expecting ${key} = ...`);
  }
  return t.ref.name;
}

function lbKeyArg(a: ActionArg | undefined, key: string, at: number): LbKey {
  const t = a?.terms[0];
  if (a?.key !== key || a.terms.length !== 1 || t?.kind !== 'const' || t.c.kind !== 'string') {
    throw new LflowError(a?.pos ?? at, `Syntax error: invalid parameter, expecting ${key} = "address[:port]"`);
  }
  const k = parseLbKey(t.c.value);
  if (k === null) throw new LflowError(t.c.pos, `Syntax error: invalid parameter, bad address "${t.c.value}"`);
  return k;
}

function protoArg(a: ActionArg | undefined, at: number): number {
  const name = word(a, 'proto', at);
  const p = protoNumbers[name];
  if (p === undefined) throw new LflowError(a?.pos ?? at, `Syntax error: invalid protocol ${name}`);
  return p;
}

const l4Field = (proto: number, dir: 'src' | 'dst'): string => `${proto === 6 ? 'tcp' : proto === 17 ? 'udp' : 'sctp'}_${dir}`;

/** commit_lb_aff(vip = "V[:P]", backend = "B[:P]", [proto = tcp|udp|sctp,] timeout = T). */
const commitLbAff: StatementEncoder = (st, s, out) => {
  const args = s.args ?? [];
  const vip = lbKeyArg(args[0], 'vip', s.pos);
  const backend = lbKeyArg(args[1], 'backend', s.pos);
  if (vip.v6 !== backend.v6) throw new LflowError(args[1]!.pos, 'Syntax error: invalid protocol family');
  let i = 2;
  const proto = vip.port !== 0 ? protoArg(args[i++], s.pos) : 0;
  const t = args[i];
  const tc = t?.terms[0];
  if (t?.key !== 'timeout' || t.terms.length !== 1 || tc?.kind !== 'const' || tc.c.kind !== 'int' || tc.c.mask !== null || tc.c.value > 0xffffn) {
    throw new LflowError(t?.pos ?? s.pos, 'Syntax error: expecting timeout = affinity timeout (0 to 65535)');
  }
  if (args.length > i + 1) throw new LflowError(args[i + 1]!.pos, 'Syntax error: expecting `)\'.');
  // A v4-mapped IPv6 VIP counts as IPv4, as upstream decides by the address, not how it was written.
  const v6 = vip.v6 && !isV4Mapped(vip);
  const low32 = (v: bigint) => v & 0xffffffffn;
  const specs: LearnSpec[] = [
    matchField('metadata'),
    matchImm('eth_type', BigInt(v6 ? ethTypeIpv6 : ethTypeIp)),
    matchField(v6 ? 'ipv6_src' : 'ip_src'),
    matchImm(v6 ? 'ipv6_dst' : 'ip_dst', v6 ? vip.ip : low32(vip.ip)),
  ];
  if (proto !== 0) specs.push(matchImm('nw_proto', BigInt(proto)), matchImm(l4Field(proto, 'dst'), BigInt(vip.port)));
  specs.push(loadImm('reg10', 1n, logFlagBits.useLbAffSession, 1));
  // The backend goes where the load balancing stage reads it: reg4 (IPv4), xxreg0 on switches and
  // xxreg1 on routers (IPv6); its port in reg8[0..15].
  if (v6) specs.push(loadImm(st.ctx.isSwitch ? 'xxreg0' : 'xxreg1', backend.ip));
  else specs.push(loadImm('reg4', low32(backend.ip)));
  if (backend.port !== 0) specs.push(loadImm('reg8', BigInt(backend.port), 0, 16));
  out.push(learn(ofTables.chkLbAffinity, Number(tc.c.value), 0, specs));
};

/** One of commit_ecmp_nh's two learns: same direction with the source MAC (76), or the reply's (77). */
function ecmpLearn(sameDirection: boolean, v6: boolean, proto: number): Action {
  const ip = (dir: 'src' | 'dst') => (v6 ? `ipv6_${dir}` : `ip_${dir}`);
  const flip = (dir: 'src' | 'dst') => (sameDirection ? dir : dir === 'src' ? 'dst' : 'src');
  const specs: LearnSpec[] = [matchField('metadata')];
  if (sameDirection) specs.push(matchField('eth_src'));
  specs.push(
    matchImm('eth_type', BigInt(v6 ? ethTypeIpv6 : ethTypeIp)),
    matchField(ip('src'), ip(flip('src'))),
    matchField(ip('dst'), ip(flip('dst'))),
    matchImm('nw_proto', BigInt(proto)),
    matchField(l4Field(proto, 'src'), l4Field(proto, flip('src'))),
    matchField(l4Field(proto, 'dst'), l4Field(proto, flip('dst'))),
    loadImm('reg10', 1n, logFlagBits.lookupCommitEcmpNh, 1),
  );
  // Learned entries expire 20 s after their last packet and at most 30 s after they were learned.
  return learn(sameDirection ? ofTables.ecmpNhMac : ofTables.ecmpNh, 20, 30, specs);
}

/** commit_ecmp_nh(ipv6 = true|false, proto = tcp|udp|sctp). */
const commitEcmpNh: StatementEncoder = (_st, s, out) => {
  const args = s.args ?? [];
  const a0 = args[0];
  const t = a0?.terms[0];
  // Upstream accepts the boolean as a word or a string.
  const text = t?.kind === 'name' && t.ref.bits === null ? t.ref.name : t?.kind === 'const' && t.c.kind === 'string' ? t.c.value : null;
  if (a0?.key !== 'ipv6' || a0.terms.length !== 1 || (text !== 'true' && text !== 'false')) {
    throw new LflowError(a0?.pos ?? s.pos, 'Syntax error: expecting ipv6 = true or false.');
  }
  const proto = protoArg(args[1], s.pos);
  if (args.length > 2) throw new LflowError(args[2]!.pos, 'Syntax error: expecting `)\'.');
  out.push(ecmpLearn(true, text === 'true', proto), ecmpLearn(false, text === 'true', proto));
};

export const learnEncoders: ReadonlyArray<[string, StatementEncoder]> = [
  ['commit_lb_aff', commitLbAff],
  ['commit_ecmp_nh', commitEcmpNh],
];
