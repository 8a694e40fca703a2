// dataplane-demo: two hypervisors on a simulated underlay, one VM on each, the same logical switch. VM1
// pings VM2 and makes a TCP request to it; every frame crosses a Geneve tunnel (VNI = datapath key, OVN's
// option carrying the logical ingress/egress port keys). Hypervisor forwarding is the stand-in OVN-style
// forwarder (sim/vm/mini-ovn-forwarder.ts) until the simulated vswitch takes its place. The underlay wire
// and both VIFs are always recorded (so capturing never changes the run); the captures are returned as
// pcap files for `ovn-ts sim dataplane-demo --pcap DIR`.
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario';
import { SimWorld } from '../sim/world';
import { VmHost } from '../sim/vm/vm-host';
import { GeneveUnderlay } from '../sim/vm/geneve-underlay';
import { MiniOvnForwarder, type ForwardingFate, type LogicalPortBinding } from '../sim/vm/mini-ovn-forwarder';
import { PcapRecorder, RecordingNic, tapSegment } from '../sim/pcap/recorder';
import type { PingResult } from '../sim/vm/ping';
import type { TcpProbeResult } from '../sim/vm/tcp-lite';
import { parseMacText } from '../core/packet/address';

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
    { name: 'vm1', port: 'lsp-vm1', mac: '0a:00:00:00:00:01', ip: '10.0.0.1', tunnelKey: 1, hypervisor: 'hv1' },
    { name: 'vm2', port: 'lsp-vm2', mac: '0a:00:00:00:00:02', ip: '10.0.0.2', tunnelKey: 2, hypervisor: 'hv2' },
  ],
} as const;
const pingCount = 3;
const pingStartMs = 100;
const tcpStartMs = 4_000;
const tcpPort = 80;
const runForMs = 10_000;

export interface DataplaneDemoRun {
  readonly world: SimWorld;
  readonly ping?: PingResult;
  readonly tcp?: TcpProbeResult;
  readonly fates: readonly ForwardingFate[];
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
  const ports: LogicalPortBinding[] = topology.vms.map((vm) => {
    const hv = topology.hypervisors.find((h) => h.name === vm.hypervisor)!;
    return { name: vm.port, mac: vm.mac, tunnelKey: vm.tunnelKey, chassisIp: hv.underlayIp };
  });
  const fates: ForwardingFate[] = [];
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
      const forwarder = new MiniOvnForwarder({
        datapathKey, underlay: new GeneveUnderlay(endpoint), ports,
        fate: (fate) => {
          fates.push(fate);
          rt.log('dbg', 'forwarder', describeFate(fate));
        },
      });
      residents.forEach((vm, i) => {
        const recorder = new PcapRecorder(`${hv.name}-vif-${vm.name}`, rt.clock);
        vifRecorders.push(recorder);
        const vifNic = vifSegments[i]!.attach(host, `vif-${vm.name}`, mac(hv.vifMac).map((b, j) => (j === 5 ? b + i : b)));
        forwarder.attachVif(vm.port, new RecordingNic(vifNic, recorder));
      });
    });
    residents.forEach((vm, i) => {
      world.spawn(vm.name, (rt, host) => {
        vms.set(vm.name, new VmHost({
          name: vm.name, nic: vifSegments[i]!.attach(host, 'eth0', mac(vm.mac)), clock: rt.clock, random: rt.random.fork('vm'),
          ipv4: { address: vm.ip, prefixLength: 24 }, log: (line) => rt.log('info', 'vm', line),
        }));
      });
    });
  }
  const vm1 = vms.get('vm1')!;
  const vm2 = vms.get('vm2')!;
  vm2.tcpListen(tcpPort, (request) => new TextEncoder().encode(`vm2 got ${request.length} bytes`));
  let ping: PingResult | undefined;
  let tcp: TcpProbeResult | undefined;
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
  return { world, fates, captures, ...(ping ? { ping } : {}), ...(tcp ? { tcp } : {}) };
}

function describeFate(f: ForwardingFate): string {
  switch (f.kind) {
    case 'delivered':
      return `${f.chassisIp}: delivered to ${f.port}`;
    case 'tunneled':
      return `${f.chassisIp}: tunnel to ${f.toChassisIp} vni ${f.vni} ports ${f.ingressPort}->${f.egressPort}`;
    case 'dropped':
      return `${f.chassisIp}: dropped (${f.reason})`;
  }
}

export const dataplaneDemo: Scenario = {
  name: 'dataplane-demo',
  summary: 'two hypervisors, a VM on each: ping and a TCP request across a Geneve tunnel',
  run(options: ScenarioOptions): ScenarioResult {
    const { report } = options;
    report(`dataplane-demo (seed ${options.seed}): ${dataplaneDemo.summary}`);
    const run = runDataplaneDemo(options.seed, options.traceSink);
    const ping = run.ping;
    const tcp = run.tcp;
    report(`vm1 -> vm2 ping: ${ping ? `${ping.received}/${ping.sent} replies, rtt ms ${ping.rttsMs.map((x) => (x === null ? '-' : x.toFixed(3))).join(' ')}` : 'did not finish'}`);
    report(`vm1 -> vm2 tcp:${tcpPort}: ${tcp ? (tcp.ok ? `"${new TextDecoder().decode(tcp.response)}" in ${tcp.elapsedMs!.toFixed(3)} ms` : tcp.error) : 'did not finish'}`);
    const tunneled = run.fates.filter((f) => f.kind === 'tunneled').length;
    const dropped = run.fates.filter((f) => f.kind === 'dropped');
    report(`forwarding: ${tunneled} frames tunneled (Geneve, vni ${datapathKey}), ${dropped.length} dropped`);
    for (const d of dropped) report(`  ${describeFate(d)}`);
    for (const [name, bytes] of run.captures) report(`capture ${name}: ${bytes.length} bytes`);
    const ok = ping?.received === pingCount && tcp?.ok === true;
    report(`checks: ${ok ? 'ok' : 'FAILED'} (all pings answered across the tunnel; TCP request answered)`);
    return {
      traceHash: run.world.traceHash, ok, events: run.world.sim.eventCount, virtualMs: run.world.sim.now,
    };
  },
};
