import { strict as assert } from 'node:assert';
import { dataplaneDemo, runDataplaneDemo } from './dataplane-demo';
import { findScenario } from './index';
import { dumpFlows } from '../sim/vswitch';

function runScenario(seed: string): { lines: string[]; hash: string; ok: boolean; traceLines: number } {
  const lines: string[] = [];
  let traceLines = 0;
  const r = dataplaneDemo.run({ seed, report: (l) => lines.push(l), traceSink: () => traceLines++ });
  return { lines, hash: r.traceHash, ok: r.ok, traceLines };
}

describe('scenario dataplane-demo', () => {
  it('is registered; VM1 reaches VM2 across the Geneve tunnel (ping, ping6, TCP, UDP)', () => {
    assert.equal(findScenario('dataplane-demo'), dataplaneDemo);
    const run = runDataplaneDemo('1');
    assert.equal(run.ping!.received, 3);
    assert.equal(run.tcp!.ok, true);
    assert.equal(new TextDecoder().decode(run.tcp!.response), 'vm2 got 18 bytes');
    // Each echo crossed the tunnel both ways, with VNI = datapath key and OVN's option carrying the port keys;
    // the ARP request went to the flood group (32768).
    assert.deepEqual(run.tunnel.slice(0, 4), [
      '192.168.100.1>192.168.100.2 vni=5 1>32768 arp',
      '192.168.100.2>192.168.100.1 vni=5 2>1 arp',
      '192.168.100.1>192.168.100.2 vni=5 1>2 icmp4',
      '192.168.100.2>192.168.100.1 vni=5 2>1 icmp4',
    ]);
    assert.equal(run.tunnel.filter((t) => t.endsWith('icmp4')).length, 6);
    assert.equal(run.tunnel.filter((t) => t.endsWith('tcp')).length, 6);
    assert.equal(run.ping6!.received, 2);
    assert.equal(run.udp!.ok, true);
    assert.equal(new TextDecoder().decode(run.udp!.response), 'udp probe');
    // The flows did the work: hv1's tunnel output flow for vm2's port counted 3 echo requests, 3 TCP
    // segments, 2 ICMPv6 echo requests and 1 UDP probe; the flood flow the ARP request and the NS.
    const hv1 = dumpFlows(run.hypervisors.get('hv1')!.bridge, run.world.sim.now);
    assert.ok(hv1.some((l) => /table=39, n_packets=9, .*reg15=0x2,metadata=0x5 actions=.*output:100/.test(l)), hv1.join('\n'));
    assert.ok(hv1.some((l) => /table=39, n_packets=2, .*reg15=0x8000,metadata=0x5 actions=.*output:100,resubmit\(,40\)/.test(l)), hv1.join('\n'));
    assert.deepEqual([...run.captures.keys()], ['underlay.pcap', 'hv1-vif-vm1.pcap', 'hv2-vif-vm2.pcap']);
  });

  it('is deterministic: same seed, same report and trace hash; another seed, another trace', () => {
    const a = runScenario('42');
    const b = runScenario('42');
    const c = runScenario('43');
    assert.ok(a.ok && b.ok && c.ok, a.lines.join('\n'));
    assert.equal(a.hash, b.hash);
    assert.deepEqual(a.lines, b.lines);
    assert.ok(a.traceLines > 20);
    assert.notEqual(a.hash, c.hash);
    assert.match(a.lines.join('\n'), /vm1 -> vm2 ping: 3\/3 replies/);
  });

  it('succeeds for many seeds', () => {
    for (let seed = 100; seed < 120; seed++) assert.ok(runScenario(String(seed)).ok, `seed ${seed}`);
  });
});
