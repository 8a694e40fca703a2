// The OpenFlow flows an OVN controller would install on a hypervisor's br-int for one logical switch, hand
// written (no northd, no SB): the physical tables as ovn-architecture(7) "Architectural Physical Life Cycle
// of a Packet" lays them out, around a two-stage logical pipeline (L2 port security, L2 lookup):
//   table 0   classify: a VIF sets metadata (datapath key) and reg14 (logical inport); a tunnel copies
//             tun_id → metadata and tun_metadata0 → reg14/reg15, then goes straight to local output (40)
//   table 8   ls_in_port_sec_l2: the source MAC must be the inport's
//   table 9   ls_in_l2_lkup: destination MAC → reg15 (logical outport); multicast → the flood group 32768
//   table 37  output entry (OVN checks packet size here) → 39
//   table 39  remote output: set tun_id and tun_metadata0 (inport << 16 | outport), output to the tunnel
//   table 40  local output: a local unicast port → 41; the flood group → each local port in turn
//   table 41  loopback check: drop when inport = outport
//   table 42  ls_out_port_sec_l2: the destination MAC must be the outport's (or multicast) → 64
//   table 64/65  logical to physical: reg15 → the VIF's OpenFlow port
import { formatMac, parseMacText } from '../../core/packet/address';
import { assert } from '../../core/util/assert';
import { floodGroupKey, type LogicalPortBinding } from './mini-ovn-forwarder';

export const ovnTables = {
  physToLogical: 0, lsInPortSecL2: 8, lsInL2Lookup: 9, outputEntry: 37, remoteOutput: 39, localOutput: 40,
  checkLoopback: 41, lsOutPortSecL2: 42, saveInport: 64, logToPhy: 65,
} as const;

export interface ChassisLayout {
  readonly datapathKey: number;
  readonly ports: readonly LogicalPortBinding[];
  readonly localChassisIp: string;
  /** OpenFlow port of each local VIF, by logical port name. */
  readonly vifOfports: ReadonlyMap<string, number>;
  /** OpenFlow port of the tunnel to each remote chassis, by its underlay IP. */
  readonly tunnelOfports: ReadonlyMap<string, number>;
}

/** The flows, as ovs-ofctl add-flow text, in table order. */
export function ovnStyleFlows(l: ChassisLayout): string[] {
  const T = ovnTables;
  const md = `metadata=0x${l.datapathKey.toString(16)}`;
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const local = l.ports.filter((p) => p.chassisIp === l.localChassisIp);
  const remote = l.ports.filter((p) => p.chassisIp !== l.localChassisIp);
  const flows: string[] = [];
  for (const p of local) {
    const ofport = l.vifOfports.get(p.name);
    assert(ofport !== undefined, () => `no OpenFlow port for local logical port ${p.name}`);
    flows.push(`table=${T.physToLogical},priority=100,in_port=${ofport} actions=load:${hex(l.datapathKey)}->OXM_OF_METADATA[],load:${hex(p.tunnelKey)}->NXM_NX_REG14[],resubmit(,${T.lsInPortSecL2})`);
  }
  for (const [ip, ofport] of l.tunnelOfports) {
    flows.push(`table=${T.physToLogical},priority=100,in_port=${ofport},tun_src=${ip} actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],` +
      `move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15],resubmit(,${T.localOutput})`);
  }
  for (const p of l.ports) {
    flows.push(`table=${T.lsInPortSecL2},priority=50,reg14=${hex(p.tunnelKey)},${md},dl_src=${mac(p)} actions=resubmit(,${T.lsInL2Lookup})`);
    flows.push(`table=${T.lsInL2Lookup},priority=50,${md},dl_dst=${mac(p)} actions=load:${hex(p.tunnelKey)}->NXM_NX_REG15[],resubmit(,${T.outputEntry})`);
  }
  flows.push(`table=${T.lsInL2Lookup},priority=70,${md},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=load:${hex(floodGroupKey)}->NXM_NX_REG15[],resubmit(,${T.outputEntry})`);
  flows.push(`table=${T.outputEntry},priority=0 actions=resubmit(,${T.remoteOutput})`);
  const toTunnel = (chassisIp: string): string => {
    const ofport = l.tunnelOfports.get(chassisIp);
    assert(ofport !== undefined, () => `no tunnel port to chassis ${chassisIp}`);
    return `load:${hex(l.datapathKey)}->NXM_NX_TUN_ID[0..23],move:NXM_NX_REG14[0..14]->NXM_NX_TUN_METADATA0[16..30],` +
      `move:NXM_NX_REG15[0..15]->NXM_NX_TUN_METADATA0[0..15],output:${ofport}`;
  };
  for (const p of remote) flows.push(`table=${T.remoteOutput},priority=100,reg15=${hex(p.tunnelKey)},${md} actions=${toTunnel(p.chassisIp)}`);
  // The flood group: one copy per remote chassis, then local delivery (ovn-architecture: "If a multicast
  // group includes a logical port or ports on the local hypervisor, then its actions also resubmit to table 40").
  const remoteChassis = [...new Set(remote.map((p) => p.chassisIp))];
  flows.push(`table=${T.remoteOutput},priority=100,reg15=${hex(floodGroupKey)},${md} actions=${[...remoteChassis.map(toTunnel), `resubmit(,${T.localOutput})`].join(',')}`);
  flows.push(`table=${T.remoteOutput},priority=0 actions=resubmit(,${T.localOutput})`);
  for (const p of local) flows.push(`table=${T.localOutput},priority=100,reg15=${hex(p.tunnelKey)},${md} actions=resubmit(,${T.checkLoopback})`);
  const each = local.map((p) => `load:${hex(p.tunnelKey)}->NXM_NX_REG15[],resubmit(,${T.checkLoopback})`);
  flows.push(`table=${T.localOutput},priority=100,reg15=${hex(floodGroupKey)},${md} actions=${[...each, `load:${hex(floodGroupKey)}->NXM_NX_REG15[]`].join(',')}`);
  for (const p of local) flows.push(`table=${T.checkLoopback},priority=100,reg14=${hex(p.tunnelKey)},reg15=${hex(p.tunnelKey)},${md} actions=drop`);
  flows.push(`table=${T.checkLoopback},priority=0 actions=resubmit(,${T.lsOutPortSecL2})`);
  for (const p of local) {
    flows.push(`table=${T.lsOutPortSecL2},priority=50,reg15=${hex(p.tunnelKey)},${md},dl_dst=${mac(p)} actions=resubmit(,${T.saveInport})`);
    flows.push(`table=${T.lsOutPortSecL2},priority=50,reg15=${hex(p.tunnelKey)},${md},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=resubmit(,${T.saveInport})`);
  }
  flows.push(`table=${T.saveInport},priority=0 actions=resubmit(,${T.logToPhy})`);
  for (const p of local) flows.push(`table=${T.logToPhy},priority=100,reg15=${hex(p.tunnelKey)},${md} actions=output:${l.vifOfports.get(p.name)!}`);
  return flows;
}

function mac(p: LogicalPortBinding): string {
  const m = parseMacText(p.mac);
  assert(m !== null, () => `port ${p.name}: bad MAC ${p.mac}`);
  return formatMac(m);
}
