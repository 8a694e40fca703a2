// Replay fates through a bridge must not run the pipeline twice: a learn action (or a ct commit) would then
// happen twice and the reported fate would differ from what the packet really did.
import { strict as assert } from 'node:assert';
import { parseFlow, type FlowMod } from '../../core/openflow';
import { udp4 } from '../../core/packet';
import { Bridge } from '../vswitch';
import { BridgeFates } from './bridge-fates';
import type { PacketFate } from '../pcap/replay';

function flow(text: string): FlowMod {
  const r = parseFlow(text);
  if (!r.ok) throw new Error(r.error);
  return r.flowMod;
}

describe('BridgeFates', () => {
  it('reports the fate of the one real pass: counters move once, outputs delivered once', () => {
    const clock = { nowMs: () => 0, wallClockMs: () => 0, setTimer: () => ({ cancel() {} }) };
    const delivered: number[] = [];
    const br = new Bridge({ name: 'br-int', clock });
    for (const p of [1, 2]) br.addPort({ name: `vif${p}`, kind: 'vif', ofport: p, deliver: () => delivered.push(p) });
    br.flowMod(flow('table=0,in_port=1,udp actions=output:2'));
    br.flowMod(flow('table=0,priority=0 actions=drop'));
    const fates: PacketFate[] = [];
    const sends: number[] = [];
    const fateSource = new BridgeFates(br, 1);
    const frame = udp4({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1, dstPort: 2, data: new Uint8Array(4) });
    fateSource.track(0, frame, () => sends.push(0), (f) => fates.push(f));
    assert.deepEqual(fates, [{ delivered: ['vif2'], dropped: [] }]);
    assert.deepEqual(delivered, [2], 'delivered exactly once');
    assert.equal(sends.length, 0, 'the injector is bypassed: the bridge port receives the frame itself');
    const hit = br.tables.allFlows().find((f) => f.priority !== 0)!;
    assert.equal(hit.nPackets, 1, 'the flow counted the packet once');
  });
});
