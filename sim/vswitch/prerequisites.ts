// Field prerequisites (ovs-fields(7) "Prerequisites"), checked on flow_mods from a controller as
// ovs-vswitchd does: a match on a field, and a set_field/load/move touching a field, need the flow's own
// match to establish that the header exists (e.g. nw_dst needs eth_type=0x0800; tcp_dst needs nw_proto=6).
// ct and nat need an IP match. OVS rejects such flows (OFPBMC_BAD_PREREQ / OFPBAC_MATCH_INCONSISTENT).
// Learned flows are not checked here (learn is validated when the learning flow is added).
import type { Action, FlowMod, Instruction } from '../../core/openflow';
import { bytesToBig } from './fields';

interface Prereq {
  readonly eth: readonly number[]; readonly proto?: number; readonly icmp6?: readonly number[];
  /** "CT": a ct_state match that implies a valid connection (ovs-fields, Connection Tracking). */
  readonly ct?: true;
}

const ipv4 = [0x0800];
const ipv6 = [0x86dd];
const anyIp = [0x0800, 0x86dd];
const arp = [0x0806, 0x8035];

const table: Readonly<Record<string, Prereq>> = {
  ip_src: { eth: ipv4 }, ip_dst: { eth: ipv4 }, ipv6_src: { eth: ipv6 }, ipv6_dst: { eth: ipv6 }, ipv6_label: { eth: ipv6 },
  nw_proto: { eth: anyIp }, nw_tos: { eth: anyIp }, ip_dscp: { eth: anyIp }, nw_ecn: { eth: anyIp }, nw_ttl: { eth: anyIp },
  ip_frag: { eth: anyIp },
  arp_op: { eth: arp }, arp_spa: { eth: arp }, arp_tpa: { eth: arp }, arp_sha: { eth: arp }, arp_tha: { eth: arp },
  tcp_src: { eth: anyIp, proto: 6 }, tcp_dst: { eth: anyIp, proto: 6 }, tcp_flags: { eth: anyIp, proto: 6 },
  udp_src: { eth: anyIp, proto: 17 }, udp_dst: { eth: anyIp, proto: 17 },
  sctp_src: { eth: anyIp, proto: 132 }, sctp_dst: { eth: anyIp, proto: 132 },
  icmp_type: { eth: ipv4, proto: 1 }, icmp_code: { eth: ipv4, proto: 1 },
  icmpv6_type: { eth: ipv6, proto: 58 }, icmpv6_code: { eth: ipv6, proto: 58 },
  nd_target: { eth: ipv6, proto: 58, icmp6: [135, 136] }, nd_sll: { eth: ipv6, proto: 58, icmp6: [135] },
  nd_tll: { eth: ipv6, proto: 58, icmp6: [136] },
  ct_nw_src: { eth: ipv4, ct: true }, ct_nw_dst: { eth: ipv4, ct: true }, ct_ipv6_src: { eth: ipv6, ct: true },
  ct_ipv6_dst: { eth: ipv6, ct: true }, ct_nw_proto: { eth: anyIp, ct: true }, ct_tp_src: { eth: anyIp, ct: true },
  ct_tp_dst: { eth: anyIp, ct: true },
};

interface Known { eth?: number; proto?: number; icmp6?: number; ctValid?: boolean }

function known(fm: FlowMod): Known {
  const k: Known = {};
  for (const e of fm.match) {
    if (e.field.name === 'ct_state') {
      // Valid when it asks for any of new/est/rel/rpl/snat/dnat, or for +trk with -inv (OVS is_ct_valid).
      const v = Number(bytesToBig(e.value));
      const m = e.mask ? Number(bytesToBig(e.mask)) : 0xffffffff;
      k.ctValid = (v & 0xcf) !== 0 || ((v & 0x20) !== 0 && (m & 0x10) !== 0 && (v & 0x10) === 0);
    }
    if (e.mask) continue;
    const v = Number(bytesToBig(e.value));
    if (e.field.name === 'eth_type') k.eth = v;
    else if (e.field.name === 'nw_proto') k.proto = v;
    else if (e.field.name === 'icmpv6_type') k.icmp6 = v;
  }
  return k;
}

function holds(p: Prereq, k: Known): boolean {
  if (k.eth === undefined || !p.eth.includes(k.eth)) return false;
  if (p.proto !== undefined && k.proto !== p.proto) return false;
  if (p.icmp6 !== undefined && (k.icmp6 === undefined || !p.icmp6.includes(k.icmp6))) return false;
  return !p.ct || k.ctValid === true;
}

function actionFields(a: Action): { fields: string[]; needsIp: boolean } {
  switch (a.type) {
    case 'set_field': return { fields: [a.entry.field.name], needsIp: false };
    case 'copy_field': return { fields: [a.src.field.name, a.dst.field.name], needsIp: false };
    case 'ct': return { fields: [], needsIp: true };
    default: return { fields: [], needsIp: false };
  }
}

function instructionActions(list: readonly Instruction[]): Action[] {
  return list.flatMap((i) => (i.type === 'apply_actions' || i.type === 'write_actions' ? [...i.actions] : []));
}

/** Why a controller's flow_mod would be refused for missing prerequisites, or undefined when it is fine. */
export function prerequisiteError(fm: FlowMod): string | undefined {
  const k = known(fm);
  for (const e of fm.match) {
    const p = table[e.field.name];
    if (p && !holds(p, k)) return `match on ${e.field.name} lacks its prerequisites (OFPBMC_BAD_PREREQ)`;
  }
  for (const a of instructionActions(fm.instructions)) {
    const { fields, needsIp } = actionFields(a);
    if (needsIp && (k.eth === undefined || !anyIp.includes(k.eth))) return `${a.type} needs an IPv4 or IPv6 match (OFPBAC_MATCH_INCONSISTENT)`;
    for (const f of fields) {
      const p = table[f];
      if (p && !holds(p, k)) return `${a.type} on ${f} lacks its prerequisites in the match (OFPBAC_MATCH_INCONSISTENT)`;
    }
  }
  return undefined;
}
