// bench:sim — throughput of the simulation kernel: timer events/s and stream messages/s with 1,000 and
// 10,000 hosts, plus the cost of idle hosts. No upstream component simulates hosts this way, so there is
// no ratio to print; the targets (DESIGN.md, issue "Foundation") are ≥ 1,000,000 timer events/s and
// ≥ 300,000 stream messages/s on the 2-core reference machine. Prints medians of several runs.

import { SimWorld } from '../sim/world';
import type { Connection } from '../core/runtime/transport';
import { fmt, medianOf, timeMs } from './median';

const runs = Number(process.env.BENCH_RUNS ?? 5);

/** Every host re-arms one timer; returns timer events per wall second. */
function timerRate(hosts: number, eventsTarget: number): number {
  const world = new SimWorld({ seed: 'bench-timers' });
  for (let i = 0; i < hosts; i++) {
    world.spawn(`h${i}`, (rt) => {
      const period = 10 + (i % 7);
      const tick = () => rt.clock.setTimer(period, tick);
      tick();
    });
  }
  let ran = 0;
  const ms = timeMs(() => (ran = world.sim.run({ maxEvents: eventsTarget })));
  return (ran / ms) * 1000;
}

/** Hosts in pairs; each pair keeps `window` messages in flight ping-ponging. Returns messages/s. */
function streamRate(hosts: number, messagesTarget: number, window = 4): number {
  const world = new SimWorld({ seed: 'bench-streams', network: { traceConnections: false, latency: { baseMs: 0.2, jitterMs: 0.1 } } });
  const payload = new Uint8Array(64);
  let delivered = 0;
  const echo = (conn: Connection) =>
    conn.setHandler({ data: (b) => { delivered++; conn.send(b); }, closed: () => {} });
  for (let i = 0; i < hosts; i += 2) {
    const ipA = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    world.spawn(`s${i}`, (rt) => rt.transport.listen('ptcp:7000', { accepted: echo }), { ips: [ipA] });
    world.spawn(`c${i}`, (rt) =>
      rt.transport.connect(`tcp:${ipA}:7000`, {
        connected: (conn) => {
          echo(conn);
          for (let w = 0; w < window; w++) conn.send(payload);
        },
        failed: (e) => { throw e; },
      }), { ips: [`11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`] });
  }
  world.sim.run({ untilMs: 50 }); // connect everything first (not measured)
  const start = delivered;
  const ms = timeMs(() => world.sim.run({ stopWhen: () => delivered - start >= messagesTarget }));
  return ((delivered - start) / ms) * 1000;
}

/** 10,000 hosts with nothing to do for a virtual hour: must run no events at all. */
function idleCost(hosts: number): { events: number; wallMs: number } {
  const world = new SimWorld({ seed: 'bench-idle' });
  for (let i = 0; i < hosts; i++) world.spawn(`h${i}`, () => {});
  let events = 0;
  const wallMs = timeMs(() => (events = world.sim.run({ untilMs: 3_600_000 })));
  return { events, wallMs };
}

function memoryPerHostBytes(hosts: number): number {
  if (!globalThis.gc) throw new Error('run with node --expose-gc (npm run bench:sim does)');
  globalThis.gc();
  const before = process.memoryUsage().heapUsed;
  const world = new SimWorld({ seed: 'bench-mem' });
  for (let i = 0; i < hosts; i++) world.spawn(`h${i}`, () => {}, { ips: [`10.1.${(i >> 8) & 255}.${i & 255}`] });
  globalThis.gc();
  const after = process.memoryUsage().heapUsed;
  // Touch the world after measuring so it is certainly alive at the measurement.
  if (world.hosts.length !== hosts) throw new Error('host count mismatch');
  return (after - before) / hosts;
}

function main(): void {
  console.log(`bench:sim — medians of ${runs} runs (node ${process.version})`);
  const rows: string[] = [];
  const heapPerHost = memoryPerHostBytes(10_000); // first, before other runs leave garbage behind
  for (const hosts of [1_000, 10_000]) {
    const t = medianOf(runs, () => timerRate(hosts, 2_000_000));
    rows.push(`| timer events/s | ${fmt(hosts)} | ${fmt(t.median)} | ≥ 1,000,000 |`);
    const s = medianOf(runs, () => streamRate(hosts, 1_000_000));
    rows.push(`| stream messages/s | ${fmt(hosts)} | ${fmt(s.median)} | ≥ 300,000 |`);
  }
  const idle = idleCost(10_000);
  rows.push(`| idle hosts: events in a virtual hour | 10,000 | ${idle.events} (${idle.wallMs.toFixed(1)} ms wall) | 0 |`);
  rows.push(`| heap per idle host (bytes) | 10,000 | ${fmt(heapPerHost)} | — |`);
  console.log('| measure | hosts | median | target |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
}

main();
