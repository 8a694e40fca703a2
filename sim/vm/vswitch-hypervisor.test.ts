import { strict as assert } from 'node:assert';
import { SimWorld } from '../world';
import { decodeFrame } from '../../core/packet/decode';
import { readOvnTunnelPorts } from '../../core/packet/geneve';
import { dumpFlows } from '../vswitch';
import { VmHost } from './vm-host';
import { GeneveUnderlay } from './geneve-underlay';
import { VswitchHypervisor } from './vswitch-hypervisor';
import { ovnStyleFlows } from './ovn-style-flows';
import type { LogicalPortBinding } from './mini-ovn-forwarder';
import type { PingResult } from './ping';
import type { TcpProbeResult } from './tcp-lite';
import { BridgeFates } from './bridge-fates';
import { replay, type PacketFate } from '../pcap/replay';
import { decodePcap, encodePcap } from '../../core/packet/pcap';
import { arpRequest, icmp4Echo } from '../../core/packet/recipes';
import type { Nic } from '../../core/runtime/datagram';
import type { Clock } from '../../core/runtime/clock';

const ports: LogicalPortBinding[] = [
  { name: 'lp1', mac: '0a:00:00:00:00:01', tunnelKey: 1, chassisIp: '192.168.0.1' },
  { name: 'lp2', mac: '0a:00:00:00:00:02', tunnelKey: 2, chassisIp: '192.168.0.2' },
  { name: 'lp3', mac: '0a:00:00:00:00:03', tunnelKey: 3, chassisIp: '192.168.0.2' },
];

function lab(seed: string) {
  const world = new SimWorld({ seed });
  const underlay = world.addSegment('underlay', { latency: { baseMs: 1 } });
  const wire: Uint8Array[] = [];
  world.spawn('tap', (_rt, h) => {
    const nic = underlay.attach(h, 'tap0', new Uint8Array([2, 0xee, 0, 0, 0, 1]));
    underlay.setPromiscuous(nic, true);
    nic.setReceiver((f) => wire.push(f));
  });
  const hvs = new Map<string, VswitchHypervisor>();
  const vms = new Map<string, VmHost>();
  [1, 2].forEach((n) => {
    const ip = `192.168.0.${n}`;
    const residents = ports.filter((p) => p.chassisIp === ip);
    const wires = residents.map((p) => world.addSegment(`vif-${p.name}`, { latency: { baseMs: 0.1 } }));
    world.spawn(`hv${n}`, (rt, h) => {
      const nic = underlay.attach(h, 'eth0', new Uint8Array([2, 0xaa, 0, 0, 0, n]));
      const endpoint = new VmHost({ name: `hv${n}-underlay`, nic, clock: rt.clock, random: rt.random.fork('underlay'), ipv4: { address: ip, prefixLength: 24 } });
      const hv = new VswitchHypervisor(`hv${n}`, rt.clock, new GeneveUnderlay(endpoint));
      residents.forEach((p, i) => hv.addVif(p.name, wires[i]!.attach(h, `vif-${p.name}`, new Uint8Array([2, 0xbb, 0, 0, n, i]))));
      hv.addTunnel(`192.168.0.${3 - n}`);
      hv.addFlows(ovnStyleFlows({ datapathKey: 9, ports, localChassisIp: ip, vifOfports: hv.vifOfports, tunnelOfports: hv.tunnelOfports }));
      hvs.set(`hv${n}`, hv);
    });
    residents.forEach((p, i) => world.spawn(`vm-${p.name}`, (rt, h) => {
      const nic = wires[i]!.attach(h, 'eth0', new Uint8Array([0x0a, 0, 0, 0, 0, p.tunnelKey]));
      vms.set(p.name, new VmHost({ name: p.name, nic, clock: rt.clock, random: rt.random.fork('vm'), ipv4: { address: `10.0.0.${p.tunnelKey}`, prefixLength: 24 } }));
    }));
  });
  return { world, wire, hvs, vms };
}

describe('VswitchHypervisor with OVN-style flows', () => {
  it('pings across two sim/vswitch bridges through Geneve (VNI = datapath key, OVN option)', () => {
    const { world, wire, hvs, vms } = lab('vswitch-ping');
    let ping: PingResult | undefined;
    vms.get('lp1')!.ping('10.0.0.2', { count: 2, intervalMs: 100 }, (r) => (ping = r));
    world.sim.run();
    assert.equal(ping!.received, 2, JSON.stringify(ping));
    const geneve = wire.map((f) => decodeFrame(f)).flatMap((d) => (d.ok && d.value.app?.kind === 'geneve' && d.value.inner ? [d.value] : []));
    const summary = geneve.map((d) => {
      const g = d.app!;
      assert.ok(g.kind === 'geneve');
      const p = readOvnTunnelPorts(g)!;
      return `vni=${g.vni} ${p.ingressPort}>${p.egressPort} ${d.inner!.l4?.kind ?? d.inner!.l3?.kind}`;
    });
    assert.deepEqual(summary, ['vni=9 1>32768 arp', 'vni=9 2>1 arp', 'vni=9 1>2 icmp4', 'vni=9 2>1 icmp4', 'vni=9 1>2 icmp4', 'vni=9 2>1 icmp4']);
    // The flood (ARP request) reached both VMs on hv2, and lp3 ignored it (not its address).
    assert.equal(vms.get('lp3')!.stats.received, 1);
    const dump = dumpFlows(hvs.get('hv2')!.bridge, world.sim.now);
    assert.ok(dump.some((l) => /table=39, n_packets=3,.*reg15=0x1,metadata=0x9 actions=set_field:0x9\/0xffffff->tun_id,/.test(l)), dump.join('\n'));
  });

  it('keeps VMs on one chassis local (no tunnel) and carries TCP across chassis', () => {
    const { world, wire, vms } = lab('vswitch-tcp');
    let local: PingResult | undefined;
    vms.get('lp2')!.ping('10.0.0.3', { count: 1 }, (r) => (local = r));
    world.sim.run();
    assert.equal(local!.received, 1);
    const isGeneve = (f: Uint8Array): boolean => {
      const d = decodeFrame(f);
      return d.ok && d.value.app?.kind === 'geneve';
    };
    const tunneledBefore = wire.filter(isGeneve).length;
    // Only the ARP broadcast was flooded to the other chassis.
    assert.equal(tunneledBefore, 1);
    vms.get('lp3')!.tcpListen(8080, () => new TextEncoder().encode('ok'));
    let tcp: TcpProbeResult | undefined;
    vms.get('lp1')!.tcpRequest('10.0.0.3', 8080, new TextEncoder().encode('hello'), (r) => (tcp = r));
    world.sim.run();
    assert.equal(tcp!.ok, true, tcp!.error);
    assert.equal(new TextDecoder().decode(tcp!.response), 'ok');
  });

  it('drops a spoofed source MAC in ls_in_port_sec_l2 (table 8): nothing leaves the chassis', () => {
    const { world, wire, hvs, vms } = lab('vswitch-spoof');
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0a, 0, 0, 0, 0, 0x99, 0x88, 0xb5]);
    vms.get('lp1')!.sendFrame(frame);
    world.sim.run();
    assert.equal(wire.length, 0);
    const trace = hvs.get('hv1')!.bridge.trace(1, frame);
    assert.deepEqual(trace.outputs, []);
    assert.ok(trace.dpActions.join(' ').includes('drop'), trace.dpActions.join(' '));
  });

  it('replays a pcap into a VIF and reports each frame fate: the ports reached, or the table and flow that dropped it', () => {
    const { world, hvs, vms } = lab('vswitch-replay');
    let injector!: Nic;
    let clock!: Clock;
    world.spawn('player', (rt, h) => {
      injector = world.segment('vif-lp1').attach(h, 'player0', new Uint8Array([2, 0xcc, 0, 0, 0, 1]));
      clock = rt.clock;
    });
    const lp1 = { srcMac: '0a:00:00:00:00:01', srcIp: '10.0.0.1' };
    const frames = [
      arpRequest({ ...lp1, targetIp: '10.0.0.2' }),
      icmp4Echo({ ...lp1, dstMac: '0a:00:00:00:00:02', dstIp: '10.0.0.2', identifier: 1, sequence: 1 }),
      icmp4Echo({ ...lp1, dstMac: '0a:00:00:00:00:77', dstIp: '10.0.0.7', identifier: 1, sequence: 2 }),
      icmp4Echo({ srcMac: '0a:00:00:00:00:66', srcIp: '10.0.0.1', dstMac: '0a:00:00:00:00:02', dstIp: '10.0.0.2', identifier: 1, sequence: 3 }),
    ];
    const file = decodePcap(encodePcap(frames.map((frame, i) => ({ timeMicros: i * 1000, frame }))));
    assert.ok(file.ok);
    const fates: string[] = [];
    const show = (f: PacketFate): string => (f.delivered.length ? `-> ${f.delivered.join(',')}` : `dropped by ${f.dropped.map((d) => d.by).join('; ')}`);
    replay(file.value.records, injector, clock, { pace: 'recorded', fates: new BridgeFates(hvs.get('hv1')!.bridge, 1), onFate: (_i, _r, f) => fates.push(show(f)) });
    world.sim.run();
    assert.deepEqual(fates, [
      '-> ovn-192.168.0.2',
      '-> ovn-192.168.0.2',
      'dropped by br-int table 9: no matching flow',
      'dropped by br-int table 8: no matching flow',
    ]);
    // The frames really crossed: lp2 got the ARP request and the echo request, and answered both.
    assert.deepEqual([vms.get('lp2')!.stats.received, vms.get('lp2')!.stats.sent], [2, 2]);
  });
});
