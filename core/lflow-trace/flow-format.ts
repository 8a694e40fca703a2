// The first line of ovn-trace output: the microflow as OVS flow_format() prints a struct flow (protocol
// name, conntrack fields, nonzero registers with inport/outport as their tunnel keys in reg14/reg15, VLAN,
// Ethernet, then L3/L4 fields by protocol). Covers the fields a logical microflow can set.
import { formatIpv4, formatIpv6, formatMac } from '../lflow/addresses';
import { formatCtState } from './helpers';
import type { Datapath } from './model';
import type { TracePacket } from './packet';

const l4Names: Record<number, [string, string]> = { 6: ['tcp', 'tcp6'], 17: ['udp', 'udp6'], 132: ['sctp', 'sctp6'], 1: ['icmp', ''], 58: ['', 'icmp6'] };

function portKey(dp: Datapath, name: string): number {
  return dp.ports.get(name)?.tunnelKey ?? dp.mcGroups.get(name)?.tunnelKey ?? 0;
}

function fragText(frag: bigint): string {
  return (frag & 1n) === 0n ? 'no' : (frag & 2n) !== 0n ? 'later' : 'first';
}

export function formatFlow(pkt: TracePacket, dp: Datapath): string {
  const out: string[] = [];
  const type = pkt.get('eth.type');
  const proto = Number(pkt.get('ip.proto'));
  const v4 = type === 0x800n;
  const v6 = type === 0x86ddn;
  let name = '';
  if (v4 || v6) name = l4Names[proto]?.[v4 ? 0 : 1] || (v4 ? 'ip' : 'ipv6');
  else if (type === 0x806n) name = 'arp';
  else if (type === 0x8035n) name = 'rarp';

  const ct = pkt.get('ct_state');
  if (ct !== 0n) out.push(`ct_state=${formatCtState(ct)}`);
  const mark = pkt.get('ct_mark');
  if (mark !== 0n) out.push(`ct_mark=0x${mark.toString(16)}`);
  const label = pkt.get('ct_label');
  if (label !== 0n) out.push(`ct_label=0x${label.toString(16)}`);
  if (name) out.push(name);
  const regs: bigint[] = [];
  for (let i = 0; i < 10; i++) regs.push(pkt.get(`reg${i}`));
  regs.push(pkt.get('flags'), 0n, 0n, 0n, BigInt(portKey(dp, pkt.getString('inport'))), BigInt(portKey(dp, pkt.getString('outport'))));
  regs.forEach((v, i) => {
    if (v !== 0n) out.push(`reg${i}=0x${v.toString(16)}`);
  });
  const tci = pkt.get('vlan.tci');
  if ((tci & 0x1000n) !== 0n) out.push(`dl_vlan=${tci & 0xfffn}`, `dl_vlan_pcp=${tci >> 13n}`, 'vlan_tci1=0x0000');
  else out.push(`vlan_tci=0x${tci.toString(16).padStart(4, '0')}`);
  out.push(`dl_src=${formatMac(pkt.get('eth.src'))}`, `dl_dst=${formatMac(pkt.get('eth.dst'))}`);
  if (!name) {
    out.push(`dl_type=0x${type.toString(16).padStart(4, '0')}`);
    return out.join(',');
  }
  if (type === 0x806n || type === 0x8035n) {
    out.push(`arp_spa=${formatIpv4(pkt.get('arp.spa'))}`, `arp_tpa=${formatIpv4(pkt.get('arp.tpa'))}`, `arp_op=${pkt.get('arp.op')}`);
    out.push(`arp_sha=${formatMac(pkt.get('arp.sha'))}`, `arp_tha=${formatMac(pkt.get('arp.tha'))}`);
    return out.join(',');
  }
  if (v4) out.push(`nw_src=${formatIpv4(pkt.get('ip4.src'))}`, `nw_dst=${formatIpv4(pkt.get('ip4.dst'))}`);
  else out.push(`ipv6_src=${formatIpv6(pkt.get('ip6.src'))}`, `ipv6_dst=${formatIpv6(pkt.get('ip6.dst'))}`, `ipv6_label=0x${pkt.get('ip6.label').toString(16).padStart(5, '0')}`);
  if (name === 'ip' || name === 'ipv6') out.push(`nw_proto=${proto}`);
  out.push(`nw_tos=${pkt.get('ip.dscp') << 2n}`, `nw_ecn=${pkt.get('ip.ecn')}`, `nw_ttl=${pkt.get('ip.ttl')}`, `nw_frag=${fragText(pkt.get('ip.frag'))}`);
  if (proto === 6 || proto === 17 || proto === 132) {
    const l4 = proto === 6 ? 'tcp' : proto === 17 ? 'udp' : 'sctp';
    out.push(`tp_src=${pkt.get(`${l4}.src`)}`, `tp_dst=${pkt.get(`${l4}.dst`)}`);
    if (proto === 6) {
      const flags = pkt.get('tcp.flags');
      out.push(`tcp_flags=${flags === 0n ? '0' : '0x' + flags.toString(16).padStart(3, '0')}`);
    }
  } else if ((v4 && proto === 1) || (v6 && proto === 58)) {
    const f = v4 ? 'icmp4' : 'icmp6';
    const icmpType = pkt.get(`${f}.type`);
    out.push(`icmp_type=${icmpType}`, `icmp_code=${pkt.get(`${f}.code`)}`);
    if (v6 && (icmpType === 135n || icmpType === 136n) && pkt.get('icmp6.code') === 0n) {
      out.push(`nd_target=${formatIpv6(pkt.get('nd.target'))}`, `nd_sll=${formatMac(pkt.get('nd.sll'))}`, `nd_tll=${formatMac(pkt.get('nd.tll'))}`);
    }
  }
  return out.join(',');
}
