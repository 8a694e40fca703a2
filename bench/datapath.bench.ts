// Packets per second through sim/vswitch with a 50-table OVN-like pipeline, with and without the
// translation cache; medians of 5 runs. Run: npm run bench:datapath (tsc, then this file from dist/).
import { parseFlow } from '../core/openflow';
import { udp4 } from '../core/packet';
import { Bridge } from '../sim/vswitch';
import { loadavg } from 'node:os';
import { fmt, median, medianOf, timeMs } from './median';

const tablesCount = 50;
const flowsPerTableCount = 12;
const distinctPacketsCount = 64;

/** Each table: misses on other datapaths/ports/addresses (as OVN's per-datapath flows are), one hit that
 * loads a register and moves on, like OVN's logical stages; the last table outputs. */
function pipeline(): string[] {
  const flows: string[] = ['table=0,priority=100,in_port=1 actions=set_field:0x5->metadata,set_field:0x1->reg14,resubmit(,1)'];
  for (let t = 1; t < tablesCount; t++) {
    const next = t + 1 < tablesCount ? `resubmit(,${t + 1})` : 'output:2';
    for (let i = 0; i < flowsPerTableCount - 2; i++) {
      flows.push(`table=${t},priority=${100 + i},metadata=0x${(i + 6).toString(16)},ip,nw_dst=10.0.${i}.0/24 actions=drop`);
    }
    flows.push(`table=${t},priority=90,metadata=0x5,reg14=0x1,ip actions=set_field:0x${t.toString(16)}->reg${t % 10},${next}`);
    flows.push(`table=${t},priority=0,metadata=0x5 actions=${next}`);
  }
  return flows;
}

function makeBridge(cache: boolean): { br: Bridge; delivered: () => number } {
  const clock = { nowMs: () => 0, wallClockMs: () => 0, setTimer: () => ({ cancel() {} }) };
  const br = new Bridge({ name: 'br-int', clock, cache });
  let n = 0;
  br.addPort({ name: 'vm1', kind: 'vif', ofport: 1, deliver: () => {} });
  br.addPort({ name: 'vm2', kind: 'vif', ofport: 2, deliver: () => { n++; } });
  for (const f of pipeline()) {
    const r = parseFlow(f);
    if (!r.ok) throw new Error(`${f}: ${r.error}`);
    br.flowMod(r.flowMod);
  }
  return { br, delivered: () => n };
}

const frames = Array.from({ length: distinctPacketsCount }, (_, i) => udp4({
  srcMac: '00:00:00:00:00:01', dstMac: '00:00:00:00:00:02', srcIp: '10.1.0.1', dstIp: '10.1.0.2',
  srcPort: 10000 + i, dstPort: 80, data: new Uint8Array(18),
}));

/** Wall-clock and CPU-time rates: on a shared machine the CPU-time rate is the one-core figure (the process
 * is single-threaded), the wall-clock rate what this run saw. */
function rates(cache: boolean, packets: number): { wall: number; cpu: number } {
  const { br, delivered } = makeBridge(cache);
  for (let i = 0; i < 5_000; i++) br.receive(1, frames[i % distinctPacketsCount]!); // JIT warm-up, fills the cache
  const before = delivered();
  const cpu0 = process.cpuUsage();
  const ms = timeMs(() => {
    for (let i = 0; i < packets; i++) br.receive(1, frames[i % distinctPacketsCount]!);
  });
  const cpu = process.cpuUsage(cpu0);
  if (delivered() - before !== packets) throw new Error(`delivered ${delivered() - before} of ${packets}`);
  return { wall: packets / (ms / 1000), cpu: packets / ((cpu.user + cpu.system) / 1e6) };
}

function report(label: string, cache: boolean, packets: number): void {
  const samples: { wall: number; cpu: number }[] = [];
  const wall = medianOf(5, () => { const r = rates(cache, packets); samples.push(r); return r.wall; });
  const cpu = median(samples.map((r) => r.cpu));
  console.log(`  ${label}: ${fmt(cpu)} pps per CPU-second, ${fmt(wall.median)} pps wall (medians of 5; wall samples ${wall.samples.map(fmt).join(', ')})`);
}

console.log(`datapath: ${tablesCount}-table OVN-like pipeline (${tablesCount * flowsPerTableCount} flows), ${distinctPacketsCount} distinct flows, load average ${loadavg()[0]!.toFixed(1)}`);
report('uncached', false, 100_000);
report('cached  ', true, 2_000_000);
