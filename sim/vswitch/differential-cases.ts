// Test data for differential.test.ts: flow tables (ovs-ofctl syntax) and the packets sent through them.
// Each (flow table, packet) pair is one case; packets of one table are sent in order, so conntrack state
// built by earlier packets (commit, replies, NAT) is seen by later ones. Priorities stay below 65535,
// which the test reserves for its end-of-case marker flow.
import { icmp4Echo, tcp4, udp4, arpRequest, icmp4Error, icmp6Echo } from '../../core/packet';

export interface DiffPacket { readonly port: number; readonly frame: Uint8Array }
export interface DiffCase { readonly name: string; readonly flows: readonly string[]; readonly groups?: readonly string[]; readonly packets: readonly DiffPacket[] }

const mac = (n: number) => `00:00:00:00:00:${n.toString(16).padStart(2, '0')}`;
const ip = (n: number) => `10.0.0.${n}`;
const z = new Uint8Array(8);

export function udp(port: number, s: number, d: number, sport = 1000, dport = 2000, extra: { ttl?: number; vlan?: number } = {}): DiffPacket {
  return { port, frame: udp4({ srcMac: mac(s), dstMac: mac(d), srcIp: ip(s), dstIp: ip(d), srcPort: sport, dstPort: dport, data: z, ...extra }) };
}
export function tcp(port: number, s: number, d: number, sport: number, dport: number, flags = 0x02): DiffPacket {
  return { port, frame: tcp4({ srcMac: mac(s), dstMac: mac(d), srcIp: ip(s), dstIp: ip(d), srcPort: sport, dstPort: dport, flags }) };
}
export function ping(port: number, s: number, d: number, reply = false, id = 7): DiffPacket {
  return { port, frame: icmp4Echo({ srcMac: mac(s), dstMac: mac(d), srcIp: ip(s), dstIp: ip(d), identifier: id, sequence: 1, reply }) };
}
function arp(port: number, s: number, t: number): DiffPacket {
  return { port, frame: arpRequest({ srcMac: mac(s), srcIp: ip(s), targetIp: ip(t) }) };
}
function ping6(port: number): DiffPacket {
  return { port, frame: icmp6Echo({ srcMac: mac(1), dstMac: mac(2), srcIp: 'fd00::1', dstIp: 'fd00::2', identifier: 1, sequence: 1 }) };
}

const basicPackets = [udp(1, 1, 2), udp(1, 1, 3, 53, 53), tcp(1, 1, 2, 1234, 80), ping(1, 1, 2), arp(1, 1, 2), udp(2, 2, 1), ping6(1)];

export const diffCases: readonly DiffCase[] = [
  { name: 'empty table drops', flows: [], packets: [udp(1, 1, 2), arp(1, 1, 2)] },
  { name: 'in_port forwarding', flows: ['in_port=1 actions=output:2', 'in_port=2 actions=output:1'], packets: basicPackets },
  { name: 'output to ingress is dropped', flows: ['in_port=1 actions=output:1,output:3'], packets: [udp(1, 1, 2), udp(2, 1, 2)] },
  { name: 'in_port action', flows: ['in_port=1 actions=in_port,output:2'], packets: [udp(1, 1, 2)] },
  { name: 'flood-like multi output', flows: ['priority=5 actions=output:1,output:2,output:3,output:4'], packets: [udp(1, 1, 2), udp(3, 3, 2)] },
  {
    name: 'priorities and masks',
    flows: [
      'priority=100,ip,nw_dst=10.0.0.0/30 actions=output:2', 'priority=90,ip,nw_dst=10.0.0.0/24 actions=output:3',
      'priority=80,udp,tp_dst=2000 actions=output:4', 'priority=10 actions=output:2,output:3', 'priority=95,tcp,tp_dst=0x50/0xfff0 actions=output:4',
    ],
    packets: [udp(1, 1, 2), udp(1, 1, 9), udp(1, 1, 2, 5, 2000), tcp(1, 1, 9, 5, 81), tcp(1, 1, 9, 5, 96), arp(1, 1, 2), ping6(1)],
  },
  {
    name: 'eth and arp matches',
    flows: ['priority=50,dl_dst=00:00:00:00:00:02 actions=output:2', 'priority=40,dl_src=00:00:00:00:00:01/ff:ff:ff:ff:ff:00 actions=output:3',
      'priority=60,arp,arp_tpa=10.0.0.3 actions=output:4', 'priority=60,arp,arp_op=1,arp_tpa=10.0.0.4 actions=output:2,output:3'],
    packets: [udp(1, 1, 2), udp(1, 1, 3), arp(1, 1, 3), arp(1, 1, 4), arp(1, 1, 5)],
  },
  {
    name: 'set fields rewrite headers',
    flows: ['in_port=1,udp actions=set_field:00:00:00:00:00:aa->eth_src,set_field:10.9.9.9->ip_dst,set_field:4242->udp_dst,output:2',
      'in_port=1,tcp actions=set_field:10.1.2.3->ip_src,set_field:8080->tcp_src,set_field:9->nw_ttl,output:2',
      'in_port=1,icmp actions=set_field:00:00:00:00:00:bb->eth_dst,set_field:46->ip_dscp,output:3',
      'in_port=1,arp actions=set_field:2->arp_op,set_field:10.0.0.77->arp_spa,output:4'],
    packets: [udp(1, 1, 2), tcp(1, 1, 2, 1234, 80), ping(1, 1, 2), arp(1, 1, 2)],
  },
  {
    name: 'registers, load, move and multi-table',
    flows: ['table=0,in_port=1,ip actions=load:0x2->NXM_NX_REG0[],move:NXM_OF_IP_DST[24..31]->NXM_NX_REG1[0..7],resubmit(,1)',
      'table=1,reg0=2,reg1=10 actions=move:NXM_NX_REG0[0..1]->NXM_NX_REG2[4..5],resubmit(,2)', 'table=1,priority=1 actions=output:4',
      'table=2,reg2=0x20 actions=output:2', 'table=2,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2), arp(1, 1, 2), ping6(1)],
  },
  {
    name: 'xreg and metadata',
    flows: ['table=0 actions=set_field:0x1122334455667788->xreg3,write_metadata:0xab/0xff,goto_table:1',
      'table=1,metadata=0xab,reg6=0x11223344,reg7=0x55667788 actions=output:2', 'table=1,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2), ping(1, 1, 2)],
  },
  {
    name: 'resubmit with in_port and tables',
    flows: ['table=0,in_port=1 actions=resubmit(3,1)', 'table=0,in_port=3 actions=output:4', 'table=1,in_port=3 actions=output:2,resubmit:3',
      'table=1,priority=1 actions=output:4'],
    packets: [udp(1, 1, 2), udp(3, 1, 2)],
  },
  { name: 'resubmit loop over depth bound drops', flows: ['table=0 actions=output:2,resubmit(,0)'], packets: [udp(1, 1, 2)] },
  { name: 'deep but bounded resubmit chain', flows: Array.from({ length: 40 }, (_, i) => `table=${i} actions=resubmit(,${i + 1})`).concat(['table=40 actions=output:3']), packets: [udp(1, 1, 2)] },
  {
    name: 'vlan push, set and pop',
    flows: ['in_port=1,vlan_tci=0 actions=push_vlan:0x8100,set_field:4106->vlan_vid,output:2',
      'in_port=1,dl_vlan=20 actions=pop_vlan,output:3', 'in_port=1,dl_vlan=30 actions=set_field:4116->vlan_vid,output:4'],
    packets: [udp(1, 1, 2), udp(1, 1, 2, 1, 2, { vlan: 20 }), udp(1, 1, 2, 1, 2, { vlan: 30 }), udp(1, 1, 2, 1, 2, { vlan: 40 })],
  },
  {
    name: 'dec_ttl',
    flows: ['in_port=1,ip actions=dec_ttl,output:2', 'in_port=1,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2), udp(1, 1, 2, 1, 2, { ttl: 1 }), udp(1, 1, 2, 1, 2, { ttl: 2 }), arp(1, 1, 2)],
  },
  {
    name: 'conjunction',
    flows: ['priority=100,ip,nw_src=10.0.0.1 actions=conjunction(7,1/2)', 'priority=100,ip,nw_src=10.0.0.3 actions=conjunction(7,1/2)',
      'priority=100,udp,tp_dst=2000 actions=conjunction(7,2/2)', 'priority=100,udp,tp_dst=53 actions=conjunction(7,2/2)',
      'priority=100,conj_id=7 actions=output:2', 'priority=50,ip actions=output:3'],
    packets: [udp(1, 1, 2), udp(1, 3, 2, 1, 53), udp(1, 1, 2, 1, 54), udp(1, 4, 2), ping(1, 1, 2)],
  },
  {
    name: 'groups all, indirect, ff',
    groups: ['group_id=1,type=all,bucket=output:2,bucket=output:3', 'group_id=2,type=indirect,bucket=set_field:10.5.5.5->ip_dst,output:4',
      'group_id=3,type=ff,bucket=watch_port:2,output:2,bucket=watch_port:3,output:3', 'group_id=4,type=select,bucket=output:3'],
    flows: ['in_port=1,udp actions=group:1', 'in_port=1,tcp actions=group:2', 'in_port=1,icmp actions=group:3', 'in_port=1,arp actions=group:4'],
    packets: [udp(1, 1, 2), tcp(1, 1, 2, 5, 6), ping(1, 1, 2), arp(1, 1, 2)],
  },
  {
    name: 'clone, exit, check_pkt_larger',
    flows: ['table=0,in_port=1,udp actions=clone(set_field:10.7.7.7->ip_dst,output:2),output:3',
      'table=0,in_port=1,tcp actions=output:2,exit,output:3',
      'table=0,in_port=1,icmp actions=check_pkt_larger(100)->NXM_NX_REG0[0],resubmit(,1)',
      'table=1,reg0=1 actions=output:4', 'table=1,reg0=0 actions=output:2'],
    packets: [udp(1, 1, 2), tcp(1, 1, 2, 3, 4), ping(1, 1, 2), { port: 1, frame: icmp4Echo({ srcMac: mac(1), dstMac: mac(2), srcIp: ip(1), dstIp: ip(2), identifier: 1, sequence: 1, data: new Uint8Array(8) }) }],
  },
  {
    name: 'learn then use the learned flow',
    flows: ['table=0,in_port=1 actions=learn(table=1,priority=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:2',
      'table=0,in_port=2 actions=resubmit(,1)', 'table=1,priority=1 actions=output:3'],
    packets: [udp(2, 2, 1), udp(1, 1, 2), udp(2, 2, 1), udp(2, 2, 5)],
  },
  {
    name: 'ct new, commit, est, reply (UDP)',
    flows: ['table=0,ip actions=ct(zone=5,table=1)',
      'table=1,ip,ct_state=+trk+new,in_port=1 actions=ct(commit,zone=5),output:2', 'table=1,ct_state=+trk+est-rpl actions=output:3',
      'table=1,ct_state=+trk+est+rpl actions=output:4', 'table=1,ct_state=+trk+new,in_port=2 actions=output:3'],
    packets: [udp(1, 1, 2), udp(1, 1, 2), udp(1, 1, 2), udp(2, 2, 1, 2000, 1000), udp(1, 1, 2), udp(2, 2, 1, 2000, 1000), udp(2, 2, 1, 2000, 999)],
  },
  {
    name: 'ct zones are separate',
    flows: ['table=0,in_port=1,ip actions=ct(commit,zone=1),output:2', 'table=0,in_port=2,ip actions=ct(zone=2,table=1)',
      'table=0,in_port=3,ip actions=ct(zone=1,table=1)',
      'table=1,ct_state=+trk+new actions=output:4', 'table=1,ct_state=+trk+est actions=output:1'],
    packets: [udp(1, 1, 2), udp(2, 2, 1, 2000, 1000), udp(3, 2, 1, 2000, 1000)],
  },
  {
    name: 'ct_mark and ct_label',
    flows: ['table=0,ip,in_port=1 actions=ct(commit,zone=3,exec(set_field:0x2a->ct_mark,set_field:0x5->ct_label)),output:2',
      'table=0,ip,in_port=2 actions=ct(zone=3,table=1)', 'table=1,ct_mark=0x2a,ct_label=0x5 actions=output:3', 'table=1,priority=1 actions=output:4'],
    packets: [udp(1, 1, 2), udp(2, 2, 1, 2000, 1000), udp(2, 2, 3, 2000, 1000)],
  },
  {
    name: 'ct ICMP echo and related error',
    flows: ['table=0,ip actions=ct(zone=9,table=1)', 'table=1,ip,ct_state=+new,in_port=1 actions=ct(commit,zone=9),output:2',
      'table=1,ct_state=+est+rpl actions=output:3', 'table=1,ct_state=+rel actions=output:4', 'table=1,ct_state=+inv actions=output:1',
      'table=1,priority=1 actions=output:4,output:3'],
    packets: [ping(1, 1, 2), ping(2, 2, 1, true), udp(1, 1, 2),
      { port: 2, frame: icmp4Error({ routerIp: ip(2), routerMac: mac(2), type: 3, code: 3, original: udp4({ srcMac: mac(1), dstMac: mac(2), srcIp: ip(1), dstIp: ip(2), srcPort: 1000, dstPort: 2000, data: z }) }) },
      ping(2, 2, 1, true, 99)],
  },
  {
    name: 'ct TCP SYN new, non-SYN invalid',
    flows: ['table=0,tcp actions=ct(zone=4,table=1)', 'table=1,tcp,ct_state=+trk+new actions=ct(commit,zone=4),output:2',
      'table=1,ct_state=+trk+inv actions=output:3', 'table=1,ct_state=+trk+est actions=output:4'],
    packets: [tcp(1, 1, 2, 4000, 80, 0x10), tcp(1, 1, 2, 4001, 80, 0x02), tcp(2, 2, 1, 80, 4001, 0x12)],
  },
  {
    name: 'ct_clear and non-IP through ct',
    flows: ['table=0,in_port=1,ip actions=ct(zone=1,table=1)', 'table=0,in_port=1,priority=1 actions=output:4', 'table=1,ct_state=+trk+inv actions=output:3', 'table=1,ct_state=+trk+new actions=ct_clear,resubmit(,2)',
      'table=2,ct_state=-trk actions=output:2', 'table=1,priority=1 actions=output:4'],
    packets: [udp(1, 1, 2), arp(1, 1, 2)],
  },
  {
    name: 'SNAT and un-SNAT of the reply',
    flows: ['table=0,in_port=1,ip actions=ct(commit,zone=7,nat(src=10.0.0.100),table=1)', 'table=1,in_port=1 actions=output:2',
      'table=0,in_port=2,ip actions=ct(zone=7,nat,table=2)', 'table=2,ct_state=+est+rpl actions=output:1', 'table=2,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2), { port: 2, frame: udp4({ srcMac: mac(2), dstMac: mac(1), srcIp: ip(2), dstIp: '10.0.0.100', srcPort: 2000, dstPort: 1000, data: z }) },
      tcp(1, 1, 2, 5000, 22), { port: 2, frame: tcp4({ srcMac: mac(2), dstMac: mac(1), srcIp: ip(2), dstIp: '10.0.0.100', srcPort: 22, dstPort: 5000, flags: 0x12 }) }],
  },
  {
    name: 'DNAT with port and reply',
    flows: ['table=0,in_port=1,udp actions=ct(commit,zone=8,nat(dst=10.0.0.50:5353),table=1)', 'table=1 actions=output:2',
      'table=0,in_port=2,udp actions=ct(zone=8,nat,table=2)', 'table=2,ct_state=+rpl+dnat actions=output:1', 'table=2,ct_state=+rpl actions=output:4', 'table=2,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2, 1111, 53), { port: 2, frame: udp4({ srcMac: mac(2), dstMac: mac(1), srcIp: '10.0.0.50', dstIp: ip(1), srcPort: 5353, dstPort: 1111, data: z }) }],
  },
  {
    name: 'ct in_port and tuple fields after recirculation',
    flows: ['table=0,udp actions=load:0x3->NXM_NX_REG5[],ct(zone=2,table=1)', 'table=1,ip,reg5=3,ct_state=+new+trk,ct_nw_dst=10.0.0.2 actions=output:2',
      'table=1,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2), udp(1, 1, 3)],
  },
  {
    name: 'port and address masks, many packets',
    flows: ['priority=30,udp,tp_src=0x400/0xfc00 actions=output:2', 'priority=20,udp,nw_src=10.0.0.0/29 actions=output:3',
      'priority=10,ip actions=output:4', 'priority=40,udp,tp_dst=7,nw_dst=10.0.0.9 actions=output:2,output:3'],
    packets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => udp(1, n, 9, 1000 + n * 20, n)),
  },
  {
    name: 'action set: write_actions, clear_actions, ordering',
    flows: ['table=0,in_port=1,udp actions=write_actions(output:3,set_field:10.3.3.3->ip_dst),goto_table:1',
      'table=1,udp,tp_dst=2000 actions=write_actions(set_field:10.4.4.4->ip_dst,output:2)',
      'table=1,udp,tp_dst=53 actions=clear_actions', 'table=1,priority=1 actions=write_actions(group:1)',
      'table=0,in_port=1,tcp actions=output:2,exit,write_actions(output:4)'],
    groups: ['group_id=1,type=all,bucket=output:4'],
    packets: [udp(1, 1, 2), udp(1, 1, 2, 1, 53), udp(1, 1, 2, 1, 54), tcp(1, 1, 2, 3, 4)],
  },
  {
    name: 'IPv6 set_field and conntrack',
    flows: ['table=0,in_port=1,ipv6 actions=set_field:fd00::99->ipv6_dst,ct(commit,zone=3),output:2',
      'table=0,in_port=2,ipv6 actions=ct(zone=3,table=1)', 'table=1,ct_state=+est+rpl actions=output:1', 'table=1,priority=1 actions=output:3'],
    packets: [ping6(1), ping6(2)],
  },
  {
    name: 'SNAT with a port range and a second flow',
    flows: ['table=0,in_port=1,udp actions=ct(commit,zone=6,nat(src=10.0.0.200:4000-4000),table=1)', 'table=1,ct_state=+snat actions=output:2',
      'table=1,priority=1 actions=output:3'],
    packets: [udp(1, 1, 2, 1000, 53), udp(1, 1, 2, 1000, 53), udp(1, 3, 2, 1000, 53)],
  },
];
