// Logical flows compiled to OpenFlow: ovn-ts vs upstream ovn-controller 23.03 on one Southbound database.
//
// 1. Upstream ovn-northd makes the SB from a density-style NB (test-support/density-topology.ts) in a sandbox with one
//    hypervisor (hv1) that binds a port on every logical switch, so every datapath is local to it.
// 2. Upstream: `inc-engine/recompute` is triggered BENCH_RUNS times with ovn-controller's lflow cache on (its
//    default) and BENCH_RUNS times with it off. Per recompute we take the time of the logical_flow_output
//    engine node (inc_proc_eng debug log: lflow_run, i.e. parsing, compiling and adding every local logical
//    flow to the desired flow table) and the flow-generation stopwatch (the whole engine run of that
//    iteration: bindings, port groups, physical flows ... too). Installed OpenFlow flows are counted.
// 3. ovn-ts: the same SB tables are read with ovn-sbctl; after the sandbox is stopped, every run builds the
//    chassis' flows with compileChassisFlows (core/lflow/compile/chassis-flows.ts: local datapaths, related
//    ports, every (logical flow, datapath) pair parsed and compiled; one untimed warm-up run first), first
//    with no cache kept between runs (flows of a datapath group still share one preparation within a run:
//    the counterpart of upstream's cache-off figure), then with one PreparedFlowCache and one pair of
//    group/meter allocators kept across runs, as ovn-controller keeps its lflow cache and ids (the
//    counterpart of its cache-on figure; every reused flow's reads are checked again).
// 4. Memory per hypervisor (DESIGN 3a): LFLOW_CHASSIS simulated chassis, chassis j binding port j of every
//    switch (so each, like hv1, has every datapath local), compiled one after the other with one shared
//    PreparedFlowCache and, for comparison, with none shared; the heap each chassis' result keeps (after a
//    forced GC) beside upstream hv1's ovn-controller resident set size with its cache on.
// 5. Last line: the northd corpus (core/lflow/testdata/northd-corpus.json), compiled ROUNDS times.
//
// Run: npm run bench:lflow   (BENCH_RUNS=5, LFLOW_SWITCHES=50, LFLOW_PORTS=30, LFLOW_LBS=30, LFLOW_CHASSIS=20 by default)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusLookup, type Corpus } from '../core/lflow/corpus';
import { ovnSymtab } from '../core/lflow/symtab';
import { compileLogicalFlow, idAllocator } from '../core/lflow/compile';
import { compileChassisFlows } from '../core/lflow/compile/chassis-flows';
import { PreparedFlowCache } from '../core/lflow/compile/prepared-cache';
import { formatFlow } from '../core/openflow';
import type { ChassisSb } from '../core/lflow/compile/chassis-sb';
import { readChassisSb } from '../test-support/sb-json';
import { startOvnSandbox, type OvnSandbox } from '../test-support/ovn-sandbox';
import { findBinary, upstreamPackages } from '../test-support/upstream';
import { median, timeMs, fmt } from './median';
import { densityPortsAt, densityTopology, densityVifs, type DensityWorkload } from '../test-support/density-topology';

const chassisName = 'hv1';
const recomputeWaitMs = 120_000;
const pollMs = 20;
const upstreamBinaries = ['ovsdb-tool', 'ovsdb-server', 'ovn-northd', 'ovn-nbctl', 'ovn-sbctl', 'ovs-vswitchd', 'ovs-vsctl',
  'ovs-ofctl', 'ovn-controller', 'ovn-appctl'];

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface UpstreamRun {
  lflowMs: number;
  flowGenerationMs: number;
}

interface UpstreamResult {
  cached: UpstreamRun[];
  uncached: UpstreamRun[];
  openflowFlows: number;
  cacheStats: string;
  /** ovn-controller's VmRSS with its lflow cache on, after the recomputes (kB). */
  rssKb: number;
}

/** Triggers full recomputes of hv1's ovn-controller and reads how long they took. */
function measureUpstream(box: OvnSandbox, runs: number): UpstreamResult {
  const ctlName = fs.readdirSync(box.dir).find((f) => /^ovn-controller\.\d+\.ctl$/.test(f));
  if (ctlName === undefined) throw new Error(`no ovn-controller control socket in ${box.dir}`);
  const appctl = (...args: string[]) => box.run('ovn-appctl', ['-t', path.join(box.dir, ctlName), ...args]);
  const logFile = path.join(box.dir, 'controller.log');
  appctl('vlog/set', 'inc_proc_eng:file:dbg');
  const recompute = (): UpstreamRun => {
    const mark = fs.statSync(logFile).size;
    appctl('stopwatch/reset');
    appctl('inc-engine/recompute');
    let lflowMs: number | undefined;
    for (let waited = 0; lflowMs === undefined; waited += pollMs) {
      if (waited > recomputeWaitMs) throw new Error(`ovn-controller did not recompute within ${recomputeWaitMs} ms (see ${logFile})`);
      sleepMs(pollMs);
      const fd = fs.openSync(logFile, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const buf = Buffer.alloc(size - mark);
        fs.readSync(fd, buf, 0, buf.length, mark);
        const m = /\|inc_proc_eng\|(?:DBG|INFO)\|node: logical_flow_output, recompute \(forced\) took (\d+)ms/.exec(buf.toString('utf8'));
        if (m) lflowMs = Number(m[1]);
      } finally {
        fs.closeSync(fd);
      }
    }
    // The stopwatch takes its samples in a thread of its own: wait until the recompute's sample is in.
    let flowGenerationMs = NaN;
    for (let waited = 0; waited < 5_000; waited += pollMs) {
      const max = /Maximum: (\d+) msec/.exec(appctl('stopwatch/show', 'flow-generation'));
      if (max && Number(max[1]) >= lflowMs) {
        flowGenerationMs = Number(max[1]);
        break;
      }
      sleepMs(pollMs);
    }
    return { lflowMs, flowGenerationMs };
  };
  const setCache = (on: boolean) => {
    box.run('ovs-vsctl', [`--db=${box.ovs}`, 'set', 'Open_vSwitch', '.', `external_ids:ovn-enable-lflow-cache=${on}`]);
    for (let waited = 0; !appctl('lflow-cache/show-stats').includes(`Enabled: ${on}`); waited += pollMs) {
      if (waited > 10_000) throw new Error('ovn-controller did not take up ovn-enable-lflow-cache');
      sleepMs(pollMs);
    }
  };
  const cached: UpstreamRun[] = [];
  const uncached: UpstreamRun[] = [];
  setCache(true);
  recompute(); // fills the cache
  for (let i = 0; i < runs; i++) cached.push(recompute());
  const controllerPid = Number(/^ovn-controller\.(\d+)\.ctl$/.exec(ctlName)![1]);
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${controllerPid}/status`, 'utf8'))?.[1] ?? NaN);
  const cacheStats = appctl('lflow-cache/show-stats').trim().split('\n').filter((l) => /cache-expr|cache-matches/.test(l)).map((l) => l.replace(/\s+/g, ' ')).join(', ');
  setCache(false);
  for (let i = 0; i < runs; i++) uncached.push(recompute());
  setCache(true);
  const agg = box.run('ovs-ofctl', ['dump-aggregate', box.brIntMgmt]);
  const openflowFlows = Number(/flow_count=(\d+)/.exec(agg)?.[1] ?? NaN);
  return { cached, uncached, openflowFlows, cacheStats, rssKb };
}

interface OursRun {
  ms: number;
  pairs: number;
  openflowFlows: number;
  /** Pairs compiled, and how many of them needed a preparation of their own (the rest shared one). */
  compiledPairs: number;
  preparedPairs: number;
  failed: number;
  failures: Map<string, number>;
  /** The flows as ovs-ofctl prints them (with their table), to check that caching changes nothing. */
  text: string;
}

/** What ovn-ts keeps from one recompute to the next when it caches: prepared flows and allocated ids. */
interface Kept {
  readonly cache: PreparedFlowCache;
  readonly groups: ReturnType<typeof idAllocator>;
  readonly meters: ReturnType<typeof idAllocator>;
}

function keptState(): Kept {
  return { cache: new PreparedFlowCache(ovnSymtab()), groups: idAllocator(), meters: idAllocator() };
}

/**
 * One full "recompute" in ovn-ts: the chassis' local datapaths and related ports, then every pair compiled;
 * from scratch, or with what `kept` holds from earlier recomputes.
 */
function compileAll(sb: ChassisSb, vifs: readonly string[], kept?: Kept): OursRun {
  let result: ReturnType<typeof compileChassisFlows> | undefined;
  const groups = kept?.groups ?? idAllocator();
  const meters = kept?.meters ?? idAllocator();
  const ms = timeMs(() => {
    result = compileChassisFlows(sb, { chassis: chassisName, localIfaces: new Set(vifs) }, ovnSymtab(), { groupId: groups.id, meterId: meters.id }, kept?.cache);
  });
  const r = result!;
  const failures = new Map<string, number>();
  for (const f of r.failures) {
    const why = f.error.replace(/\s+/g, ' ').slice(0, 100);
    failures.set(why, (failures.get(why) ?? 0) + 1);
  }
  const pairs = sb.flows.reduce((n, f) => n + f.datapaths.filter((d) => r.locality.localDatapaths.has(d)).length, 0);
  return {
    ms, pairs, openflowFlows: r.flows.length, compiledPairs: r.compiledPairCount, preparedPairs: r.preparedPairCount,
    failed: r.failures.length, failures,
    text: r.flows.map((f) => `table=${f.flowMod.tableId} ${formatFlow(f.flowMod)}`).join('\n'),
  };
}

interface ScaleRun {
  readonly msPerChassis: number;
  readonly retainedMbPerChassis: number;
  readonly flowsPerChassis: number;
}

/** Heap in use after a full collection (the script runs with --expose-gc). */
function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('bench:lflow needs node --expose-gc (npm run bench:lflow passes it)');
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * `count` chassis compiled one after the other, chassis j binding port j of every switch (the SB's bindings
 * moved accordingly), with one prepared-flow cache shared by all or none shared; what each one's result keeps.
 */
function compileManyChassis(sb: ChassisSb, w: DensityWorkload, count: number, shareCache: boolean): ScaleRun {
  const names = Array.from({ length: count }, (_, j) => `sim-hv${j}`);
  const chassisOfPort = new Map(names.flatMap((name, j) => densityPortsAt(w, j).map((p) => [p, name] as const)));
  const spread: ChassisSb = { ...sb, ports: sb.ports.map((p) => (p.type === '' ? { ...p, chassis: chassisOfPort.get(p.logicalPort) ?? null } : p)) };
  const symtab = ovnSymtab();
  const before = heapUsedAfterGc();
  const shared = shareCache ? new PreparedFlowCache(symtab) : undefined;
  const kept: unknown[] = [];
  let flows = 0;
  const ms = timeMs(() => {
    names.forEach((chassis, j) => {
      const r = compileChassisFlows(spread, { chassis, localIfaces: new Set(densityPortsAt(w, j)) }, symtab,
        { groupId: idAllocator().id, meterId: idAllocator().id }, shared ?? new PreparedFlowCache(symtab));
      flows += r.flows.length;
      kept.push(r.flows);
    });
  });
  const retained = heapUsedAfterGc() - before;
  if (kept.length !== count || (shared && shared.stats().flows === 0)) throw new Error('bench:lflow: the chassis results were not kept');
  return { msPerChassis: ms / count, retainedMbPerChassis: retained / count / 1e6, flowsPerChassis: flows / count };
}

function corpusLine(): string {
  const corpus = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'core', 'lflow', 'testdata', 'northd-corpus.json'), 'utf8')) as Corpus;
  const names = corpusLookup(corpus);
  const ports = new Map<string, number>();
  const ctx = {
    symtab: ovnSymtab(),
    lookupPort: (n: string) => { if (!ports.has(n)) ports.set(n, ports.size + 1); return ports.get(n); },
    isChassisResident: () => true, isSwitch: true, groupId: idAllocator().id, meterId: idAllocator().id,
  };
  const rounds = Number(process.env.ROUNDS ?? 20);
  let flows = 0;
  let ofFlows = 0;
  const ms = timeMs(() => {
    for (let r = 0; r < rounds; r++) {
      corpus.flows.forEach((f, i) => {
        try {
          ofFlows += compileLogicalFlow({ uuid: `${(0x10000000 + i).toString(16)}-0000-0000-0000-000000000000`, datapathKey: 1, pipeline: 'ingress', tableId: 5, priority: 100, match: f.match, actions: f.actions }, ctx, names).length;
          flows++;
        } catch {
          // flows with actions not yet compiled are counted out
        }
      });
    }
  });
  return `corpus: ${flows} logical flows (${ofFlows} OpenFlow flows; ${corpus.flows.length} flows x ${rounds} rounds, uncompilable left out) in ${(ms / 1000).toFixed(2)} s = ${fmt(flows / (ms / 1000))} logical flows/s`;
}

function envInt(name: string, dflt: number): number {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a non-negative integer`);
  return v;
}

function main(): void {
  const missing = upstreamBinaries.filter((b) => findBinary(b) === null);
  if (missing.length > 0) {
    console.error(`bench:lflow needs upstream OVN/OVS binaries; missing: ${missing.join(', ')} (apt-get install -y ${upstreamPackages})`);
    process.exit(1);
  }
  const runs = Math.max(1, envInt('BENCH_RUNS', 5));
  const w: DensityWorkload = {
    switches: envInt('LFLOW_SWITCHES', 50), portsPerSwitch: envInt('LFLOW_PORTS', 30),
    loadBalancers: envInt('LFLOW_LBS', 30), boundPerSwitch: 1,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ovn-bench-lflow-'));
  let box: OvnSandbox | undefined;
  const cleanup = () => {
    try {
      box?.stop();
    } finally {
      box = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const onSignal = (sig: NodeJS.Signals) => {
    cleanup();
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let sb: ChassisSb;
  let up: UpstreamResult;
  try {
    const t0 = Date.now();
    box = startOvnSandbox(dir, { topology: densityTopology(w), hypervisor: { systemId: chassisName, vifs: densityVifs(w) } });
    const setupS = (Date.now() - t0) / 1000;
    const b = box;
    sb = readChassisSb((args) => b.run('ovn-sbctl', [`--db=${b.sb}`, ...args]));
    console.log(`lflow: NB ${w.switches} switches x ${w.portsPerSwitch} ports, 1 router, ${w.switches + 1} port groups, ${w.switches} address sets, `
      + `${w.switches * 3 + 3} ACLs, ${w.loadBalancers} load balancers on every switch and the router; ${w.switches} VIFs bound on ${chassisName}`);
    console.log(`  SB by ovn-northd: ${sb.flows.length} Logical_Flow rows, ${sb.datapaths.length} datapaths, `
      + `${sb.ports.length} port bindings (sandbox up in ${setupS.toFixed(1)} s)`);
    up = measureUpstream(box, runs);
  } finally {
    cleanup();
  }
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);

  const vifs = densityVifs(w);
  const warm = compileAll(sb, vifs);
  if (warm.pairs === 0) {
    // Nothing bound to hv1 in the SB that was read: no figure would mean anything.
    console.error(`bench:lflow: no (logical flow, datapath) pair is local to ${chassisName} in the SB read (are its VIFs bound?); no figures`);
    process.exit(1);
  }
  const ours: OursRun[] = [];
  for (let i = 0; i < runs; i++) ours.push(compileAll(sb, vifs));
  const kept = keptState();
  const keptFirst = compileAll(sb, vifs, kept); // fills the cache, as upstream's untimed first recompute
  const oursCached: OursRun[] = [];
  for (let i = 0; i < runs; i++) oursCached.push(compileAll(sb, vifs, kept));
  const sameFlows = oursCached.every((r) => r.text === ours[0]!.text && r.failed === ours[0]!.failed);
  const pairs = ours[0]!.pairs;
  const oursMs = median(ours.map((r) => r.ms));
  const oursCachedMs = median(oursCached.map((r) => r.ms));
  const upCached = median(up.cached.map((r) => r.lflowMs));
  const upUncached = median(up.uncached.map((r) => r.lflowMs));
  const genCached = median(up.cached.map((r) => r.flowGenerationMs));
  const genUncached = median(up.uncached.map((r) => r.flowGenerationMs));
  const rate = (ms: number) => `${fmt(pairs / (ms / 1000))} pairs/s`;
  const samples = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  const cacheStats = kept.cache.stats();
  console.log(`  ${pairs} (logical flow, datapath) pairs local to ${chassisName}; medians of ${runs} full recomputes; load average ${os.loadavg()[0]!.toFixed(1)}:`);
  console.log(`  upstream ovn-controller, lflow cache on : lflow_run ${upCached} ms = ${rate(upCached)} (samples ${samples(up.cached.map((r) => r.lflowMs))}); `
    + `flow-generation ${genCached} ms; ${up.openflowFlows} OpenFlow flows on br-int; ${up.cacheStats}`);
  console.log(`  upstream ovn-controller, lflow cache off: lflow_run ${upUncached} ms = ${rate(upUncached)} (samples ${samples(up.uncached.map((r) => r.lflowMs))}); `
    + `flow-generation ${genUncached} ms`);
  console.log(`  ovn-ts, prepared-flow cache kept        : ${Math.round(oursCachedMs)} ms = ${rate(oursCachedMs)} (samples ${samples(oursCached.map((r) => r.ms))}); `
    + `first (filling) run ${Math.round(keptFirst.ms)} ms; ${cacheStats.entries} entries for ${cacheStats.flows} logical flows; `
    + `${sameFlows ? 'the same flows as without' : 'FLOWS DIFFER FROM A RUN WITHOUT THE CACHE'}`);
  console.log(`  ovn-ts, no cache between recomputes     : ${Math.round(oursMs)} ms = ${rate(oursMs)} (samples ${samples(ours.map((r) => r.ms))}); `
    + `${ours[0]!.openflowFlows} OpenFlow flows; ${ours[0]!.failed} pairs failed to compile; `
    + `${ours[0]!.compiledPairs} pairs compiled from ${ours[0]!.preparedPairs} preparations (datapath groups share)`);
  console.log(`  ovn-ts / upstream time: ${(oursCachedMs / upCached).toFixed(2)} (both caching), ${(oursMs / upUncached).toFixed(2)} (neither caching)`);
  const chassisCount = Math.min(envInt('LFLOW_CHASSIS', 20), w.portsPerSwitch);
  const sharedRun = compileManyChassis(sb, w, chassisCount, true);
  const unsharedRun = compileManyChassis(sb, w, chassisCount, false);
  const scaleLine = (r: ScaleRun) => `${Math.round(r.msPerChassis)} ms and ${r.retainedMbPerChassis.toFixed(1)} MB of heap per chassis (${Math.round(r.flowsPerChassis)} flows each)`;
  console.log(`  ${chassisCount} ovn-ts chassis, every datapath local to each: one shared cache ${scaleLine(sharedRun)}; `
    + `no cache shared ${scaleLine(unsharedRun)}; upstream hv1's ovn-controller: ${(up.rssKb / 1000).toFixed(1)} MB resident`);
  for (const [why, n] of [...ours[0]!.failures].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(`    not compiled (${n}): ${why}`);
  console.log(`lflow ${corpusLine()}`);
}

main();
