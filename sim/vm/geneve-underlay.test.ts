import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';
import { decodeFrame } from '../../core/packet/decode';
import { readOvnTunnelPorts } from '../../core/packet/geneve';
import { formatIpv4 } from '../../core/packet/address';
import { VmHost } from './vm-host';
import { GeneveUnderlay } from './geneve-underlay';
import { MiniOvnForwarder, floodGroupKey, type ForwardingFate, type LogicalPortBinding } from './mini-ovn-forwarder';
import type { PingResult } from './ping';

const ports: LogicalPortBinding[] = [
  { name: 'lp1', mac: '0a:00:00:00:00:01', tunnelKey: 1, chassisIp: '192.168.0.1' },
  { name: 'lp2', mac: '0a:00:00:00:00:02', tunnelKey: 2, chassisIp: '192.168.0.2' },
];

function twoChassis(seed: string) {
  const world = new SimWorld({ seed });
  const underlay = world.addSegment('underlay', { latency: { baseMs: 1 } });
  const wire: Uint8Array[] = [];
  const fates: ForwardingFate[] = [];
  world.spawn('tap', (_rt, h) => {
    const nic = underlay.attach(h, 'tap0', new Uint8Array([2, 0xee, 0, 0, 0, 1]));
    underlay.setPromiscuous(nic, true);
    nic.setReceiver((f) => wire.push(f));
  });
  const vms: VmHost[] = [];
  [1, 2].forEach((n) => {
    const vif = world.addSegment(`vif${n}`, { latency: { baseMs: 0.1 } });
    world.spawn(`hv${n}`, (rt, h) => {
      const nic = underlay.attach(h, 'eth0', new Uint8Array([2, 0xaa, 0, 0, 0, n]));
      const host = new VmHost({ name: `hv${n}-underlay`, nic, clock: rt.clock, random: rt.random.fork('underlay'), ipv4: { address: `192.168.0.${n}`, prefixLength: 24 } });
      const fwd = new MiniOvnForwarder({ datapathKey: 7, underlay: new GeneveUnderlay(host), ports, fate: (f) => fates.push(f) });
      fwd.attachVif(`lp${n}`, vif.attach(h, `vif${n}`, new Uint8Array([2, 0xbb, 0, 0, 0, n])));
    });
    world.spawn(`vm${n}`, (rt, h) => {
      const nic = vif.attach(h, 'eth0', new Uint8Array([0x0a, 0, 0, 0, 0, n]));
      vms.push(new VmHost({ name: `vm${n}`, nic, clock: rt.clock, random: rt.random.fork('vm'), ipv4: { address: `10.0.0.${n}`, prefixLength: 24 } }));
    });
  });
  return { world, wire, fates, vms };
}

describe('Geneve underlay and the stand-in OVN forwarder', () => {
  it('carries a ping between VMs on two chassis through Geneve with the VNI and OVN port keys', () => {
    const { world, wire, fates, vms } = twoChassis('geneve');
    let result: PingResult | undefined;
    vms[0]!.ping('10.0.0.2', { count: 2, intervalMs: 100 }, (r) => (result = r));
    world.sim.run();
    assert.equal(result!.received, 2);
    const geneve = wire.map((f) => decodeFrame(f)).filter((d) => d.ok && d.value.app?.kind === 'geneve').map((d) => d.ok && d.value);
    // ARP request (flooded), ARP reply, 2 echo requests, 2 echo replies.
    assert.equal(geneve.length, 6);
    const summary = geneve.map((d) => {
      assert.ok(d && d.app?.kind === 'geneve' && d.l3?.kind === 'ipv4' && d.inner);
      const portsOf = readOvnTunnelPorts(d.app)!;
      return `${formatIpv4(d.l3.src)}>${formatIpv4(d.l3.dst)} vni=${d.app.vni} ${portsOf.ingressPort}>${portsOf.egressPort} ${d.inner.l3?.kind}${d.inner.l4 ? '/' + d.inner.l4.kind : ''}`;
    });
    assert.deepEqual(summary, [
      `192.168.0.1>192.168.0.2 vni=7 1>${floodGroupKey} arp`,
      '192.168.0.2>192.168.0.1 vni=7 2>1 arp',
      '192.168.0.1>192.168.0.2 vni=7 1>2 ipv4/icmp4',
      '192.168.0.2>192.168.0.1 vni=7 2>1 ipv4/icmp4',
      '192.168.0.1>192.168.0.2 vni=7 1>2 ipv4/icmp4',
      '192.168.0.2>192.168.0.1 vni=7 2>1 ipv4/icmp4',
    ]);
    assert.ok(geneve.every((d) => d && d.l3?.kind === 'ipv4' && d.l3.dontFragment && d.l3.ttl === 64));
    assert.ok(fates.some((f) => f.kind === 'delivered' && f.port === 'lp2'));
    assert.ok(!fates.some((f) => f.kind === 'dropped'));
  });

  it('drops spoofed source MACs at port security and reports the fate', () => {
    const { world, fates, vms } = twoChassis('spoof');
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0, 0, 0, 0, 0x99, 0x88, 0xb5]);
    vms[0]!.sendFrame(frame);
    world.sim.run();
    assert.deepEqual(fates, [{ kind: 'dropped', chassisIp: '192.168.0.1', reason: 'port security on lp1' }]);
  });
});
