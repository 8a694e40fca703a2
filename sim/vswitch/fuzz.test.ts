// Seeded fuzz: malformed frames and OpenFlow messages are counted and dropped with a reason, never a crash.
import { strict as assert } from 'node:assert';
import seedrandom from 'seedrandom';
import { encodeMessage, parseFlow } from '../../core/openflow';
import { udp4, tcp4, icmp4Echo } from '../../core/packet';
import { Bridge, OpenFlowChannel } from './index';

const seed = 'vswitch-fuzz-1';
const iterationsCount = 3000;

describe('vswitch fuzz (seed ' + seed + ')', () => {
  it('survives mutated frames and OpenFlow messages', () => {
    const rnd = seedrandom(seed);
    const clock = { nowMs: () => 0, wallClockMs: () => 0, setTimer: () => ({ cancel() {} }) };
    const br = new Bridge({ name: 'br0', clock });
    br.addPort({ name: 'p1', kind: 'vif', ofport: 1, deliver: () => {} });
    br.addPort({ name: 'p2', kind: 'vif', ofport: 2, deliver: () => {} });
    br.addPort({ name: 'tun', kind: 'tunnel', ofport: 3, tunnel: { localMac: '02:00:00:00:00:01', remoteMac: '02:00:00:00:00:02', localIp: '1.1.1.1', remoteIp: '1.1.1.2', underlaySend: () => {} } });
    const ch = new OpenFlowChannel(br);
    const flows = ['ip actions=ct(zone=1,table=1)', 'table=1,ct_state=+new,ip actions=ct(commit,nat(src=10.9.0.1-10.9.0.3:100-200)),output:2',
      'priority=1 actions=set_field:5->tun_id,output:3,dec_ttl,output:2', 'table=1,priority=1 actions=resubmit(,0)'];
    for (const f of flows) {
      const r = parseFlow(f);
      assert.ok(r.ok);
      br.flowMod(r.flowMod);
    }
    const seeds = [
      udp4({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1, dstPort: 2, data: new Uint8Array(4) }),
      tcp4({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', srcPort: 1, dstPort: 2, flags: 2 }),
      icmp4Echo({ srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.0.0.1', dstIp: '10.0.0.2', identifier: 1, sequence: 1 }),
    ];
    const messages = flows.map((f) => { const r = parseFlow(f); if (!r.ok) throw new Error(r.error); return encodeMessage(r.flowMod); });
    const mutate = (b: Uint8Array) => {
      const out = b.slice(0, Math.floor(rnd() * (b.length + 1)));
      for (let k = Math.floor(rnd() * 4); k > 0 && out.length; k--) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
      return out;
    };
    let rejected = 0;
    for (let i = 0; i < iterationsCount; i++) {
      br.receive(1 + Math.floor(rnd() * 3), mutate(seeds[i % seeds.length]!));
      const r = ch.handle(mutate(messages[i % messages.length]!));
      if (!r.ok) {
        rejected++;
        assert.ok(r.reason.length > 0);
      }
    }
    const malformed = [...br.stats.malformed.values()].reduce((a, b) => a + b, 0);
    assert.ok(malformed > 0, 'some frames were malformed');
    assert.ok(rejected > 0, 'some messages were rejected');
    assert.equal([...ch.rejected.values()].reduce((a, b) => a + b, 0), rejected);
    for (const reason of br.stats.malformed.keys()) assert.ok(reason.length > 0);
  });
});
