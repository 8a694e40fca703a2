// dataplane-demo: two hypervisors on a simulated underlay, one VM on each, the same logical switch. VM1
// pings VM2 (IPv4 and IPv6), makes a TCP request and a UDP echo probe to it; every frame crosses a Geneve tunnel (VNI = datapath key, OVN's
// option carrying the logical ingress/egress port keys). Each hypervisor runs a sim/vswitch br-int with the
// OpenFlow flows an OVN controller would write (sim/vm/ovn-style-flows.ts, hand written: no northd yet).
// The underlay wire and both VIFs are always recorded (so capturing never changes the run); the captures
// are returned as pcap files for `ovn-ts sim dataplane-demo --pcap DIR`.
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario';
import { SimWorld } from '../sim/world';
import { VmHost } from '../sim/vm/vm-host';
import { GeneveUnderlay } from '../sim/vm/geneve-underlay';
import type { LogicalPortBinding } from '../sim/vm/mini-ovn-forwarder';
import { VswitchHypervisor } from '../sim/vm/vswitch-hypervisor';
import { ovnStyleFlows, ovnTables } from '../sim/vm/ovn-style-flows';
import { dumpFlows } from '../sim/vswitch';
import { PcapRecorder, RecordingNic, tapSegment } from '../sim/pcap/recorder';
import type { PingResult } from '../sim/vm/ping';
import type { TcpProbeResult } from '../sim/vm/tcp-lite';
import type { UdpProbeResult } from '../sim/vm/udp';
import { formatIpv4, parseMacText } from '../core/packet/address';
import { decodeFrame } from '../core/packet/decode';
import { readOvnTunnelPorts } from '../core/packet/geneve';
import { createHash } from 'node:crypto';

/** The logical switch's datapath tunnel key (the Geneve VNI). */
const datapathKey = 5;
const topology = {
  underlay: { latency: { baseMs: 0.5, jitterMs: 0.2 } },
  vifLatency: { baseMs: 0.05 },
  hypervisors: [
    { name: 'hv1', underlayIp: '192.168.100.1', underlayMac: '02:00:c0:a8:64:01', vifMac: '02:00:00:00:f1:01' },
    { name: 'hv2', underlayIp: '192.168.100.2', underlayMac: '02:00:c0:a8:64:02', vifMac: '02:00:00:00:f2:01' },
  ],
  vms: [
    { name: 'vm1', port: 'lsp-vm1', mac: '0a:00:00:00:00:01', ip: '10.0.0.1', ip6: 'fd00::1', tunnelKey: 1, hypervisor: 'hv1' },
    { name: 'vm2', port: 'lsp-vm2', mac: '0a:00:00:00:00:02', ip: '10.0.0.2', ip6: 'fd00::2', tunnelKey: 2, hypervisor: 'hv2' },
  ],
} as const;
const pingCount = 3;
const pingStartMs = 100;
const tcpStartMs = 4_000;
const ping6StartMs = 5_000;
const udpStartMs = 6_000;
const udpEchoPort = 7;
const tcpPort = 80;
const runForMs = 10_000;

export interface DataplaneDemoRun {
  readonly world: SimWorld;
  readonly ping?: PingResult;
  readonly tcp?: TcpProbeResult;
  readonly ping6?: PingResult;
  readonly udp?: UdpProbeResult;
  /** Each Geneve packet on the underlay: "src>dst vni=N ingress>egress inner-protocol". */
  readonly tunnel: readonly string[];
  readonly hypervisors: ReadonlyMap<string, VswitchHypervisor>;
  /** pcap file name → bytes: the underlay wire and each hypervisor's VIF. */
  readonly captures: ReadonlyMap<string, Uint8Array>;
}

function mac(text: string): Uint8Array {
  return parseMacText(text)!;
}

/** Builds and runs the demo world (exported for tests). */
export function runDataplaneDemo(seed: string, traceSink?: (line: string) => void): DataplaneDemoRun {
  const world = new SimWorld({ seed });
  if (traceSink) world.sim.trace.addSink(traceSink);
  const underlay = world.addSegment('underlay', topology.underlay);
  const wire = tapSegment(world, underlay);
  wire.onRecord((r) => world.sim.record('wire', describeUnderlayFrame(r.frame)));
  const ports: LogicalPortBinding[] = topology.vms.map((vm) => {
    const hv = topology.hypervisors.find((h) => h.name === vm.hypervisor)!;
    return { name: vm.port, mac: vm.mac, tunnelKey: vm.tunnelKey, chassisIp: hv.underlayIp };
  });
  const hypervisors = new Map<string, VswitchHypervisor>();
  const vifRecorders: PcapRecorder[] = [];
  const vms = new Map<string, VmHost>();
  for (const hv of topology.hypervisors) {
    const residents = topology.vms.filter((vm) => vm.hypervisor === hv.name);
    const vifSegments = residents.map((vm) => world.addSegment(`vif-${vm.name}`, { latency: topology.vifLatency }));
    world.spawn(hv.name, (rt, host) => {
      const nic = underlay.attach(host, 'eth0', mac(hv.underlayMac));
      const endpoint = new VmHost({
        name: `${hv.name}-underlay`, nic, clock: rt.clock, random: rt.random.fork('underlay'),
        ipv4: { address: hv.underlayIp, prefixLength: 24 }, log: (line) => rt.log('info', 'underlay', line),
      });
      const hypervisor = new VswitchHypervisor(hv.name, rt.clock, new GeneveUnderlay(endpoint));
      residents.forEach((vm, i) => {
        const recorder = new PcapRecorder(`${hv.name}-vif-${vm.name}`, rt.clock);
        vifRecorders.push(recorder);
        const vifNic = vifSegments[i]!.attach(host, `vif-${vm.name}`, mac(hv.vifMac).map((b, j) => (j === 5 ? b + i : b)));
        hypervisor.addVif(vm.port, new RecordingNic(vifNic, recorder));
      });
      for (const other of topology.hypervisors) if (other !== hv) hypervisor.addTunnel(other.underlayIp);
      const flows = ovnStyleFlows({
        datapathKey, ports, localChassisIp: hv.underlayIp, vifOfports: hypervisor.vifOfports, tunnelOfports: hypervisor.tunnelOfports,
      });
      hypervisor.addFlows(flows);
      rt.log('info', 'br-int', `${flows.length} flows installed`);
      hypervisors.set(hv.name, hypervisor);
    });
    residents.forEach((vm, i) => {
      world.spawn(vm.name, (rt, host) => {
        vms.set(vm.name, new VmHost({
          name: vm.name, nic: vifSegments[i]!.attach(host, 'eth0', mac(vm.mac)), clock: rt.clock, random: rt.random.fork('vm'),
          ipv4: { address: vm.ip, prefixLength: 24 }, ipv6: { address: vm.ip6 }, log: (line) => rt.log('info', 'vm', line),
        }));
      });
    });
  }
  const vm1 = vms.get('vm1')!;
  const vm2 = vms.get('vm2')!;
  vm2.tcpListen(tcpPort, (request) => new TextEncoder().encode(`vm2 got ${request.length} bytes`));
  let ping: PingResult | undefined;
  let tcp: TcpProbeResult | undefined;
  let ping6: PingResult | undefined;
  let udp: UdpProbeResult | undefined;
  vm2.udp.serveEcho(udpEchoPort);
  world.sim.schedule(ping6StartMs, () =>
    vm1.ping(topology.vms[1].ip6, { count: 2, intervalMs: 500 }, (r) => {
      ping6 = r;
      world.sim.record('vm1', `ping ${r.target}: ${r.received}/${r.sent} replies`);
    }),
  );
  world.sim.schedule(udpStartMs, () =>
    vm1.udpProbe(topology.vms[1].ip, udpEchoPort, new TextEncoder().encode('udp probe'), (r) => {
      udp = r;
      world.sim.record('vm1', `udp ${topology.vms[1].ip}:${udpEchoPort}: ${r.ok ? `echoed in ${r.rttMs!.toFixed(3)} ms` : r.error}`);
    }),
  );
  world.sim.schedule(pingStartMs, () =>
    vm1.ping(topology.vms[1].ip, { count: pingCount, intervalMs: 1_000 }, (r) => {
      ping = r;
      world.sim.record('vm1', `ping ${r.target}: ${r.received}/${r.sent} replies, rtt ms ${r.rttsMs.map((x) => (x === null ? '-' : x.toFixed(3))).join(' ')}`);
    }),
  );
  world.sim.schedule(tcpStartMs, () =>
    vm1.tcpRequest(topology.vms[1].ip, tcpPort, new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'), (r) => {
      tcp = r;
      world.sim.record('vm1', `tcp ${topology.vms[1].ip}:${tcpPort}: ${r.ok ? `ok in ${r.elapsedMs!.toFixed(3)} ms` : r.error}`);
    }),
  );
  world.sim.run({ untilMs: runForMs });
  const captures = new Map<string, Uint8Array>([['underlay.pcap', wire.encode()]]);
  for (const r of vifRecorders) captures.set(`${r.name}.pcap`, r.encode());
  // The captured bytes are part of the run's outcome: put their digests in the trace (so the hash covers them).
  for (const [name, bytes] of captures) world.sim.record('capture', `${name} sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
  const tunnel = wire.records.map((r) => describeUnderlayFrame(r.frame)).filter((line) => line.includes(' vni='));
  return { world, tunnel, hypervisors, captures, ...(ping ? { ping } : {}), ...(tcp ? { tcp } : {}), ...(ping6 ? { ping6 } : {}), ...(udp ? { udp } : {}) };
}

/** "src>dst vni=N ingress>egress inner" for Geneve, else the frame's top protocol. */
function describeUnderlayFrame(frame: Uint8Array): string {
  const d = decodeFrame(frame);
  if (!d.ok) return `malformed: ${d.error.message}`;
  const f = d.value;
  if (f.app?.kind !== 'geneve' || f.l3?.kind !== 'ipv4') return `${frame.length} bytes ${f.l4?.kind ?? f.l3?.kind ?? `ethertype 0x${f.eth.ethType.toString(16)}`}`;
  const p = readOvnTunnelPorts(f.app);
  const inner = f.inner;
  return `${formatIpv4(f.l3.src)}>${formatIpv4(f.l3.dst)} vni=${f.app.vni} ${p ? `${p.ingressPort}>${p.egressPort}` : 'no-ovn-option'} ${inner?.l4?.kind ?? inner?.l3?.kind ?? '?'}`;
}

export const dataplaneDemo: Scenario = {
  name: 'dataplane-demo',
  summary: 'two hypervisors, a VM on each: ping, ping6, TCP and UDP probes across a Geneve tunnel',
  run(options: ScenarioOptions): ScenarioResult {
    const { report } = options;
    report(`dataplane-demo (seed ${options.seed}): ${dataplaneDemo.summary}`);
    const run = runDataplaneDemo(options.seed, options.traceSink);
    const ping = run.ping;
    const tcp = run.tcp;
    report(`vm1 -> vm2 ping: ${ping ? `${ping.received}/${ping.sent} replies, rtt ms ${ping.rttsMs.map((x) => (x === null ? '-' : x.toFixed(3))).join(' ')}` : 'did not finish'}`);
    report(`vm1 -> vm2 tcp:${tcpPort}: ${tcp ? (tcp.ok ? `"${new TextDecoder().decode(tcp.response)}" in ${tcp.elapsedMs!.toFixed(3)} ms` : tcp.error) : 'did not finish'}`);
    const ping6 = run.ping6;
    report(`vm1 -> vm2 ping6: ${ping6 ? `${ping6.received}/${ping6.sent} replies (neighbor discovery through the tunnel)` : 'did not finish'}`);
    report(`vm1 -> vm2 udp:${udpEchoPort}: ${run.udp ? (run.udp.ok ? `echoed in ${run.udp.rttMs!.toFixed(3)} ms` : run.udp.error) : 'did not finish'}`);
    report(`underlay: ${run.tunnel.length} Geneve packets (vni ${datapathKey}, OVN option ingress>egress port keys)`);
    for (const [name, hv] of run.hypervisors) {
      const flows = dumpFlows(hv.bridge, run.world.sim.now);
      const tunnelOut = flows.filter((l) => l.includes(`table=${ovnTables.remoteOutput},`) && l.includes('output:'));
      const packets = tunnelOut.reduce((n, l) => n + Number(/n_packets=(\d+)/.exec(l)?.[1] ?? 0), 0);
      const malformed = [...hv.bridge.stats.malformed.values()].reduce((a, b) => a + b, 0);
      report(`  ${name} br-int: ${flows.length} flows, ${packets} packets out to tunnels (table ${ovnTables.remoteOutput}), ${malformed} malformed`);
    }
    for (const [name, bytes] of run.captures) report(`capture ${name}: ${bytes.length} bytes`);
    const ok = ping?.received === pingCount && tcp?.ok === true && ping6?.received === ping6?.sent && run.udp?.ok === true;
    report(`checks: ${ok ? 'ok' : 'FAILED'} (all pings, IPv4 and IPv6, answered across the tunnel; TCP and UDP probes answered)`);
    return {
      traceHash: run.world.traceHash, ok, events: run.world.sim.eventCount, virtualMs: run.world.sim.now, files: run.captures,
    };
  },
};
