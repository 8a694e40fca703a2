// Geneve with OVN's option against ovs-vswitchd's userspace tunnels (dummy datapath): OVS encapsulates a
// frame after set_field of tun_id and tun_metadata0 (mapped to class 0x0102 type 0x80, as ovn-controller
// maps it) and the result must be byte-identical to geneveEncapsulate; and OVS must decapsulate our frames,
// match the VNI and OVN port keys exactly, and deliver the inner frame unchanged.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { upstreamOrSkip } from '../../test-support/upstream';
import { ovsSandboxBinaries, sleepMs, startOvsSandbox, type OvsSandbox } from './ovs-sandbox.test';
import { decodePcap } from './pcap';
import { geneveEncapsulate, icmp4Echo, tcp4 } from './recipes';
import { decodeFrame } from './decode';
import { toHex } from './bytes';

const underlays = {
  v4: { localMac: 'aa:55:aa:55:00:00', localIp: '1.1.2.88', remoteMac: 'f8:bc:12:44:34:b6', remoteIp: '1.1.2.92', tunnelPort: 2 },
  v6: { localMac: 'aa:55:aa:55:00:00', localIp: '2001:cafe::88', remoteMac: 'f8:bc:12:44:34:b6', remoteIp: '2001:cafe::92', tunnelPort: 3 },
} as const;
const vm = { srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2' };
/** Bound on polling a tx_pcap file for the frames a dummy port sent. */
const pcapPollAttemptsCount = 100;
const pcapPollIntervalMs = 20;

const cases = [
  { underlay: underlays.v4, vni: 5, ports: { ingressPort: 3, egressPort: 0x8001 }, inner: icmp4Echo({ ...vm, identifier: 1, sequence: 1 }) },
  { underlay: underlays.v4, vni: 0xffffff, ports: { ingressPort: 0x7fff, egressPort: 0xffff }, inner: tcp4({ ...vm, srcPort: 1234, dstPort: 80, flags: 2 }) },
  { underlay: underlays.v4, vni: 1, ports: { ingressPort: 1, egressPort: 2 }, inner: icmp4Echo({ ...vm, vlan: 10, identifier: 9, sequence: 9 }) },
  { underlay: underlays.v6, vni: 77, ports: { ingressPort: 5, egressPort: 6 }, inner: icmp4Echo({ ...vm, identifier: 2, sequence: 2 }) },
];

describe('Geneve with the OVN option vs ovs-vswitchd tunnels', function () {
  this.timeout(60000);
  let ovs: OvsSandbox | undefined;

  before(function () {
    upstreamOrSkip(this, ...ovsSandboxBinaries);
    ovs = startOvsSandbox();
    const d = ovs.dir;
    ovs.vsctl(
      'add-br', 'int-br', '--', 'set', 'bridge', 'int-br', 'datapath_type=dummy',
      '--', 'add-port', 'int-br', 'vif1', '--', 'set', 'Interface', 'vif1', 'type=dummy', 'ofport_request=1', `options:tx_pcap=${d}/vif1.pcap`,
      '--', 'add-port', 'int-br', 'tun4', '--', 'set', 'Interface', 'tun4', 'type=geneve', `options:remote_ip=${underlays.v4.remoteIp}`,
      'options:key=flow', `ofport_request=${underlays.v4.tunnelPort}`,
      '--', 'add-port', 'int-br', 'tun6', '--', 'set', 'Interface', 'tun6', 'type=geneve', `options:remote_ip=${underlays.v6.remoteIp}`,
      'options:key=flow', `ofport_request=${underlays.v6.tunnelPort}`,
      '--', 'add-br', 'ubr', '--', 'set', 'bridge', 'ubr', 'datapath_type=dummy', `other-config:hwaddr=${underlays.v4.localMac}`,
      '--', 'add-port', 'ubr', 'u0', '--', 'set', 'Interface', 'u0', 'type=dummy', 'ofport_request=1', `options:tx_pcap=${d}/u0.pcap`,
    );
    ovs.appctl('netdev-dummy/ip4addr', 'ubr', `${underlays.v4.localIp}/24`);
    ovs.appctl('ovs/route/add', `${underlays.v4.remoteIp}/24`, 'ubr');
    ovs.appctl('tnl/arp/set', 'ubr', underlays.v4.remoteIp, underlays.v4.remoteMac);
    ovs.appctl('netdev-dummy/ip6addr', 'ubr', `${underlays.v6.localIp}/64`);
    ovs.appctl('ovs/route/add', `${underlays.v6.remoteIp}/64`, 'ubr');
    ovs.appctl('tnl/neigh/set', 'ubr', underlays.v6.remoteIp, underlays.v6.remoteMac);
    ovs.ofctl('add-flow', 'ubr', 'actions=normal');
    ovs.ofctl('add-tlv-map', 'int-br', '{class=0x0102,type=0x80,len=4}->tun_metadata0');
    ovs.ofctl('del-flows', 'int-br'); // no NORMAL fallback: unmatched frames are dropped
  });

  after(() => ovs?.stop());

  /** Frames written to a dummy port's tx_pcap after `skip` earlier ones, waiting until `want` are there. */
  function sentFrames(port: string, skip: number, want: number): Uint8Array[] {
    const file = `${ovs!.dir}/${port}.pcap`;
    for (let i = 0; i < pcapPollAttemptsCount; i++) {
      if (fs.existsSync(file)) {
        const r = decodePcap(new Uint8Array(fs.readFileSync(file)));
        if (r.ok && r.value.records.length >= skip + want) return r.value.records.slice(skip).map((x) => x.frame);
      }
      sleepMs(pcapPollIntervalMs);
    }
    return [];
  }

  it('OVS encapsulation equals geneveEncapsulate byte for byte', () => {
    cases.forEach((c, i) => {
      const md = (c.ports.ingressPort << 16) | c.ports.egressPort;
      ovs!.ofctl('add-flow', 'int-br', `in_port=1,actions=set_field:${c.vni}->tun_id,set_field:0x${md.toString(16)}->tun_metadata0,output:${c.underlay.tunnelPort}`);
      ovs!.appctl('netdev-dummy/receive', 'vif1', toHex(c.inner));
      const [sent] = sentFrames('u0', i, 1);
      assert.ok(sent, `case ${i}: OVS sent nothing on the underlay`);
      const d = decodeFrame(sent);
      assert.ok(d.ok && d.value.l4?.kind === 'udp', `case ${i}: not UDP`);
      const u = c.underlay;
      const ours = geneveEncapsulate({
        srcMac: u.localMac, dstMac: u.remoteMac, srcIp: u.localIp, dstIp: u.remoteIp,
        srcPort: d.value.l4.srcPort, vni: c.vni, ports: c.ports, inner: c.inner,
      });
      assert.equal(toHex(ours), toHex(sent), `case ${i}`);
    });
  });

  it('OVS decapsulates our frames and matches the VNI and OVN port keys exactly', () => {
    cases.forEach((c, i) => {
      const md = (c.ports.ingressPort << 16) | c.ports.egressPort;
      const u = c.underlay;
      ovs!.ofctl('add-flow', 'int-br', `in_port=${u.tunnelPort},tun_id=${c.vni},tun_metadata0=0x${md.toString(16)},actions=output:1`);
      const frame = geneveEncapsulate({
        srcMac: u.remoteMac, dstMac: u.localMac, srcIp: u.remoteIp, dstIp: u.localIp,
        srcPort: 50000 + i, vni: c.vni, ports: c.ports, inner: c.inner,
      });
      // First a frame whose egress key differs by one: the exact-match flow must not take it.
      const wrongPorts = { ...c.ports, egressPort: c.ports.egressPort ^ 1 };
      ovs!.appctl('netdev-dummy/receive', 'u0', toHex(geneveEncapsulate({
        srcMac: u.remoteMac, dstMac: u.localMac, srcIp: u.remoteIp, dstIp: u.localIp,
        srcPort: 50000 + i, vni: c.vni, ports: wrongPorts, inner: c.inner,
      })));
      ovs!.appctl('netdev-dummy/receive', 'u0', toHex(frame));
      const delivered = sentFrames('vif1', i, 1);
      assert.equal(delivered.length, 1, `case ${i}: want only the matching frame delivered, got ${delivered.length}`);
      assert.equal(toHex(delivered[0]!), toHex(c.inner), `case ${i}`);
    });
  });
});
