import { strict as assert } from 'node:assert';
import { dataplaneDemo, runDataplaneDemo } from './dataplane-demo';
import { findScenario } from './index';

function runScenario(seed: string): { lines: string[]; hash: string; ok: boolean; traceLines: number } {
  const lines: string[] = [];
  let traceLines = 0;
  const r = dataplaneDemo.run({ seed, report: (l) => lines.push(l), traceSink: () => traceLines++ });
  return { lines, hash: r.traceHash, ok: r.ok, traceLines };
}

describe('scenario dataplane-demo', () => {
  it('is registered and pings VM2 from VM1 across the Geneve tunnel', () => {
    assert.equal(findScenario('dataplane-demo'), dataplaneDemo);
    const run = runDataplaneDemo('1');
    assert.equal(run.ping!.received, 3);
    assert.equal(run.tcp!.ok, true);
    assert.equal(new TextDecoder().decode(run.tcp!.response), 'vm2 got 18 bytes');
    // Each echo crossed the tunnel both ways, with VNI = datapath key and the right port keys.
    const tunneled = run.fates.filter((f) => f.kind === 'tunneled');
    assert.ok(tunneled.every((f) => f.kind === 'tunneled' && f.vni === 5));
    assert.ok(tunneled.some((f) => f.kind === 'tunneled' && f.ingressPort === 1 && f.egressPort === 2 && f.toChassisIp === '192.168.100.2'));
    assert.ok(tunneled.some((f) => f.kind === 'tunneled' && f.ingressPort === 2 && f.egressPort === 1 && f.toChassisIp === '192.168.100.1'));
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
