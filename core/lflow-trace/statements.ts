// The named actions and result functions of the walk (upstream trace_actions' switch): what each does to
// the packet and which trace nodes it adds. Unknown or physical-only actions (set_queue, meters, events,
// igmp, ...) have no logical effect, as upstream treats them.
import type { Statement } from '../lflow/action-syntax';
import { formatIpv4, formatIpv6, formatMac } from '../lflow/addresses';
import { printFieldRef } from '../lflow/print-syntax';
import type { Datapath, Pipeline } from './model';
import { ipKey } from './model';
import { appendNode, type TraceNode } from './nodes';
import type { TracePacket } from './packet';
import { ctLbBackends, findVip, formatOption, inPortSecViolated, outPortSecViolated, type LbDst } from './helpers';
import type { Walker } from './walker';
import { formatFlow } from './flow-format';

/** The arguments of log(...) with upstream's defaults (severity info). */
export function logArgs(s: ActionStatement): { name: string | null; verdict: string; severity: string; meter: string | null } {
  const r = { name: null as string | null, verdict: 'unknown', severity: 'info', meter: null as string | null };
  for (const a of s.args ?? []) {
    const t = a.terms[0];
    const text = t?.kind === 'const' && t.c.kind === 'string' ? t.c.value : t?.kind === 'name' ? t.ref.name : null;
    if (text === null) continue;
    if (a.key === 'name') r.name = text;
    else if (a.key === 'verdict') r.verdict = text;
    else if (a.key === 'severity') r.severity = text;
    else if (a.key === 'meter') r.meter = text;
  }
  return r;
}

type ActionStatement = Statement & { type: 'action' };
type ResultStatement = Statement & { type: 'result' };

/** Most values push() may stack in one flow's actions. */
export const maxStackDepthCount = 1024;

const ctDnat = 0x80n;
const ctSnat = 0x40n;
const ctTrk = 0x20n;

export function runAction(w: Walker, s: ActionStatement, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[], stack: bigint[]): void {
  switch (s.name) {
    case 'output':
      return w.output(dp, pkt, pipeline, out);
    case 'next':
      return w.next(s, dp, pkt, table, pipeline, out);
    case 'ct_next': {
      const { state, comment } = w.nextCtState();
      const node = appendNode(out, 'transformation', `ct_next(ct_state=${w.ctStateText(state)}${comment})`);
      const ct = pkt.clone();
      ct.set('ct_state', state);
      return w.trace(dp, ct, table + 1, pipeline, node.subs);
    }
    case 'ct_dnat':
    case 'ct_snat':
    case 'ct_dnat_in_czone':
    case 'ct_snat_in_czone':
      return ctNat(w, s, dp, pkt, table, pipeline, out);
    case 'ct_commit_nat': {
      const ct = pkt.clone();
      let text = 'ct_commit_nat /* assuming no un-nat entry, so no change */';
      if ((ct.get('ct_state') & ctTrk) === 0n) {
        const n = w.nextCtState();
        ct.set('ct_state', ct.get('ct_state') | n.state);
        text += n.comment;
      }
      const node = appendNode(out, 'transformation', text);
      return w.trace(dp, ct, table + 1, pipeline, node.subs);
    }
    case 'ct_lb':
    case 'ct_lb_mark':
      return ctLb(w, s, dp, pkt, table, pipeline, out);
    case 'ct_clear':
      pkt.clearConntrack();
      return;
    case 'clone':
      return nested(w, s, 'clone', dp, pkt.clone(), table, pipeline, out);
    case 'arp': {
      const arp = pkt.clone();
      // Upstream zeroes the IP fields that mean nothing for ARP (nw_frag, nw_tos, nw_ttl, tcp_flags).
      for (const f of ['ip.ttl', 'ip.dscp', 'ip.ecn', 'ip.frag', 'tcp.flags']) arp.set(f, 0n);
      arp.set('eth.type', 0x806n);
      arp.set('arp.op', 1n);
      arp.set('arp.sha', pkt.get('eth.src'));
      arp.set('arp.tha', 0n);
      return nested(w, s, 'arp', dp, arp, table, pipeline, out);
    }
    case 'nd_na':
    case 'nd_na_router': {
      const na = pkt.clone();
      na.set('eth.src', pkt.get('eth.dst'));
      na.set('eth.dst', pkt.get('eth.src'));
      na.set('ip6.dst', pkt.get('ip6.src'));
      na.set('ip6.src', pkt.get('nd.target'));
      na.set('icmp6.type', 136n);
      na.set('nd.sll', 0n);
      na.set('nd.tll', pkt.get('eth.dst'));
      return nested(w, s, 'nd_na', dp, na, table, pipeline, out);
    }
    case 'nd_ns': {
      const ns = pkt.clone();
      const dst = pkt.get('ip6.dst');
      // Solicited-node multicast ff02::1:ffXX:XXXX mapped to 33:33:ff:XX:XX:XX.
      ns.set('eth.dst', 0x3333ff000000n | (dst & 0xffffffn));
      ns.set('icmp6.type', 135n);
      ns.set('nd.sll', 0n);
      ns.set('nd.tll', pkt.get('eth.dst'));
      return nested(w, s, 'nd_ns', dp, ns, table, pipeline, out);
    }
    case 'icmp4':
    case 'icmp4_error':
      return icmp(w, s, 4, false, dp, pkt, table, pipeline, out);
    case 'icmp6':
    case 'icmp6_error':
      return icmp(w, s, 6, false, dp, pkt, table, pipeline, out);
    case 'tcp_reset':
      return tcpReset(w, s, 'tcp_reset', false, dp, pkt, table, pipeline, out);
    case 'sctp_abort':
      return tcpReset(w, s, 'sctp_abort', false, dp, pkt, table, pipeline, out);
    case 'reject': {
      if (pkt.get('ip.proto') === 6n) return tcpReset(w, s, 'tcp_reset', true, dp, pkt, table, pipeline, out);
      if (pkt.get('ip.proto') === 132n) return tcpReset(w, s, 'sctp_abort', true, dp, pkt, table, pipeline, out);
      return icmp(w, s, pkt.get('eth.type') === 0x800n ? 4 : 6, true, dp, pkt, table, pipeline, out);
    }
    case 'get_arp':
    case 'get_nd': {
      const args = s.args ?? [];
      const portRef = args[0]?.terms[0];
      const ipRef = args[1]?.terms[0];
      if (portRef?.kind !== 'name' || ipRef?.kind !== 'name') return;
      const port = pkt.getString(pkt.symtab.place(pkt.resolve(portRef.ref).symbol).root.name);
      const ipf = pkt.resolve(ipRef.ref);
      const ipv = pkt.read(ipf);
      const key = ipf.bits === 32 ? ipKey(formatIpv4(ipv)) : ipKey(formatIpv6(ipv));
      const mac = dp.macBindings.get(`${port}|${key}`);
      pkt.set('eth.dst', mac ?? 0n);
      appendNode(out, 'action', mac !== undefined ? `/* MAC binding to ${formatMac(mac)}. */` : '/* No MAC binding. */');
      appendNode(out, 'modify', `eth.dst = ${formatMac(mac ?? 0n)}`);
      return;
    }
    case 'push': {
      const ref = s.args?.[0]?.terms[0];
      if (ref?.kind !== 'name') return;
      const v = pkt.read(pkt.resolve(ref.ref));
      if (stack.length >= maxStackDepthCount) { appendNode(out, 'error', `*** stack deeper than maxStackDepthCount ${maxStackDepthCount}`); return; }
      stack.push(v);
      appendNode(out, 'modify', `push(${printFieldRef(ref.ref)}) -> 0x${v.toString(16)}`);
      return;
    }
    case 'pop': {
      const ref = s.args?.[0]?.terms[0];
      if (ref?.kind !== 'name') return;
      const v = stack.pop();
      if (v === undefined) appendNode(out, 'modify', `pop(${printFieldRef(ref.ref)}) <- /* empty stack */`);
      else {
        pkt.write(pkt.resolve(ref.ref), v);
        appendNode(out, 'modify', `pop(${printFieldRef(ref.ref)}) <- 0x${v.toString(16)}`);
      }
      return;
    }
    case 'log': {
      const l = logArgs(s);
      const packet = formatFlow(pkt, dp);
      appendNode(out, 'transformation', `LOG: ACL name=${l.name ?? '<unnamed>'}, direction=${pipeline === 'ingress' ? 'IN' : 'OUT'}, verdict=${l.verdict}, severity=${l.severity}, packet="${packet}"`);
      return;
    }
    case 'ct_snat_to_vip': {
      const vip = findVip(w.db.lbVips, pkt);
      if (vip && vip.port === Number(pkt.ctOrig.tpDst)) appendNode(out, 'action', `/* nat(src=${vip.text}) */`);
      return;
    }
    default:
      // ct_commit, put_arp, put_nd, log, set_meter, set_queue, trigger_event, igmp, put_fdb, ... : no
      // effect on the logical trace.
      return;
  }
}

function nested(w: Walker, s: ActionStatement, title: string, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const node = appendNode(out, 'transformation', title);
  w.actions(s.nested ?? [], dp, pkt, table, pipeline, node.subs);
}

function swapEnds(pkt: TracePacket, from: TracePacket, loopback: boolean, family: 4 | 6): void {
  const ip = family === 4 ? 'ip4' : 'ip6';
  if (!loopback) return;
  pkt.set('eth.dst', from.get('eth.src'));
  pkt.set('eth.src', from.get('eth.dst'));
  pkt.set(`${ip}.dst`, from.get(`${ip}.src`));
  pkt.set(`${ip}.src`, from.get(`${ip}.dst`));
}

function icmp(w: Walker, s: ActionStatement, family: 4 | 6, loopback: boolean, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const unreach = family === 4 ? 3n : 1n;
  const typeField = family === 4 ? 'icmp4.type' : 'icmp6.type';
  if (loopback && pkt.get(typeField) === unreach) return; // upstream: avoid recirculation
  const p = pkt.clone();
  swapEnds(p, pkt, loopback, family);
  p.set('ip.proto', family === 4 ? 1n : 58n);
  p.set('ip.ttl', 255n);
  p.set(typeField, unreach);
  p.set(family === 4 ? 'icmp4.code' : 'icmp6.code', 1n);
  nested(w, s, family === 4 ? 'icmp4' : 'icmp6', dp, p, table, pipeline, out);
}

/** tcp_reset { } and sctp_abort { } (upstream marks both with TCP_RST in tcp_flags). */
function tcpReset(w: Walker, s: ActionStatement, kind: 'tcp_reset' | 'sctp_abort', loopback: boolean, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const rst = 0x004n;
  if (loopback && pkt.get('tcp.flags') === rst) return; // upstream: avoid recirculation
  const family = pkt.get('eth.type') === 0x800n ? 4 : 6;
  const p = pkt.clone();
  swapEnds(p, pkt, loopback, family);
  p.set('ip.proto', kind === 'tcp_reset' ? 6n : 132n);
  p.set('ip.ttl', 255n);
  p.set('tcp.flags', rst);
  nested(w, s, kind, dp, p, table, pipeline, out);
}

function ctNat(w: Walker, s: ActionStatement, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const isDst = s.name.startsWith('ct_dnat');
  const inCzone = s.name.endsWith('_in_czone');
  const arg = s.args?.[0]?.terms[0];
  const addr = arg?.kind === 'const' && arg.c.kind === 'int' ? arg.c : null;
  if (!isDst && dp.hasL3Gateway && addr === null) return; // "ct_snat;" does nothing on a gateway router
  const dir = isDst ? 'dst' : 'src';
  const ct = pkt.clone();
  // Upstream writes "ct_%cnat%s" with "in_czone": the name runs together (ct_dnatin_czone).
  let text = `ct_${dir[0]}nat${inCzone ? 'in_czone' : ''}`;
  if (addr !== null) {
    const v6 = addr.format === 'ipv6';
    text += v6 ? `(ip6.${dir}=${formatIpv6(addr.value)})` : `(ip4.${dir}=${formatIpv4(addr.value)})`;
    ct.set(`${v6 ? 'ip6' : 'ip4'}.${dir}`, addr.value);
    ct.set('ct_state', ct.get('ct_state') | (isDst ? ctDnat : ctSnat));
  } else {
    text += ` /* assuming no un-${dir[0]}nat entry, so no change */`;
  }
  if ((ct.get('ct_state') & ctTrk) === 0n) {
    const n = w.nextCtState();
    ct.set('ct_state', ct.get('ct_state') | n.state);
    text += n.comment;
  }
  const node = appendNode(out, 'transformation', text);
  w.trace(dp, ct, table + 1, pipeline, node.subs);
}

function ctLb(w: Walker, s: ActionStatement, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const ct = pkt.clone();
  const type = pkt.get('eth.type');
  const family = type === 0x800n ? 4 : type === 0x86ddn ? 6 : 0;
  let comment = '';
  if (family !== 0) {
    const backends = ctLbBackends(s.args);
    let dst: LbDst | null = null;
    if (backends.length > 0) {
      for (const d of backends) {
        if (d.family !== family) continue;
        if (w.lbDst && w.lbDst.family === family && w.lbDst.ip === d.ip) {
          w.lbDst = null; // upstream uses --lb-dst once
          dst = d;
          break;
        }
        // Upstream picks a random backend here; we take the first so traces are reproducible.
        if (dst === null) dst = d;
      }
      if (!dst) appendNode(out, 'error', '*** no load balancing destination (use --lb-dst)');
    } else if (w.lbDst && w.lbDst.family === family) {
      dst = w.lbDst;
    }
    if (dst) {
      const ip = family === 4 ? 'ip4.dst' : 'ip6.dst';
      if (family === 4) ct.ctOrig.nwDst = pkt.get(ip);
      else ct.ctOrig.ip6Dst = pkt.get(ip);
      ct.set(ip, dst.ip);
      const l4 = pkt.get('ip.proto') === 17n ? 'udp.dst' : pkt.get('ip.proto') === 132n ? 'sctp.dst' : 'tcp.dst';
      ct.ctOrig.tpDst = pkt.get(l4);
      if (dst.port !== 0) ct.set(l4, BigInt(dst.port));
      ct.set('ct_state', ct.get('ct_state') | ctDnat);
    }
    const n = w.nextCtState();
    ct.set('ct_state', ct.get('ct_state') | n.state);
    comment = n.comment;
  }
  const node = appendNode(out, 'transformation', `${s.name}${comment}`);
  w.trace(dp, ct, table + 1, pipeline, node.subs);
}

export function runResult(w: Walker, s: ResultStatement, dp: Datapath, pkt: TracePacket, table: number, pipeline: Pipeline, out: TraceNode[]): void {
  const dst = pkt.resolve(s.lhs);
  const fieldArg = (i: number) => {
    const t = s.args[i]?.terms[0];
    return t?.kind === 'name' ? pkt.resolve(t.ref) : null;
  };
  switch (s.name) {
    case 'check_in_port_sec': {
      const port = dp.ports.get(pkt.getString('inport'));
      pkt.write(dst, port && inPortSecViolated(pkt, port.portSecurity) ? 1n : 0n);
      return;
    }
    case 'check_out_port_sec': {
      const port = dp.ports.get(pkt.getString('outport'));
      pkt.write(dst, port && outPortSecViolated(pkt, port.portSecurity) ? 1n : 0n);
      return;
    }
    case 'chk_lb_hairpin':
    case 'chk_lb_hairpin_reply': {
      let res = 0n;
      const vip = findVip(w.db.lbVips, pkt);
      const type = pkt.get('eth.type');
      if (vip && (type === 0x800n || type === 0x86ddn)) {
        if ((pkt.get('ct_state') & ctDnat) !== 0n) {
          res = type === 0x800n ? (pkt.get('ip4.src') === pkt.get('ip4.dst') ? 1n : 0n) : pkt.get('ip6.src') === pkt.get('ip6.dst') ? 1n : 0n;
        }
        const port = s.name === 'chk_lb_hairpin' ? pkt.ctOrig.tpDst : pkt.get('tcp.dst');
        if (BigInt(vip.port) !== port) res = 0n;
      }
      pkt.write(dst, res);
      appendNode(out, 'modify', `${printFieldRef(s.lhs)} = ${res}`);
      return;
    }
    case 'lookup_arp':
    case 'lookup_nd':
    case 'lookup_arp_ip':
    case 'lookup_nd_ip': {
      const port = fieldArg(0);
      const ip = fieldArg(1);
      const mac = s.name.endsWith('_ip') ? null : fieldArg(2);
      let found = false;
      if (port && ip) {
        const portName = pkt.getString(pkt.symtab.place(port.symbol).root.name);
        const v = pkt.read(ip);
        const key = ip.bits === 32 ? ipKey(formatIpv4(v)) : ipKey(formatIpv6(v));
        const bound = dp.macBindings.get(`${portName}|${key}`);
        found = bound !== undefined && (mac === null || bound === pkt.read(mac));
      }
      pkt.write(dst, found ? 1n : 0n);
      if (!found) appendNode(out, 'action', '/* lookup failed - No MAC binding. */');
      else if (mac === null) appendNode(out, 'action', '/* MAC binding found. */');
      else appendNode(out, 'action', `/* MAC binding to ${formatMac(pkt.get('eth.dst'))} found. */`);
      return;
    }
    case 'put_dhcp_opts':
    case 'put_dhcpv6_opts':
    case 'put_nd_ra_opts': {
      if (s.name !== 'put_nd_ra_opts') appendNode(out, 'error', '/* We assume that this packet is DHCPDISCOVER or DHCPREQUEST. */');
      appendNode(out, 'modify', `${s.name}(${s.args.map(formatOption).join(', ')})`);
      if (!pkt.isRegister(dst)) appendNode(out, 'modify', `${printFieldRef(s.lhs)} = 1`);
      pkt.write(dst, 1n);
      return;
    }
    case 'dns_lookup':
      pkt.write(dst, 0n);
      appendNode(out, 'error', '*** dns_lookup action not implemented');
      return;
    case 'lookup_fdb':
      pkt.write(dst, 0n);
      appendNode(out, 'action', '/* lookup mac failed in mac learning table. */');
      return;
    case 'get_fdb':
      if (dst.symbol.width === 0) pkt.setString(pkt.symtab.place(dst.symbol).root.name, '');
      else pkt.write(dst, 0n);
      return;
    case 'select': {
      const ids = s.args.map((a) => a.terms[0]).flatMap((t) => (t?.kind === 'const' && t.c.kind === 'int' ? [t.c.value] : []));
      const id = ids[0] ?? 0n;
      const sel = pkt.clone();
      sel.write(dst, id);
      const node = appendNode(out, 'transformation', `select: ${printFieldRef(s.lhs)} = ${id} /* Randomly selected. Use --select-id to specify. */`);
      w.trace(dp, sel, table + 1, pipeline, node.subs);
      return;
    }
    default:
      // check_pkt_larger, chk_ecmp_nh, chk_lb_aff, ...: upstream leaves the destination alone.
      return;
  }
}

